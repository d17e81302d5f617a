package metadata_test

import (
	"strings"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// TestMetadataPassesSDKValidator fails on warnings as well as errors: the
// validator's rule that a plural command name needs a description that says
// it lists is only a warning in SDK v1.12.1.
func TestMetadataPassesSDKValidator(t *testing.T) {
	i18n.Init("en_US")

	problems := plugin.NewPluginMetadataValidator().Errors([]plugin.PluginMetadata{metadata.Get()})

	for name, rows := range problems {
		for _, row := range rows {
			if row.Priority == plugin.PriorityError || row.Priority == plugin.PriorityWarning {
				t.Errorf("%s: %s %q: %s (%s)", name, row.Namespace, row.CommandName, row.Error, row.Remediation)
			} else {
				t.Logf("%s %s: %s %q: %s", row.Priority, name, row.Namespace, row.CommandName, row.Error)
			}
		}
	}
}

func TestFindRegistrations(t *testing.T) {
	i18n.Init("en_US")

	command, ok := metadata.Find(metadata.NamespaceKP, metadata.CommandRegistrations)

	if !ok {
		t.Fatal("kp registrations is not in the metadata")
	}
	want := []string{"k, key-id", "c, crn-query", "r, key-ring", "i, instance-id", "region", "o, output"}
	if len(command.Flags) != len(want) {
		t.Fatalf("flags = %+v, want %v", command.Flags, want)
	}
	for i, flag := range command.Flags {
		if flag.Name != want[i] || !flag.HasValue {
			t.Errorf("flag %d = %+v, want %q with a value", i, flag, want[i])
		}
	}
}

func TestMetadataDeclaresSyncCommand(t *testing.T) {
	meta := metadata.Get()
	if meta.Name != "key-protect-sync" {
		t.Errorf("plug-in name = %q, want key-protect-sync", meta.Name)
	}
	if !meta.PrivateEndpointSupported {
		t.Error("PrivateEndpointSupported = false, want true")
	}
	if meta.MinCliVersion.Major < 2 {
		t.Errorf("MinCliVersion = %s, want at least 2.0.0", meta.MinCliVersion)
	}

	sync, ok := metadata.Find("kp key", "sync")
	if !ok {
		t.Fatal("command 'kp key sync' not found")
	}
	if !strings.HasPrefix(sync.Usage, "ibmcloud kp key sync ") {
		t.Errorf("usage = %q, want it to start with 'ibmcloud kp key sync '", sync.Usage)
	}
	for _, flag := range []string{"i, instance-id", "key-ring", "o, output"} {
		if !hasFlag(sync, flag) {
			t.Errorf("flag %q missing from %v", flag, sync.Flags)
		}
	}
}

func TestHelpHasGuideSections(t *testing.T) {
	sync, _ := metadata.Find("kp key", "sync")
	help := metadata.Help(sync)
	for _, want := range []string{"NAME:\n  sync - ", "USAGE:\n  ibmcloud kp key sync", "OPTIONS:\n", "-i value, --instance-id value", "--key-ring value"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

func TestPluginVersionParsesVersion(t *testing.T) {
	old := metadata.Version
	t.Cleanup(func() { metadata.Version = old })

	metadata.Version = "1.12.3"
	got := metadata.PluginVersion()
	if got.Major != 1 || got.Minor != 12 || got.Build != 3 {
		t.Errorf("PluginVersion() = %s, want 1.12.3", got)
	}
}

func hasFlag(command plugin.Command, name string) bool {
	for _, flag := range command.Flags {
		if flag.Name == name {
			return true
		}
	}
	return false
}

func TestSyncUsageNamesEveryKeySource(t *testing.T) {
	i18n.Init("en_US")

	command, ok := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)
	if !ok {
		t.Fatal("kp key sync is not in the metadata")
	}
	for _, part := range []string{"KEY_ID_OR_ALIAS...", "--file FILE", "--all-registered", "--parallel N"} {
		if !strings.Contains(command.Usage, part) {
			t.Errorf("usage %q lacks %q", command.Usage, part)
		}
	}

	flags := map[string]bool{}
	for _, flag := range command.Flags {
		flags[flag.Name] = flag.HasValue
	}
	for name, hasValue := range map[string]bool{metadata.FlagFile: true, metadata.FlagAllRegistered: false, metadata.FlagParallel: true} {
		got, found := flags[name]
		if !found {
			t.Errorf("flag %s is missing", name)
			continue
		}
		if got != hasValue {
			t.Errorf("flag %s HasValue = %v, want %v", name, got, hasValue)
		}
	}
}
