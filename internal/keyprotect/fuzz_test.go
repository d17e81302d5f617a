package keyprotect

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseNextAllowed(f *testing.F) {
	f.Add("The key was updated recently: Please wait and try again: Sync cannot be performed until at least 2021-09-29T21:38:43Z")
	f.Add("Sync cannot be performed until at least 2021-09-29T21:38:43Z.")
	f.Add("until at least 2021-09-29T21:38:43.123456789+05:30) and more")
	f.Add("until at least ")
	f.Add("until at least 2021-13-45T25:61:61Z")
	f.Add("until at least until at least 2021-09-29T21:38:43Z")
	f.Add("no time here")
	f.Add("")

	f.Fuzz(func(t *testing.T, message string) {
		next, ok := ParseNextAllowed(message)
		if !ok {
			if !next.IsZero() {
				t.Errorf("ParseNextAllowed(%q) = %v, false; want the zero time with false", message, next)
			}
			return
		}
		if !strings.Contains(message, "until at least ") {
			t.Errorf("ParseNextAllowed(%q) found a time without the phrase before it", message)
		}

		// The time must survive being written back in the service's format.
		again, ok := ParseNextAllowed("Sync cannot be performed until at least " + next.Format(time.RFC3339Nano))
		if !ok || !again.Equal(next) {
			t.Errorf("time %v from %q does not parse back from RFC 3339: got %v, %v", next, message, again, ok)
		}
	})
}
