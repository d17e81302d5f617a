package keyprotect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	kp "github.com/IBM/keyprotect-go-client"
)

// Kind sorts a failed call by what the user can do about it.
type Kind int

// The kinds of failure.
const (
	KindOther         Kind = iota
	KindNotFound           // 404: no such key in the instance or key ring
	KindTooEarly           // 409 REQ_TOO_EARLY_ERR: notified within the hour
	KindUnauthorized       // 401 after one refresh
	KindForbidden          // 403
	KindRefreshFailed      // the IAM token could not be refreshed
	KindRateLimited        // 429 after every retry
	KindServer             // 5xx after every retry
	KindRedirect           // a 3xx, not followed
	KindTimeout            // no response within the timeout
	KindConnection         // refused, reset, DNS or other network failure
	KindTLS                // certificate or handshake failure
	KindInterrupted        // the command was cancelled
	KindClient             // other 4xx
)

// ReasonTooEarly is Key Protect's reason code for a sync within an hour of
// the key's last notification or lifecycle action.
const ReasonTooEarly = "REQ_TOO_EARLY_ERR"

// Error is a Key Protect call that failed, with what Key Protect returned.
type Error struct {
	Kind          Kind
	StatusCode    int    // 0 when no response arrived
	ReasonCode    string // the first reason's code, such as KEY_NOT_FOUND_ERR
	Message       string // the service's message, or the network error
	CorrelationID string
	Endpoint      string
	Location      string    // the Location header of a redirect
	NextAllowed   time.Time // for KindTooEarly, when the message gives it
	Attempts      int
	Cause         error

	// EarlierAttemptMayHaveSucceeded is set on a 409 REQ_TOO_EARLY_ERR that
	// followed a retried attempt which may have reached Key Protect: the
	// first attempt then most likely started the sync.
	EarlierAttemptMayHaveSucceeded bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("Key Protect call to " + e.Endpoint + " failed")
	if e.StatusCode != 0 {
		b.WriteString(" with status " + http.StatusText(e.StatusCode))
	}
	if e.ReasonCode != "" {
		b.WriteString(" (" + e.ReasonCode + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.CorrelationID != "" {
		b.WriteString(" [correlation ID " + e.CorrelationID + "]")
	}
	return b.String()
}

func (e *Error) Unwrap() error {
	return e.Cause
}

// Retryable reports whether another attempt may succeed: rate limits, server
// errors other than 501, time-outs and network failures other than a host
// name that does not exist.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindTimeout:
		return true
	case KindConnection:
		return !isUnknownHost(e.Cause)
	case KindServer:
		return e.StatusCode != http.StatusNotImplemented
	}
	return false
}

// mayHaveReachedServer reports whether the failed attempt could have been
// received and acted on: a server error could come after the sync started,
// and a network failure after the request was sent. A refused connection or
// a failed DNS lookup means it was never sent.
func (e *Error) mayHaveReachedServer() bool {
	switch e.Kind {
	case KindServer, KindTimeout:
		return true
	case KindConnection:
		return !isDialFailure(e.Cause)
	}
	return false
}

func (c *Client) classify(err error, info *responseInfo, correlationID string) *Error {
	failure := &Error{Endpoint: c.endpoint, CorrelationID: correlationID, Cause: err}

	var apiErr *kp.Error
	if errors.As(err, &apiErr) {
		failure.StatusCode = apiErr.StatusCode
		failure.Message = apiErr.Message
		if apiErr.CorrelationID != "" {
			failure.CorrelationID = apiErr.CorrelationID
		}
		if len(apiErr.Reasons) > 0 {
			failure.ReasonCode = apiErr.Reasons[0].Code
			if apiErr.Reasons[0].Message != "" {
				failure.Message = apiErr.Reasons[0].Message
			}
		}
		if info.neutralized {
			failure.Message = strings.ReplaceAll(failure.Message, neutralMarker, errorMsgMarker)
		}
		failure.Message = ReadableMessage(failure.Message, apiErr.StatusCode)
		if info.truncated {
			failure.Message += " [response cut at 1 MiB]"
		}
		failure.Kind = kindOfStatus(apiErr.StatusCode, failure.ReasonCode)
		if failure.Kind == KindTooEarly {
			failure.NextAllowed, _ = ParseNextAllowed(apiErr.Reasons[0].Message)
		}
		if failure.Kind == KindRedirect {
			failure.Location = ReadableMessage(info.location, 0)
		}
		return failure
	}

	// kp.URLError has no Unwrap method, so errors.Is and errors.As would
	// stop at it without this.
	var urlErr *kp.URLError
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		err = urlErr.Err
		failure.Cause = err
	}
	failure.Message = ReadableMessage(rootCause(err).Error(), 0)
	var tooLarge *responseTooLargeError
	switch {
	case errors.As(rootCause(err), &tooLarge):
		failure.Kind = KindOther
	case errors.Is(err, context.Canceled):
		failure.Kind = KindInterrupted
	case isTimeout(err):
		failure.Kind = KindTimeout
	case isTLSFailure(err):
		failure.Kind = KindTLS
	default:
		failure.Kind = KindConnection
	}
	return failure
}

func kindOfStatus(status int, reason string) Kind {
	switch {
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict && reason == ReasonTooEarly:
		return KindTooEarly
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindServer
	case status >= 300 && status < 400:
		return KindRedirect
	}
	return KindClient
}

// ParseNextAllowed reads the time from a REQ_TOO_EARLY_ERR reason message,
// which ends in "Sync cannot be performed until at least
// 2021-09-29T21:38:43Z".
func ParseNextAllowed(message string) (time.Time, bool) {
	const marker = "until at least "
	i := strings.LastIndex(message, marker)
	if i < 0 {
		return time.Time{}, false
	}
	rest := message[i+len(marker):]
	if end := strings.IndexAny(rest, " \t\r\n"); end >= 0 {
		rest = rest[:end]
	}
	rest = strings.TrimRight(rest, ".,;)")
	t, err := time.Parse(time.RFC3339, rest)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

func isTLSFailure(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verification *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verification) || errors.As(err, &record)
}

// isUnknownHost reports whether DNS answered that the host name does not
// exist, which another attempt a few seconds later will not change.
func isUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// isDialFailure reports whether the request never left the machine: the
// name did not resolve or the connection was refused.
func isDialFailure(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// rootCause drops the layers of "Post URL: ..." wrapping down to the
// *net.OpError, which names the address, or else to the innermost error.
func rootCause(err error) error {
	for {
		unwrapped := errors.Unwrap(err)
		if unwrapped == nil {
			return err
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) && err == error(opErr) {
			return err
		}
		err = unwrapped
	}
}
