package metadata

import (
	"strings"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
)

func TestMetadataPassesSDKValidator(t *testing.T) {
	result := plugin.NewPluginMetadataValidator().Errors([]plugin.PluginMetadata{Get()})
	for name, problems := range result {
		for _, problem := range problems {
			if problem.Priority == plugin.PriorityError {
				t.Errorf("plug-in %s, command %q: %s (%s)", name, problem.CommandName, problem.Error, problem.Remediation)
			} else {
				t.Logf("plug-in %s, command %q: %s %s", name, problem.CommandName, problem.Priority, problem.Error)
			}
		}
	}
}

func TestSyncUsageNamesEveryKeySource(t *testing.T) {
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
