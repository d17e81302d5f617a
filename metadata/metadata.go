// Package metadata is the single description of the plug-in's namespaces,
// commands, usage and flags. SendMetadata, the help text and the argument
// parser all read it from here.
package metadata

import (
	"fmt"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/i18n"
)

// PluginName is the name the host installs the plug-in under.
const PluginName = "key-protect-sync"

// Namespaces of the commands, as the user types them after "ibmcloud".
const (
	NamespaceKP    = "kp"
	NamespaceKPKey = "kp key"
)

// Command names inside their namespace.
const (
	CommandSync          = "sync"
	CommandRegistrations = "registrations"
)

// Flag names shared by the commands. The metadata lists a flag with its short
// name first, as in "i, instance-id".
const (
	FlagInstanceID    = "instance-id"
	FlagKeyRing       = "key-ring"
	FlagOutput        = "output"
	FlagRegion        = "region"
	FlagHelp          = "help"
	FlagKeyID         = "key-id"
	FlagCRNQuery      = "crn-query"
	FlagFile          = "file"
	FlagAllRegistered = "all-registered"
	FlagParallel      = "parallel"
)

// OutputFormats are the values of -o, --output; validate.OutputFormat
// accepts each of them.
var OutputFormats = []string{"json", "table"}

// ShortFlagRegion is the one-letter name of FlagRegion.
const ShortFlagRegion = "r"

// regionFlag is -r, --region, which chooses the Key Protect region in place
// of the instance lookup. Every command that calls Key Protect lists it,
// without -r where that letter has another meaning.
var regionFlag = flagSpec{short: ShortFlagRegion, long: FlagRegion, descriptionID: "flag.region.description", hasValue: true}

// minCLIVersion is the oldest ibmcloud CLI that runs plug-ins built with SDK
// v1.x; the SDK's metadata validator rejects anything older than 2.0.0.
var minCLIVersion = plugin.VersionType{Major: 2, Minor: 0, Build: 0}

// flagSpec describes one command option before translation.
type flagSpec struct {
	short, long   string
	descriptionID string
	hasValue      bool
	// values are the accepted values that shell completion offers; nil
	// means any value, such as an ID.
	values []string
}

// commandSpec describes one command before translation.
type commandSpec struct {
	namespace, name string
	descriptionID   string
	usage           string
	flags           []flagSpec
}

var commands = []commandSpec{
	{
		namespace:     NamespaceKPKey,
		name:          CommandSync,
		descriptionID: "command.sync.description",
		usage:         "ibmcloud kp key sync (KEY_ID_OR_ALIAS... | --file FILE | --all-registered) [-i, --instance-id INSTANCE_ID] [--key-ring KEY_RING_ID] [-r, --region REGION] [--parallel N] [-o, --output FORMAT]",
		flags: []flagSpec{
			{short: "i", long: FlagInstanceID, descriptionID: "flag.instance-id.description", hasValue: true},
			{long: FlagKeyRing, descriptionID: "flag.key-ring.description", hasValue: true},
			regionFlag,
			{long: FlagFile, descriptionID: "flag.file.description", hasValue: true},
			{long: FlagAllRegistered, descriptionID: "flag.all-registered.description"},
			{long: FlagParallel, descriptionID: "flag.parallel.description", hasValue: true},
			{short: "o", long: FlagOutput, descriptionID: "flag.output.description", hasValue: true, values: OutputFormats},
		},
	},
	{
		// The flags are those of the IBM Key Protect plug-in's
		// "kp registrations", so that scripts written for it keep working.
		namespace:     NamespaceKP,
		name:          CommandRegistrations,
		descriptionID: "command.registrations.description",
		usage:         "ibmcloud kp registrations [-k, --key-id KEY_ID_OR_ALIAS] [-c, --crn-query CRN_PATTERN] [-r, --key-ring KEY_RING_ID] [-i, --instance-id INSTANCE_ID] [--region REGION] [-o, --output FORMAT]",
		flags: []flagSpec{
			{short: "k", long: FlagKeyID, descriptionID: "flag.key-id.registrations.description", hasValue: true},
			{short: "c", long: FlagCRNQuery, descriptionID: "flag.crn-query.description", hasValue: true},
			{short: "r", long: FlagKeyRing, descriptionID: "flag.key-ring.description", hasValue: true},
			{short: "i", long: FlagInstanceID, descriptionID: "flag.instance-id.description", hasValue: true},
			// -r is the key ring here, as in the IBM plug-in, so the region
			// has its long name only.
			{long: FlagRegion, descriptionID: regionFlag.descriptionID, hasValue: true},
			{short: "o", long: FlagOutput, descriptionID: "flag.output.description", hasValue: true, values: OutputFormats},
		},
	},
}

