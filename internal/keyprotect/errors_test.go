package keyprotect

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

// newTestClient returns a client for srv that makes one attempt per call.
func newTestClient(t *testing.T, endpoint, token string) *Client {
	t.Helper()
	client, err := New(Config{
		Endpoint:   endpoint,
		InstanceID: standin.NewUUID(),
		Token:      "Bearer " + token,
		Timeout:    time.Second,
		Retry:      RetryPolicy{MaxRetries: 0, BaseWait: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func syncError(t *testing.T, client *Client) *Error {
	t.Helper()
	err := client.Sync(context.Background(), standin.NewUUID())
	var failure *Error
	if !errors.As(err, &failure) {
		t.Fatalf("Sync returned %v, want a *keyprotect.Error", err)
	}
	return failure
}

func TestClassifyTimeout(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	srv.InjectFaults(standin.Fault{Hang: true})

	failure := syncError(t, newTestClient(t, srv.URL, "token"))

	if failure.Kind != KindTimeout {
		t.Errorf("kind = %v, want KindTimeout (message %q)", failure.Kind, failure.Message)
	}
	if !failure.Retryable() {
		t.Errorf("a timeout is not retryable")
	}
}

func TestClassifyTLSFailure(t *testing.T) {
	srv := standin.NewTLS()
	t.Cleanup(srv.Close)

	failure := syncError(t, newTestClient(t, srv.URL, "token"))

	if failure.Kind != KindTLS {
		t.Errorf("kind = %v, want KindTLS (message %q)", failure.Kind, failure.Message)
	}
	if failure.Retryable() {
		t.Errorf("a certificate failure is retryable")
	}
}

func TestClassifyConnectionRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + listener.Addr().String()
	listener.Close()

	failure := syncError(t, newTestClient(t, addr, "token"))

	if failure.Kind != KindConnection {
		t.Errorf("kind = %v, want KindConnection (message %q)", failure.Kind, failure.Message)
	}
	if !failure.Retryable() {
		t.Errorf("a refused connection is not retryable")
	}
	if failure.mayHaveReachedServer() {
		t.Errorf("a refused connection may have reached the server")
	}
}

func TestRetryableUnknownHost(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"not found", &net.DNSError{Err: "no such host", Name: "kp.invalid", IsNotFound: true}, false},
		{"temporary", &net.DNSError{Err: "server misbehaving", Name: "kp.example", IsTemporary: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failure := &Error{Kind: KindConnection, Cause: &net.OpError{Op: "dial", Net: "tcp", Err: tt.err}}
			if got := failure.Retryable(); got != tt.want {
				t.Errorf("Retryable() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadableMessage(t *testing.T) {
	tests := []struct {
		name    string
		message string
		status  int
		want    string
	}{
		{"plain", "Key does not exist", 404, "Key does not exist"},
		{"empty", "", 503, "Service Unavailable"},
		{"empty without status", "", 0, ""},
		{"html page", "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad &amp; gateway</h1></body></html>", 502, "502 Bad Gateway Bad & gateway"},
		{"escape sequence", "red\x1b[31m text\x07", 400, "red [31m text"},
		{"right-to-left override", "abc\u202edef", 400, "abc def"},
		{"invalid UTF-8", "bad\xff\xfebytes", 400, "bad bytes"},
		{"white space", "  many \n\n lines\t", 400, "many lines"},
		{"not markup", "a < b and c > d", 400, "a < b and c > d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadableMessage(tt.message, tt.status); got != tt.want {
				t.Errorf("ReadableMessage(%q) = %q, want %q", tt.message, got, tt.want)
			}
		})
	}
}

func TestReadableMessageLong(t *testing.T) {
	got := ReadableMessage(strings.Repeat("é", 5000), 400)

	if want := strings.Repeat("é", maxMessageRunes) + "..."; got != want {
		t.Errorf("readableMessage of 5000 runes has %d runes, want %d and \"...\"", len([]rune(got)), maxMessageRunes+3)
	}
}
