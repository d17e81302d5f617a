// Package hostconfig checks the ibmcloud host's config file before the SDK
// loads it.
//
// The SDK's loader (ibm-cloud-cli-sdk v1.12.1, bluemix/configuration
// persistor.go) writes a default config over a file it cannot parse, which
// logs the user out and destroys what they might still recover, and
// plugin.Start panics on other read errors. Checking the file first turns
// both into a clear message and leaves the file exactly as it was.
package hostconfig

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/configuration/config_helpers"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

// Path returns the config file plugin.Start reads: $IBMCLOUD_CONFIG_HOME/
// config.json, else $IBMCLOUD_HOME/.ibmcloud/config.json when that folder
// exists, else $IBMCLOUD_HOME/.bluemix/config.json, with IBMCLOUD_HOME
// defaulting to the home folder.
func Path() string {
	return config_helpers.ConfigFilePath()
}

// Check returns a *usermsg.Error when the file at path is missing, cannot be
// read, or is not a JSON object.
func Check(path string) error {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usermsg.Failure("error.config.missing", map[string]any{"Path": path}, err)
	case err != nil:
		return usermsg.Failure("error.config.unreadable", map[string]any{"Path": path, "Error": err.Error()}, err)
	}

	var object map[string]json.RawMessage
	if err := json.Unmarshal(data, &object); err != nil {
		return usermsg.Failure("error.config.corrupt", map[string]any{"Path": path, "Error": err.Error()}, err)
	}
	return nil
}

// Locale returns the locale that `ibmcloud config --locale` stored in the
// config file at path, and "" when the file sets none or cannot be read.
// SendMetadata needs it because the SDK handles that request without
// building a plug-in context.
func Locale(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var config struct{ Locale string }
	if err := json.Unmarshal(data, &config); err != nil {
		return ""
	}
	return config.Locale
}
