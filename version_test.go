package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/internal/testhost"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// sendMetadata runs the built plug-in as "ibmcloud plugin install" does and
// decodes what it prints.
func sendMetadata(t *testing.T) plugin.PluginMetadata {
	t.Helper()
	cmd := exec.Command(testhost.Build(t), "SendMetadata")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	output, err := cmd.Output()
	if err != nil {
		t.Fatalf("SendMetadata: %v", err)
	}
	var meta plugin.PluginMetadata
	if err := json.Unmarshal(output, &meta); err != nil {
		t.Fatalf("SendMetadata printed no metadata JSON: %v\n%s", err, output)
	}
	return meta
}

func TestVersionBinaryMatchesMetadata(t *testing.T) {
	meta := sendMetadata(t)
	if got := meta.Version.String(); got != metadata.Version {
		t.Errorf("built binary reports version %s, metadata.Version is %s", got, metadata.Version)
	}
}

func TestVersionFitsHostForm(t *testing.T) {
	// PluginVersion drops anything that is not a number, so a version such
	// as 1.0.0-rc1 would be reported to the host as 1.0.0.
	if got := metadata.PluginVersion().String(); got != metadata.Version {
		t.Errorf("metadata.Version %q reaches the host as %q; use MAJOR.MINOR.BUILD in numbers", metadata.Version, got)
	}
}

// changelogHeading matches a release heading such as "## [0.1.0] - 2026-12-04".
var changelogHeading = regexp.MustCompile(`^## \[([^\]]+)\]`)

func TestVersionChangelogTopEntry(t *testing.T) {
	file, err := os.Open("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		match := changelogHeading.FindStringSubmatch(scanner.Text())
		if match == nil || match[1] == "Unreleased" {
			continue
		}
		if match[1] != metadata.Version {
			t.Errorf("CHANGELOG.md's top release is %s, metadata.Version is %s", match[1], metadata.Version)
		}
		return
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	t.Errorf("CHANGELOG.md has no release heading such as \"## [%s] - DATE\"", metadata.Version)
}
