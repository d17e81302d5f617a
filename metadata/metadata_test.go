package metadata

import (
	"strings"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/i18n"
)

// TestMetadataPassesSDKValidator fails on warnings as well as errors: the
// validator's rule that a plural command name needs a description that says
// it lists is only a warning in SDK v1.12.1.
func TestMetadataPassesSDKValidator(t *testing.T) {
	i18n.Init("en_US")

	problems := plugin.NewPluginMetadataValidator().Errors([]plugin.PluginMetadata{Get()})

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

	command, ok := Find(NamespaceKP, CommandRegistrations)

	if !ok {
		t.Fatal("kp registrations is not in the metadata")
	}
	want := []string{"k, key-id", "c, crn-query", "r, key-ring", "i, instance-id", "o, output"}
	if len(command.Flags) != len(want) {
		t.Fatalf("flags = %+v, want %v", command.Flags, want)
	}
	for i, flag := range command.Flags {
		if flag.Name != want[i] || !flag.HasValue {
			t.Errorf("flag %d = %+v, want %q with a value", i, flag, want[i])
		}
	}
}

func TestSyncUsageNamesEveryKeySource(t *testing.T) {
	i18n.Init("en_US")

	command, ok := Find(NamespaceKPKey, CommandSync)
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
	for name, hasValue := range map[string]bool{FlagFile: true, FlagAllRegistered: false, FlagParallel: true} {
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
