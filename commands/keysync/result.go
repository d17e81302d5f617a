package keysync

import (
	"errors"
	"math"
	"time"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/kpmessage"
)

// Status is the outcome of the sync of one key, as -o json reports it.
type Status string

// The statuses a key can end in.
const (
	StatusSynced       Status = "synced"
	StatusTooEarly     Status = "too_early"
	StatusFailed       Status = "failed"
	StatusNotAttempted Status = "not_attempted"
)

// Result is the JSON object -o json prints for one key. The README documents
// every field; change both together.
type Result struct {
	Key           string     `json:"key"`
	InstanceID    string     `json:"instance_id"`
	KeyRing       string     `json:"key_ring,omitempty"`
	Status        Status     `json:"status"`
	Endpoint      string     `json:"endpoint"`
	Region        string     `json:"region,omitempty"`
	RegionSource  string     `json:"region_source"`
	CorrelationID string     `json:"correlation_id,omitempty"`
	NextAllowed   *time.Time `json:"next_allowed,omitempty"`

	// Registrations is the number of resources registered with the key,
	// known with --all-registered only, which lists them anyway.
	Registrations *int         `json:"registrations,omitempty"`
	Error         *ResultError `json:"error,omitempty"`
}

// ResultError is the error part of a Result, present unless the key synced.
type ResultError struct {
	Kind       string `json:"kind"`
	StatusCode int    `json:"status_code,omitempty"`
	ReasonCode string `json:"reason_code,omitempty"`
	Message    string `json:"message"`
	Attempts   int    `json:"attempts,omitempty"`

	// EarlierAttemptMayHaveSucceeded is true on a too_early result that
	// followed a retry: the first attempt then most likely started the sync.
	EarlierAttemptMayHaveSucceeded bool `json:"earlier_attempt_may_have_succeeded,omitempty"`
}

// kindNames are the values of error.kind in the JSON output.
var kindNames = map[keyprotect.Kind]string{
	keyprotect.KindOther:         "other",
	keyprotect.KindNotFound:      "not_found",
	keyprotect.KindTooEarly:      "too_early",
	keyprotect.KindUnauthorized:  "unauthorized",
	keyprotect.KindForbidden:     "forbidden",
	keyprotect.KindRefreshFailed: "token_refresh_failed",
	keyprotect.KindRateLimited:   "rate_limited",
	keyprotect.KindServer:        "server_error",
	keyprotect.KindRedirect:      "redirect",
	keyprotect.KindTimeout:       "timeout",
	keyprotect.KindConnection:    "connection_error",
	keyprotect.KindTLS:           "tls_error",
	keyprotect.KindInterrupted:   "interrupted",
	keyprotect.KindClient:        "client_error",
}

func newResult(req request, ep endpoint.Endpoint, err error) Result {
	result := Result{
		Key:          req.key,
		InstanceID:   req.instanceID,
		KeyRing:      req.keyRing,
		Endpoint:     ep.URL,
		Region:       ep.Region,
		RegionSource: string(ep.Source),
		Status:       StatusSynced,
	}
	if req.registered != nil {
		count := req.registered[req.key]
		result.Registrations = &count
	}
	if err == nil {
		return result
	}

	var failure *keyprotect.Error
	if !errors.As(err, &failure) {
		result.Status = StatusFailed
		result.Error = &ResultError{Kind: kindNames[keyprotect.KindOther], Message: err.Error()}
		return result
	}

	result.CorrelationID = failure.CorrelationID
	result.Error = &ResultError{
		Kind:                           kindNames[failure.Kind],
		StatusCode:                     failure.StatusCode,
		ReasonCode:                     failure.ReasonCode,
		Message:                        failure.Message,
		Attempts:                       failure.Attempts,
		EarlierAttemptMayHaveSucceeded: failure.EarlierAttemptMayHaveSucceeded,
	}
	switch failure.Kind {
	case keyprotect.KindTooEarly:
		result.Status = StatusTooEarly
		if !failure.NextAllowed.IsZero() {
			next := failure.NextAllowed.UTC()
			result.NextAllowed = &next
		}
	case keyprotect.KindInterrupted:
		result.Status = StatusNotAttempted
	default:
		result.Status = StatusFailed
	}
	return result
}

// describe explains a failed sync to the user: what failed, on which key and
// instance, and what to do. kpmessage covers the failures that read the same
// for every command.
func describe(req request, failure *keyprotect.Error, now time.Time) string {
	data := kpmessage.Data(failure, req.instanceID)
	data["Key"] = req.key
	data["KeyRing"] = req.keyRing
	if message, ok := kpmessage.Describe(failure, data); ok {
		return message
	}

	switch failure.Kind {
	case keyprotect.KindNotFound:
		if req.keyRing != "" {
			return i18n.T("sync.error.not-found-in-ring", data)
		}
		return i18n.T("sync.error.not-found", data)
	case keyprotect.KindTooEarly:
		return tooEarlyMessage(failure, data, now)
	case keyprotect.KindForbidden:
		return i18n.T("sync.error.forbidden", data)
	case keyprotect.KindInterrupted:
		return i18n.T("sync.error.interrupted", data)
	}
	if failure.ReasonCode == "" {
		return i18n.T("sync.error.other-no-reason", data)
	}
	return i18n.T("sync.error.other", data)
}

func tooEarlyMessage(failure *keyprotect.Error, data map[string]any, now time.Time) string {
	var message string
	if failure.NextAllowed.IsZero() {
		message = i18n.T("sync.error.too-early", data)
	} else {
		data["Time"] = failure.NextAllowed.Local().Format("2006-01-02 15:04:05 MST")
		data["Minutes"] = max(int(math.Ceil(failure.NextAllowed.Sub(now).Minutes())), 0)
		message = i18n.T("sync.error.too-early-until", data)
	}
	if failure.EarlierAttemptMayHaveSucceeded {
		message += "\n" + i18n.T("sync.error.too-early-after-retry", data)
	}
	return message
}