// Get returns the plug-in's metadata for SendMetadata, translated into the
// current locale.
func Get() plugin.PluginMetadata {
	return plugin.PluginMetadata{
		Name:    PluginName,
		Version: PluginVersion(),
		Namespaces: []plugin.Namespace{
			{Name: NamespaceKP, Description: i18n.T("namespace.kp.description")},
			{ParentName: NamespaceKP, Name: "key", Description: i18n.T("namespace.kp-key.description")},
		},
		Commands:                 Commands(),
		MinCliVersion:            minCLIVersion,
		PrivateEndpointSupported: true,
		// The host then runs "BINARY SendCompletion WORDS..." for tab
		// completion, whose candidates Complete returns.
		DelegateBashCompletion: true,
	}
}

// Commands returns every command with its translated description and flags.
func Commands() []plugin.Command {
	result := make([]plugin.Command, 0, len(commands))
	for _, spec := range commands {
		result = append(result, spec.command())
	}
	return result
}

// Find returns the command named name in namespace.
func Find(namespace, name string) (plugin.Command, bool) {
	for _, spec := range commands {
		if spec.namespace == namespace && spec.name == name {
			return spec.command(), true
		}
	}
	return plugin.Command{}, false
}

// IsNamespace reports whether words, joined by spaces, name a namespace of
// the plug-in.
func IsNamespace(words string) bool {
	return words == NamespaceKP || words == NamespaceKPKey
}

func (spec commandSpec) command() plugin.Command {
	flags := make([]plugin.Flag, 0, len(spec.flags))
	for _, flag := range spec.flags {
		name := flag.long
		if flag.short != "" {
			name = flag.short + ", " + flag.long
		}
		flags = append(flags, plugin.Flag{
			Name:        name,
			Description: i18n.T(flag.descriptionID),
			HasValue:    flag.hasValue,
		})
	}
	return plugin.Command{
		Namespace:   spec.namespace,
		Name:        spec.name,
		Description: i18n.T(spec.descriptionID),
		Usage:       spec.usage,
		Flags:       flags,
	}
}

// Help returns the help text of a command in the format of the IBM Cloud CLI
// plug-in guide: NAME, USAGE and OPTIONS sections.
func Help(command plugin.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  %s - %s\n\n", i18n.T("help.name"), command.Name, command.Description)
	fmt.Fprintf(&b, "%s\n  %s\n", i18n.T("help.usage"), command.Usage)
	if len(command.Flags) == 0 {
		return b.String()
	}

	labels := make([]string, len(command.Flags))
	width := 0
	for i, flag := range command.Flags {
		labels[i] = flagLabel(flag)
		width = max(width, len(labels[i]))
	}
	fmt.Fprintf(&b, "\n%s\n", i18n.T("help.options"))
	for i, flag := range command.Flags {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, labels[i], flag.Description)
	}
	return b.String()
}

// flagLabel renders "i, instance-id" as "-i value, --instance-id value", the
// form the plug-in guide's help example uses.
func flagLabel(flag plugin.Flag) string {
	names := strings.Split(flag.Name, ",")
	parts := make([]string, 0, len(names))
	for _, name := range names {
		name = strings.TrimSpace(name)
		dashes := "--"
		if len(name) == 1 {
			dashes = "-"
		}
		part := dashes + name
		if flag.HasValue {
			part += " value"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}
