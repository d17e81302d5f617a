package keyprotect

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// endlessBody is a response body that never ends and counts what was read.
type endlessBody struct {
	read int
}

func (b *endlessBody) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	b.read += len(p)
	return len(p), nil
}

func (b *endlessBody) Close() error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestGuardCapsBody(t *testing.T) {
	body := &endlessBody{}
	g := &guard{next: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 500, Header: http.Header{}, Body: body}, nil
	})}
	info := &responseInfo{}
	req, _ := http.NewRequestWithContext(withResponseInfo(context.Background(), info), http.MethodPost, "http://127.0.0.1/", nil)

	resp, err := g.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)

	if len(got) != maxBodyBytes {
		t.Errorf("body has %d bytes, want %d", len(got), maxBodyBytes)
	}
	// io.ReadAll reads in growing chunks, so the limit reader may let a
	// little more than maxBodyBytes+1 through the underlying reader.
	if body.read > 2*maxBodyBytes {
		t.Errorf("guard read %d bytes of an endless body, want about %d", body.read, maxBodyBytes)
	}
	if !info.truncated {
		t.Errorf("truncated is not set")
	}
}

func TestNeutralizeBrokenErrorJSON(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		changed bool
	}{
		{"valid error", `{"resources":[{"errorMsg":"Not Found","reasons":[{"code":"KEY_NOT_FOUND_ERR","status":404}]}]}`, false},
		{"no marker", `{"error": 1`, false},
		{"truncated", `{"resources":[{"errorMsg":"Not Fo`, true},
		{"message of another type", `{"resources":[{"errorMsg":42}]}`, true},
		{"status of another type", `{"resources":[{"errorMsg":"x","reasons":[{"status":"404"}]}]}`, true},
		{"resources of another type", `{"resources":"errorMsg"}`, true},
		{"html", `<p>errorMsg</p>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := neutralizeBrokenErrorJSON([]byte(tt.body))

			if changed != tt.changed {
				t.Errorf("changed = %v, want %v", changed, tt.changed)
			}
			if changed && bytes.Contains(got, []byte("errorMsg")) {
				t.Errorf("body %q still contains errorMsg", got)
			}
			if !changed && string(got) != tt.body {
				t.Errorf("body changed to %q", got)
			}
		})
	}
}

func TestHideToken(t *testing.T) {
	token := "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6IklCTWlkIn0.c2lnbmF0dXJl"
	tests := []struct {
		name          string
		body          string
		authorization string
		want          string
	}{
		{"echoed", "you sent " + token + " twice: " + token, "Bearer " + token, "you sent [PRIVATE DATA HIDDEN] twice: [PRIVATE DATA HIDDEN]"},
		{"not echoed", "Key does not exist", "Bearer " + token, "Key does not exist"},
		{"short token left alone", "abc abc", "Bearer abc", "abc abc"},
		{"no authorization", "text " + token, "", "text " + token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(hideToken([]byte(tt.body), tt.authorization)); got != tt.want {
				t.Errorf("hideToken = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSyncMessageHidesEchoedToken(t *testing.T) {
	token := strings.Repeat("t0k3n", 10)
	g := &guard{next: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		body := "rejected " + req.Header.Get("Authorization")
		return &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}, nil
	})}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	req.Header.Set("Authorization", "Bearer "+token)

	resp, err := g.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)

	if strings.Contains(string(got), token) {
		t.Errorf("body %q contains the token", got)
	}
}
