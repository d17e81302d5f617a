// Package commands routes a plug-in invocation to its command and holds what
// the commands share: exit statuses and the way errors reach the user.
package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// Exit statuses, the same for every command and documented in the README.
const (
	ExitOK          = 0
	ExitFailed      = 1   // a request failed, or the session is unusable
	ExitUsage       = 2   // incorrect usage; nothing was sent
	ExitTooEarly    = 3   // nothing failed, but a key was synced within the hour
	ExitInterrupted = 130 // SIGINT or SIGTERM, as shells report 128+2
)

// Runner runs one command and returns its exit status.
type Runner func(ctx context.Context, env Env, args []string) int

// Env holds the host UI, plug-in context and environment of a command run.
type Env struct {
	UI      terminal.UI
	Context plugin.PluginContext
	Getenv  func(string) string
}

var runners = map[string]Runner{}

// Register makes run the runner of command name in namespace. Command
// packages call it from init.
func Register(namespace, name string, run Runner) {
	runners[namespace+" "+name] = run
}

// Run runs the command named by args[0] in namespace and returns the exit
// status.
func Run(ctx context.Context, env Env, namespace string, args []string) int {
	if len(args) == 0 {
		env.UI.Failed("%s", i18n.T("error.command.missing"))
		return ExitUsage
	}
	run, ok := runners[namespace+" "+args[0]]
	if !ok {
		env.UI.Failed("%s", i18n.T("error.command.unknown", map[string]any{
			"Command": strings.TrimSpace(namespace + " " + args[0]),
		}))
		return ExitUsage
	}
	return run(ctx, env, args[1:])
}

// WantsHelp reports whether args ask for help with -h or --help before any
// "--" that ends the options.
func WantsHelp(args []string) bool {
	for _, arg := range args {
		switch arg {
		case "--":
			return false
		case "-h", "--help", "-help":
			return true
		}
	}
	return false
}

// Prelude handles what every command does with its parsed command line
// before it runs: a parse error ends the command with the usage message,
// and a help request prints the help. done is false when the command
// should go on.
func Prelude(ui terminal.UI, command plugin.Command, help bool, err error) (code int, done bool) {
	if err != nil {
		return Fail(ui, command, err), true
	}
	if help {
		PrintHelp(ui, command)
		return ExitOK, true
	}
	return ExitOK, false
}

// PrintHelp writes the help of command to stdout.
func PrintHelp(ui terminal.UI, command plugin.Command) {
	ui.Print("%s", strings.TrimSuffix(metadata.Help(command), "\n"))
}

// Fail reports err to the user on stderr and returns the exit status for it:
// incorrect usage gets the guide's "Incorrect Usage." form with the
// command's help, anything else FAILED with the translated message. An
// error without a message ID is one the plug-in did not expect, and is
// shown as an internal error with its own text.
func Fail(ui terminal.UI, command plugin.Command, err error) int {
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) {
		ui.Failed("%s", i18n.T("error.internal", map[string]any{"Error": err.Error()}))
		return ExitFailed
	}
	message := Message(userErr)
	if userErr.Usage {
		ui.Failed("%s\n%s\n\n%s", i18n.T("error.incorrect-usage"), message, strings.TrimSuffix(metadata.Help(command), "\n"))
		return ExitUsage
	}
	ui.Failed("%s", message)
	return ExitFailed
}

// Message translates a user error. A *usermsg.Error among its data, such as
// the reason of a failed lookup, is translated first and filled in as text.
func Message(err *usermsg.Error) string {
	data := make(map[string]any, len(err.Data))
	for name, value := range err.Data {
		if nested, ok := value.(*usermsg.Error); ok {
			value = Message(nested)
		}
		data[name] = value
	}
	return i18n.T(err.ID, data)
}

// endpointLines are the message IDs of the endpoint line for each source of
// the region.
var endpointLines = map[endpoint.Source]string{
	endpoint.SourceTargetAddr:    "endpoint.using.target-addr",
	endpoint.SourceFlag:          "endpoint.using.flag",
	endpoint.SourceCache:         "endpoint.using.cache",
	endpoint.SourceLookup:        "endpoint.using.lookup",
	endpoint.SourceSessionRegion: "endpoint.using.session",
}

// AnnounceEndpoint writes to stderr the Key Protect endpoint a command
// calls and the source of its region. When the instance lookup failed and
// the session's region is used in its place, a warning comes first.
// Commands call it in text mode only, so that -o json output stays data.
func AnnounceEndpoint(ui terminal.UI, ep endpoint.Endpoint) {
	data := map[string]any{"URL": ep.URL, "Region": ep.Region, "StaleRegion": ep.StaleRegion}
	if ep.Warning != nil {
		ui.Warn("%s", i18n.T("endpoint.fallback", map[string]any{"Reason": Message(ep.Warning), "Region": ep.Region}))
	}
	id := endpointLines[ep.Source]
	if ep.StaleRegion != "" {
		id = "endpoint.using.stale"
	}
	ui.Info("%s", i18n.T(id, data))
}
