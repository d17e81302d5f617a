package kpmessage

import (
	"errors"
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
)

func TestDescribeSharedKinds(t *testing.T) {
	i18n.Init("en_US")
	shared := map[keyprotect.Kind]string{
		keyprotect.KindUnauthorized:  "rejected the access token for instance inst-1",
		keyprotect.KindRefreshFailed: "refreshing it failed: invalid_grant",
		keyprotect.KindRateLimited:   "429 Too Many Requests after 5 attempts",
		keyprotect.KindServer:        "failed with status 503 after 5 attempts",
		keyprotect.KindRedirect:      "redirect (status 503) to 'https://elsewhere.example'",
		keyprotect.KindTimeout:       "did not answer in time after 5 attempts",
		keyprotect.KindTLS:           "The TLS connection to Key Protect at https://kp.example failed",
		keyprotect.KindConnection:    "Could not reach Key Protect at https://kp.example",
	}
	for kind, want := range shared {
		failure := &keyprotect.Error{
			Kind: kind, Endpoint: "https://kp.example", StatusCode: 503, Attempts: 5,
			Location: "https://elsewhere.example", Cause: errors.New("invalid_grant"),
		}

		got, ok := Describe(failure, Data(failure, "inst-1"))

		if !ok {
			t.Errorf("kind %v: Describe returned false, want a shared message", kind)
		}
		if !strings.Contains(got, want) {
			t.Errorf("kind %v: message %q lacks %q", kind, got, want)
		}
	}
}

func TestDescribeLeavesCommandKinds(t *testing.T) {
	for _, kind := range []keyprotect.Kind{
		keyprotect.KindNotFound, keyprotect.KindTooEarly, keyprotect.KindForbidden,
		keyprotect.KindInterrupted, keyprotect.KindClient, keyprotect.KindOther,
	} {
		failure := &keyprotect.Error{Kind: kind}

		if got, ok := Describe(failure, Data(failure, "inst-1")); ok {
			t.Errorf("kind %v: Describe = %q, want false so that the command explains it", kind, got)
		}
	}
}
