package keyprotect

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

type clientFixture struct {
	srv      *standin.Server
	client   *Client
	instance string
	key      string
	slept    []time.Duration
}

func newClientFixture(t *testing.T) *clientFixture {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)

	f := &clientFixture{srv: srv, instance: standin.NewUUID(), key: standin.NewUUID()}
	srv.AddKey(f.instance, standin.Key{ID: f.key, LastEvent: time.Now().Add(-2 * time.Hour)})

	client, err := New(Config{Endpoint: srv.URL, InstanceID: f.instance, Token: "Bearer " + token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// Record the waits instead of sleeping, so the tests stay fast and can
	// check the policy.
	client.sleep = func(_ context.Context, d time.Duration) error {
		f.slept = append(f.slept, d)
		return nil
	}
	f.client = client
	return f
}

func TestSyncRetriesServerErrors(t *testing.T) {
	f := newClientFixture(t)
	f.srv.InjectFaults(standin.Fault{Status: 503}, standin.Fault{Status: 500})

	if err := f.client.Sync(context.Background(), f.key); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if n := len(f.srv.RequestsTo("/actions/sync")); n != 3 {
		t.Errorf("requests = %d, want 3", n)
	}
	if len(f.slept) != 2 || f.slept[0] != 500*time.Millisecond || f.slept[1] != time.Second {
		t.Errorf("waits = %v, want [500ms 1s]", f.slept)
	}
}

func TestSyncDoesNotRetry501(t *testing.T) {
	f := newClientFixture(t)
	f.srv.InjectFaults(standin.Fault{Status: 501})

	err := f.client.Sync(context.Background(), f.key)

	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindServer || failure.StatusCode != 501 {
		t.Fatalf("error = %v, want a 501 server error", err)
	}
	if n := len(f.srv.RequestsTo("/actions/sync")); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestSyncHonoursRetryAfter(t *testing.T) {
	f := newClientFixture(t)
	f.client.sleep = sleepContext
	f.srv.InjectFaults(standin.Fault{Status: 429, RetryAfter: "1"})

	if err := f.client.Sync(context.Background(), f.key); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	reqs := f.srv.RequestsTo("/actions/sync")
	if len(reqs) != 2 {
		t.Fatalf("requests = %d, want 2", len(reqs))
	}
	// A lower bound only: the retry must not come before Retry-After ends.
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 900*time.Millisecond {
		t.Errorf("retry came %s after the 429, want at least the 1s of Retry-After", gap)
	}
}

func TestSyncTooEarlyAfterRetryMayHaveSucceeded(t *testing.T) {
	f := newClientFixture(t)
	recent := standin.NewUUID()
	f.srv.AddKey(f.instance, standin.Key{ID: recent, LastEvent: time.Now()})
	f.srv.InjectFaults(standin.Fault{Status: 503})

	err := f.client.Sync(context.Background(), recent)

	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindTooEarly {
		t.Fatalf("error = %v, want too early", err)
	}
	if !failure.EarlierAttemptMayHaveSucceeded {
		t.Error("EarlierAttemptMayHaveSucceeded = false after a retried 503")
	}
	if failure.NextAllowed.IsZero() {
		t.Error("NextAllowed not parsed")
	}
}

func TestSyncConnectionRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()

	client, err := New(Config{Endpoint: "http://" + addr, InstanceID: standin.NewUUID(), Token: "Bearer x", Retry: RetryPolicy{MaxRetries: 1}})
	if err != nil {
		t.Fatal(err)
	}
	client.sleep = func(context.Context, time.Duration) error { return nil }

	err = client.Sync(context.Background(), standin.NewUUID())

	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindConnection {
		t.Fatalf("error = %v, want a connection error", err)
	}
	if failure.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", failure.Attempts)
	}
	if failure.mayHaveReachedServer() {
		t.Error("a refused connection counts as possibly reaching the server")
	}
}

func TestSyncCancelledBeforeStart(t *testing.T) {
	f := newClientFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := f.client.Sync(ctx, f.key)

	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindInterrupted {
		t.Fatalf("error = %v, want interrupted", err)
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}
