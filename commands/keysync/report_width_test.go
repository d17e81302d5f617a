package keysync

import (
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/i18n"
)

func TestProgressClearCoversWideText(t *testing.T) {
	i18n.Init("ja_JP")
	t.Cleanup(func() { i18n.Init("en_US") })
	var progress strings.Builder
	out := &batchOutput{opts: &Options{}, req: request{keys: []string{"k1", "k2", "k3"}}, progress: &progress}
	out.done, out.failed = 2, 1

	out.drawProgress()
	line := strings.TrimPrefix(progress.String(), "\r")
	progress.Reset()
	out.clearProgress()

	// Every non-ASCII character of this line is a wide one, two columns.
	columns := 0
	for _, r := range line {
		columns++
		if r > 0x7f {
			columns++
		}
	}
	blanks := strings.Count(progress.String(), " ")
	if blanks < columns {
		t.Errorf("clearing %q (%d columns) wrote %d spaces", line, columns, blanks)
	}
}
