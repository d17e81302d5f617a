package metadata

import (
	"strconv"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
)

// Version is the plug-in's version and the one place it is set: SendMetadata
// reports it, the release file names carry it, and CHANGELOG.md's top entry
// names it. No build overrides it with -ldflags -X, so every binary of a
// commit reports the same version; TestVersionBinaryMatchesMetadata and
// bin/check-release.sh check that. It must be MAJOR.MINOR.BUILD in numbers,
// the only form the host's VersionType holds. It is a variable only so that
// tests can try other values.
var Version = "0.1.0"

// PluginVersion returns Version in the host's form. A part that is not a
// number counts as zero.
func PluginVersion() plugin.VersionType {
	parts := strings.SplitN(strings.TrimPrefix(Version, "v"), ".", 3)
	numbers := [3]int{}
	for i, part := range parts {
		numbers[i], _ = strconv.Atoi(part)
	}
	return plugin.VersionType{Major: numbers[0], Minor: numbers[1], Build: numbers[2]}
}
