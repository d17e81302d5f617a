// Package kpmessage explains failed Key Protect calls to the user in the
// messages that every command shares. A command explains the failures whose
// wording depends on what it asked for (a key not found, access denied, an
// interruption) itself, and leaves the rest to Describe.
package kpmessage

import (
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
)

// Data returns the template fields that the messages about failure use.
// Commands add their own fields, such as Key, before they translate.
func Data(failure *keyprotect.Error, instanceID string) map[string]any {
	data := map[string]any{
		"Instance":      instanceID,
		"Endpoint":      failure.Endpoint,
		"Status":        failure.StatusCode,
		"Reason":        failure.ReasonCode,
		"Message":       failure.Message,
		"CorrelationID": failure.CorrelationID,
		"Attempts":      failure.Attempts,
		"Location":      failure.Location,
	}
	if failure.Cause != nil {
		data["Error"] = keyprotect.ReadableMessage(failure.Cause.Error(), 0)
	}
	return data
}

// Describe returns the message for a failure of the session, the network,
// the endpoint or the service, which reads the same for every command. It
// returns false for KindNotFound, KindTooEarly, KindForbidden,
// KindInterrupted, KindClient and KindOther, which the command explains.
func Describe(failure *keyprotect.Error, data map[string]any) (string, bool) {
	var id string
	switch failure.Kind {
	case keyprotect.KindUnauthorized:
		id = "keyprotect.error.unauthorized"
	case keyprotect.KindRefreshFailed:
		id = "keyprotect.error.refresh-failed"
	case keyprotect.KindRateLimited:
		id = "keyprotect.error.rate-limited"
	case keyprotect.KindServer:
		id = "keyprotect.error.server"
	case keyprotect.KindRedirect:
		id = "keyprotect.error.redirect"
	case keyprotect.KindTimeout:
		id = "keyprotect.error.timeout"
	case keyprotect.KindTLS:
		id = "keyprotect.error.tls"
	case keyprotect.KindConnection:
		id = "keyprotect.error.connection"
	default:
		return "", false
	}
	return i18n.T(id, data), true
}
