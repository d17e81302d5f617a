package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

// complete runs the built plug-in as the host does on a tab press, with a
// home that has no ibmcloud config, and returns the candidates it prints.
func complete(t *testing.T, namespace string, words ...string) []string {
	t.Helper()
	cmd := exec.Command(testhost.Build(t), append([]string{"SendCompletion"}, words...)...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	if namespace != "" {
		cmd.Env = append(cmd.Env, "IBMCLOUD_PLUGIN_NAMESPACE="+namespace)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	output, err := cmd.Output()
	if err != nil {
		t.Fatalf("SendCompletion %q: %v\nstderr:\n%s", words, err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("SendCompletion %q wrote to stderr:\n%s", words, stderr.String())
	}
	return strings.Fields(string(output))
}

func TestCompletionDelegated(t *testing.T) {
	if !sendMetadata(t).DelegateBashCompletion {
		t.Error("SendMetadata has DelegateBashCompletion false, so the host would not ask the plug-in")
	}
}

func TestCompletionThroughBinary(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		words     []string
		want      []string
	}{
		{name: "namespace", words: nil, want: []string{"kp"}},
		{name: "child namespace and commands", words: []string{"kp"}, want: []string{"key", "registrations"}},
		{name: "command", words: []string{"kp", "key"}, want: []string{"sync"}},
		{name: "partial command", words: []string{"kp", "key", "sy"}, want: []string{"sync"}},
		{name: "flags", words: []string{"kp", "key", "sync"},
			want: []string{"--instance-id", "-i", "--key-ring", "--region", "-r", "--file", "--all-registered", "--parallel", "--output", "-o", "--help", "-h"}},
		{name: "output values", words: []string{"kp", "key", "sync", "KEY", "-o"}, want: []string{"json", "table"}},
		{name: "remaining flags", words: []string{"kp", "key", "sync", "KEY", "-i", "ID"},
			want: []string{"--key-ring", "--region", "-r", "--file", "--all-registered", "--parallel", "--output", "-o"}},
		{name: "namespace from host", namespace: "kp key", words: []string{"sync", "KEY", "--output"}, want: []string{"json", "table"}},
		{name: "instance value", words: []string{"kp", "key", "sync", "KEY", "-i"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := complete(t, tt.namespace, tt.words...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SendCompletion %q printed %q, want %q", tt.words, got, tt.want)
			}
		})
	}
}
