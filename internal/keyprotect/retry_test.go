package keyprotect

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestBackoffDoublesUpToMax(t *testing.T) {
	p := DefaultRetryPolicy()
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for try, w := range want {
		if got := p.backoff(try); got != w {
			t.Errorf("backoff(%d) = %s, want %s", try, got, w)
		}
	}
}

func TestRateLimitWait(t *testing.T) {
	p := DefaultRetryPolicy()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"HTTP date", now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{"missing falls back to backoff", "", 500 * time.Millisecond},
		{"garbage falls back to backoff", "soon", 500 * time.Millisecond},
		{"negative falls back to backoff", "-4", 500 * time.Millisecond},
		{"capped at one minute", "3600", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.rateLimitWait(tt.retryAfter, 0, now); got != tt.want {
				t.Errorf("rateLimitWait(%q) = %s, want %s", tt.retryAfter, got, tt.want)
			}
		})
	}
}

func TestWorstCaseAddsAttemptsAndWaits(t *testing.T) {
	got := DefaultRetryPolicy().WorstCase(30 * time.Second)
	want := 5*30*time.Second + 500*time.Millisecond + time.Second + 2*time.Second + 4*time.Second
	if got != want {
		t.Errorf("WorstCase(30s) = %s, want %s", got, want)
	}
}

func TestTokenStoreRefreshesOnce(t *testing.T) {
	calls := 0
	store := &tokenStore{token: "Bearer old", refresh: func() (string, error) {
		calls++
		return "Bearer new", nil
	}}

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token, err := store.refreshAfter("Bearer old")
			if err != nil || token != "Bearer new" {
				t.Errorf("refreshAfter = %q, %v, want Bearer new", token, err)
			}
		}()
	}
	wg.Wait()

	if calls != 1 {
		t.Errorf("refresh calls = %d, want 1", calls)
	}
	if _, err := store.refreshAfter("Bearer new"); !errors.Is(err, errAlreadyRefreshed) {
		t.Errorf("second refresh error = %v, want errAlreadyRefreshed", err)
	}
}

func TestTokenStoreKeepsRefreshError(t *testing.T) {
	failure := errors.New("refresh token expired")
	store := &tokenStore{token: "Bearer old", refresh: func() (string, error) { return "", failure }}

	if _, err := store.refreshAfter("Bearer old"); !errors.Is(err, failure) {
		t.Errorf("error = %v, want %v", err, failure)
	}
	if store.canRefresh() {
		t.Error("canRefresh = true after a failed refresh")
	}
}

func TestParseNextAllowed(t *testing.T) {
	tests := []struct {
		message string
		want    string
	}{
		{"The key was updated recently: Please wait and try again: Sync cannot be performed until at least 2021-09-29T21:38:43Z", "2021-09-29T21:38:43Z"},
		{"Sync cannot be performed until at least 2026-12-04T10:00:00+01:00.", "2026-12-04T09:00:00Z"},
		{"until at least tomorrow", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ParseNextAllowed(tt.message)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseNextAllowed(%q) = %s, want no time", tt.message, got)
			}
			continue
		}
		if !ok || got.UTC().Format(time.RFC3339) != tt.want {
			t.Errorf("ParseNextAllowed(%q) = %s, %v, want %s", tt.message, got, ok, tt.want)
		}
	}
}

func TestWorstCaseScalesWithTimeout(t *testing.T) {
	tests := []struct {
		timeout time.Duration
		want    time.Duration
	}{
		// Five attempts, and waits of 0.5, 1, 2 and 4 s between them.
		{time.Second, 12500 * time.Millisecond},
		{10 * time.Second, 57500 * time.Millisecond},
		{60 * time.Second, 307500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := DefaultRetryPolicy().WorstCase(tt.timeout); got != tt.want {
			t.Errorf("WorstCase(%s) = %s, want %s", tt.timeout, got, tt.want)
		}
	}
}
