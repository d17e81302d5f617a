package keyprotect

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxBodyBytes bounds how much of an error response the plug-in reads. Key
// Protect error bodies are a few hundred bytes, and anything past 1 MiB is
// cut so that a broken proxy or server cannot exhaust memory.
const maxBodyBytes = 1 << 20

// maxSuccessBodyBytes bounds a successful response, which is rejected
// instead of cut, because cut JSON cannot be decoded. A page of 5000
// registrations takes about 2 MiB at 400 bytes each (an estimate from the
// API's field list), so 16 MiB leaves room for long CRNs and descriptions.
const maxSuccessBodyBytes = 16 << 20

// responseTooLargeError is a successful response longer than
// maxSuccessBodyBytes.
type responseTooLargeError struct {
	limit int
}

func (e *responseTooLargeError) Error() string {
	return "the response is longer than " + strconv.Itoa(e.limit>>20) + " MiB"
}

// responseInfo records what keyprotect-go-client does not pass on from the
// response of one attempt.
type responseInfo struct {
	retryAfter  string
	location    string
	truncated   bool
	neutralized bool // set when neutralizeBrokenErrorJSON renamed the errorMsg marker
}

type responseInfoKey struct{}

func withResponseInfo(ctx context.Context, info *responseInfo) context.Context {
	return context.WithValue(ctx, responseInfoKey{}, info)
}

// guard is the innermost transport: it records the headers the error
// handling needs and cuts oversized bodies, below the trace transport so
// that the trace shows the same body the client reads.
type guard struct {
	next http.RoundTripper
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}

	info, _ := req.Context().Value(responseInfoKey{}).(*responseInfo)
	if info != nil {
		info.retryAfter = resp.Header.Get("Retry-After")
		info.location = resp.Header.Get("Location")
	}

	limit := maxBodyBytes
	if resp.StatusCode < 300 {
		limit = maxSuccessBodyBytes
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	resp.Body.Close()
	if readErr != nil {
		return nil, readErr
	}
	if resp.StatusCode < 300 {
		if len(body) > limit {
			return nil, &responseTooLargeError{limit: limit}
		}
	} else if len(body) > limit {
		body = body[:limit]
		if info != nil {
			info.truncated = true
		}
	}
	body = hideToken(body, req.Header.Get("Authorization"))
	if resp.StatusCode >= 300 {
		var neutralized bool
		body, neutralized = neutralizeBrokenErrorJSON(body)
		if info != nil {
			info.neutralized = neutralized
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// clientErrorBody is the shape keyprotect-go-client v0.17.3 (kp.go, do)
// decodes an error body into, with the same field types.
type clientErrorBody struct {
	Resources []struct {
		Message string `json:"errorMsg,omitempty"`
		Reasons []struct {
			Code     string
			Message  string
			Status   int
			MoreInfo string
		}
	} `json:"resources,omitempty"`
}

// neutralizeBrokenErrorJSON keeps keyprotect-go-client v0.17.3 from printing
// to stdout. When an error body contains "errorMsg" but does not decode into
// the client's error shape (it is not JSON, or a field has another type), the
// client writes the decoding error with fmt.Println, which would corrupt
// -o json output. Renaming the marker makes the client treat the body as
// plain text and return it as the message. classify puts the marker back,
// so the user reads the body as the server sent it.
func neutralizeBrokenErrorJSON(body []byte) ([]byte, bool) {
	if !bytes.Contains(body, []byte(errorMsgMarker)) {
		return body, false
	}
	var decoded clientErrorBody
	if json.Unmarshal(body, &decoded) == nil {
		return body, false
	}
	return bytes.ReplaceAll(body, []byte(errorMsgMarker), []byte(neutralMarker)), true
}

const (
	errorMsgMarker = "errorMsg"
	neutralMarker  = "error_msg"
)

// privateDataPlaceholder is the SDK's trace.Sanitize replacement for a
// secret.
const privateDataPlaceholder = "[PRIVATE DATA HIDDEN]"

// hideToken replaces the bearer token of authorization in body, so that a
// server that echoes the request cannot make the token appear in the trace
// or in an error message.
func hideToken(body []byte, authorization string) []byte {
	scheme, token, found := strings.Cut(authorization, " ")
	token = strings.TrimSpace(token)
	// A short value could occur in a body by chance. IAM access tokens are
	// JWTs, far longer than 16 characters.
	if !found || !strings.EqualFold(scheme, "Bearer") || len(token) < 16 {
		return body
	}
	return bytes.ReplaceAll(body, []byte(token), []byte(privateDataPlaceholder))
}
