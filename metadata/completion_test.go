package metadata

import (
	"slices"
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/validate"
)

func TestComplete(t *testing.T) {
	allFlags := []string{"--instance-id", "-i", "--key-ring", "--region", "-r", "--file", "--all-registered", "--parallel", "--output", "-o", "--help", "-h"}
	tests := []struct {
		name         string
		envNamespace string
		words        []string
		want         []string
	}{
		{name: "nothing typed offers the namespace", want: []string{"kp"}},
		{name: "kp offers its child namespace and commands", words: []string{"kp"}, want: []string{"key", "registrations"}},
		{name: "kp key offers its commands", words: []string{"kp", "key"}, want: []string{"sync"}},
		{name: "sync offers every flag", words: []string{"kp", "key", "sync"}, want: allFlags},
		{name: "after the key flags are offered without help", words: []string{"kp", "key", "sync", "KEY"},
			want: []string{"--instance-id", "-i", "--key-ring", "--region", "-r", "--file", "--all-registered", "--parallel", "--output", "-o"}},
		{name: "short output flag offers formats", words: []string{"kp", "key", "sync", "KEY", "-o"}, want: []string{"json", "table"}},
		{name: "long output flag offers formats", words: []string{"kp", "key", "sync", "--output"}, want: []string{"json", "table"}},
		{name: "instance flag offers no values", words: []string{"kp", "key", "sync", "KEY", "-i"}, want: nil},
		{name: "given flags are not offered again", words: []string{"kp", "key", "sync", "KEY", "-i", "ID", "--output", "json"},
			want: []string{"--key-ring", "--region", "-r", "--file", "--all-registered", "--parallel"}},
		{name: "registrations short key ring flag offers no values", words: []string{"kp", "registrations", "-r"}, want: nil},
		{name: "registrations output flag offers formats", words: []string{"kp", "registrations", "-o"}, want: []string{"json", "table"}},
		{name: "double dash ends the flags", words: []string{"kp", "key", "sync", "--", "KEY"}, want: nil},
		{name: "partial command offers the commands", words: []string{"kp", "key", "sy"}, want: []string{"sync"}},
		{name: "partial child offers children and commands", words: []string{"kp", "ke"}, want: []string{"key", "registrations"}},
		{name: "partial namespace offers the namespace", words: []string{"k"}, want: []string{"kp"}},
		{name: "arguments of unknown command offer nothing", words: []string{"kp", "key", "rotate", "KEY"}, want: nil},
		{name: "other namespace offers nothing", words: []string{"iam", "users"}, want: nil},
		{name: "namespace from the environment", envNamespace: "kp key", words: []string{"sync", "KEY", "-o"}, want: []string{"json", "table"}},
		{name: "namespace in words wins over the environment", envNamespace: "kp key", words: []string{"kp", "key"}, want: []string{"sync"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Complete(tt.envNamespace, tt.words)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Complete(%q, %q) = %q, want %q", tt.envNamespace, tt.words, got, tt.want)
			}
		})
	}
}

func TestOutputFormatsAreValid(t *testing.T) {
	for _, format := range OutputFormats {
		if _, err := validate.OutputFormat(format); err != nil {
			t.Errorf("completion offers -o %s, which validate.OutputFormat rejects: %v", format, err)
		}
	}
}

func TestCompletionCoversEveryFlag(t *testing.T) {
	for _, command := range Commands() {
		words := append(strings.Fields(command.Namespace), command.Name)
		offered := Complete("", words)
		for _, flag := range command.Flags {
			for _, name := range strings.Split(flag.Name, ", ") {
				dashes := "--"
				if len(name) == 1 {
					dashes = "-"
				}
				if !slices.Contains(offered, dashes+name) {
					t.Errorf("completion of %q does not offer %s%s; offered %q", words, dashes, name, offered)
				}
			}
		}
	}
}
