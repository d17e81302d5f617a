package metadata

import (
	"strconv"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
)

// Version is the plug-in's version, the one place it is set. Release builds
// may override it with -ldflags "-X .../metadata.Version=1.2.3".
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
