package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"

	"github.com/key-protect-sync/kp-sync/i18n"
)

func TestFailUnexpectedErrorIsTranslated(t *testing.T) {
	i18n.Init("de_DE")
	t.Cleanup(func() { i18n.Init("en_US") })
	ui := terminal.NewFakeUI()

	code := Fail(ui, plugin.Command{Name: "sync"}, errors.New("set up the client: bad URL"))

	if code != ExitFailed {
		t.Errorf("exit code = %d, want %d", code, ExitFailed)
	}
	want := "Interner Fehler: set up the client: bad URL"
	if got := ui.Errors(); !strings.Contains(got, want) {
		t.Errorf("stderr = %q, want it to contain %q", got, want)
	}
}
