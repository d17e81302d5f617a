package keyprotect

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

const stopInstance = "3f0c7b1e-8d2a-4c6b-9e5f-1a2b3c4d5e6f"

func newStopServer(t *testing.T) (*standin.Server, *Client) {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	srv.AddInstance(stopInstance)

	client, err := New(Config{
		Endpoint:   srv.URL,
		InstanceID: stopInstance,
		Token:      "Bearer " + token,
		Retry:      RetryPolicy{MaxRetries: 4, BaseWait: time.Minute, MaxWait: time.Minute},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, client
}

func TestWithStopBeforeFirstAttempt(t *testing.T) {
	srv, client := newStopServer(t)
	key := srv.AddKeys(stopInstance, 1)[0]
	stop, cancel := context.WithCancel(context.Background())
	cancel()

	err := client.Sync(WithStop(context.Background(), stop), key)

	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindInterrupted {
		t.Fatalf("error = %v, want a KindInterrupted *Error", err)
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("the stand-in got %d requests, want 0", n)
	}
}

func TestWithStopEndsRetries(t *testing.T) {
	srv, client := newStopServer(t)
	key := srv.AddKeys(stopInstance, 1)[0]
	srv.SetLatency(200 * time.Millisecond)
	srv.InjectFaults(standin.Fault{Status: 503})
	stop, cancel := context.WithCancel(context.Background())

	result := make(chan error, 1)
	go func() { result <- client.Sync(WithStop(context.Background(), stop), key) }()
	waitForRequest(t, srv)
	cancel()
	err := <-result

	// The attempt in flight was not cut: it got its 503, and the retry a
	// minute later was dropped instead of waited for.
	var failure *Error
	if !errors.As(err, &failure) {
		t.Fatalf("error = %v, want a *Error", err)
	}
	if failure.Kind != KindServer || failure.StatusCode != 503 {
		t.Errorf("failure = %v (kind %d), want the 503 of the attempt in flight", failure, failure.Kind)
	}
	if failure.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", failure.Attempts)
	}
	if n := len(srv.RequestsTo("/actions/sync")); n != 1 {
		t.Errorf("%d sync requests, want 1", n)
	}
}

func TestWithStopLetsAttemptSucceed(t *testing.T) {
	srv, client := newStopServer(t)
	key := srv.AddKeys(stopInstance, 1)[0]
	srv.SetLatency(200 * time.Millisecond)
	stop, cancel := context.WithCancel(context.Background())

	result := make(chan error, 1)
	go func() { result <- client.Sync(WithStop(context.Background(), stop), key) }()
	waitForRequest(t, srv)
	cancel()

	if err := <-result; err != nil {
		t.Errorf("Sync = %v, want the attempt in flight to succeed", err)
	}
	if last, ok := srv.KeyLastEvent(stopInstance, key); !ok || last.IsZero() {
		t.Error("the stand-in did not record the sync")
	}
}

func waitForRequest(t *testing.T, srv *standin.Server) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for srv.RequestCount() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stand-in got no request within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
