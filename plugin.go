// Command kp-sync is an IBM Cloud CLI plug-in that adds "ibmcloud kp key
// sync": it requests that Key Protect notify the cloud services associated with a
// root key of the key's last lifecycle event again.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"
	sdki18n "github.com/IBM-Cloud/ibm-cloud-cli-sdk/i18n"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/commands"
	_ "github.com/key-protect-sync/kp-sync/commands/keysync"       // registers kp key sync
	_ "github.com/key-protect-sync/kp-sync/commands/registrations" // registers kp registrations
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/hostconfig"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/session"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// KPSyncPlugin is the plug-in the ibmcloud host loads.
type KPSyncPlugin struct {
	exitCode int
}

// GetMetadata returns the namespaces and commands the plug-in adds.
func (p *KPSyncPlugin) GetMetadata() plugin.PluginMetadata {
	return metadata.Get()
}

// Run runs the command in args[0] of the namespace the host set in
// IBMCLOUD_PLUGIN_NAMESPACE.
func (p *KPSyncPlugin) Run(pluginContext plugin.PluginContext, args []string) {
	i18n.Init(pluginContext.Locale())

	translateSDKWords()

	terminal.UserAskedForColors = pluginContext.ColorEnabled()
	terminal.InitColorSupport()
	ui := terminal.NewStdUI()
	ui.SetQuiet(strings.EqualFold(bluemix.EnvQuiet.Get(), "true"))

	trace.Logger = trace.NewLogger(pluginContext.Trace())
	if closer, ok := trace.Logger.(trace.PrinterCloser); ok {
		defer closer.Close()
	}

	// The SDK refreshes IAM tokens with http.DefaultClient, which has no
	// timeout (ibm-cloud-cli-sdk v1.12.1 common/rest/client.go), so a hung
	// IAM endpoint would hang the command. The command itself reports an
	// invalid IBMCLOUD_HTTP_TIMEOUT, so the default applies until then.
	timeout, err := session.Session{Context: pluginContext, Getenv: os.Getenv}.Timeout()
	if err != nil {
		timeout = keyprotect.DefaultTimeout
	}
	http.DefaultClient.Timeout = timeout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	env := commands.Env{UI: ui, Context: pluginContext, Getenv: os.Getenv}
	p.exitCode = commands.Run(ctx, env, pluginContext.CommandNamespace(), args)
}

func main() {
	args := os.Args[1:]
	kpPlugin := &KPSyncPlugin{}

	// The SDK calls GetMetadata, which translates the descriptions, before
	// Run has the plug-in context, and handles SendMetadata without one. So
	// the locale comes from the host config file here, and Run finds it set.
	i18n.Init(hostconfig.Locale(hostconfig.Path()))

	if len(args) == 1 && args[0] == "SendMetadata" {
		plugin.Start(kpPlugin)
		return
	}

	// Completion needs neither a login nor the config file, and the host
	// runs it on every tab press, so it is handled before either is read.
	if len(args) > 0 && args[0] == metadata.CompletionRequest {
		for _, candidate := range metadata.Complete(bluemix.EnvPluginNamespace.Get(), args[1:]) {
			fmt.Println(candidate)
		}
		return
	}

	// Run directly, the binary takes the namespace as leading words, as in
	// "kp-sync kp key sync KEY"; the host passes it in the environment.
	if namespace, rest := splitNamespace(args); namespace != "" {
		_ = bluemix.EnvPluginNamespace.Set(namespace)
		args = rest
	}

	if err := hostconfig.Check(hostconfig.Path()); err != nil {
		// Help needs no session, so it is printed even without a usable
		// config, in the locale of the environment.
		ui := terminal.NewStdUI()
		namespace := bluemix.EnvPluginNamespace.Get()
		if command, ok := helpRequest(namespace, args); ok {
			commands.PrintHelp(ui, command)
			os.Exit(commands.ExitOK)
		}
		translateSDKWords()
		ui.Failed("%s", commands.Message(err.(*usermsg.Error)))
		os.Exit(commands.ExitFailed)
	}

	os.Exit(run(kpPlugin, args))
}

// translateSDKWords puts the SDK's own words, such as FAILED and OK, in the
// plug-in's locale. plugin.Start translates them for the host's configured
// locale only, and not at all when it panics or is not reached, while the
// plug-in also follows LC_ALL, LC_MESSAGES and LANG.
func translateSDKWords() {
	sdki18n.T = sdki18n.MustTfunc(i18n.Locale())
}

// run starts the plug-in through the SDK and turns a panic inside the SDK,
// such as its "configuration error", into a FAILED message.
func run(kpPlugin *KPSyncPlugin, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			translateSDKWords()
			terminal.NewStdUI().Failed("%s", i18n.T("error.internal", map[string]any{"Error": fmt.Sprint(r)}))
			code = commands.ExitFailed
		}
	}()
	plugin.StartWithArgs(kpPlugin, args)
	return kpPlugin.exitCode
}

// helpRequest returns the command whose help args ask for.
func helpRequest(namespace string, args []string) (plugin.Command, bool) {
	if len(args) == 0 || !commands.WantsHelp(args[1:]) {
		return plugin.Command{}, false
	}
	return metadata.Find(namespace, args[0])
}

// splitNamespace returns the longest leading words of args that name a
// namespace of the plug-in, and the arguments after them.
func splitNamespace(args []string) (string, []string) {
	for n := min(len(args), 2); n > 0; n-- {
		words := strings.Join(args[:n], " ")
		if metadata.IsNamespace(words) {
			return words, args[n:]
		}
	}
	return "", args
}
