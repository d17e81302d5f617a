package keyprotect

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
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
	retryAfter string
	location   string
	truncated  bool
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
	} else {
		if len(body) > limit {
			body = body[:limit]
			if info != nil {
				info.truncated = true
			}
		}
		body = neutralizeBrokenErrorJSON(body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// neutralizeBrokenErrorJSON keeps keyprotect-go-client v0.17.3 from printing
// to stdout: when an error body contains "errorMsg" but is not valid JSON,
// the client writes the JSON decoding error with fmt.Println, which would
// corrupt -o json output. Renaming the marker makes the client treat the
// body as plain text, which it then returns as the message.
func neutralizeBrokenErrorJSON(body []byte) []byte {
	marker := []byte("errorMsg")
	if !bytes.Contains(body, marker) || json.Valid(body) {
		return body
	}
	return bytes.ReplaceAll(body, marker, []byte("error_msg"))
}
