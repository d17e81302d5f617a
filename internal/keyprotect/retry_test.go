package keyprotect

import (
	"net/http"
	"testing"
	"time"
)

func TestWorstCase(t *testing.T) {
	tests := []struct {
		timeout time.Duration
		want    time.Duration
	}{
		// Five attempts, and waits of 0.5, 1, 2 and 4 s between them.
		{30 * time.Second, 157500 * time.Millisecond},
		{time.Second, 12500 * time.Millisecond},
		{60 * time.Second, 307500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := DefaultRetryPolicy().WorstCase(tt.timeout); got != tt.want {
			t.Errorf("WorstCase(%s) = %s, want %s", tt.timeout, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	policy := DefaultRetryPolicy()
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for try, w := range want {
		if got := policy.backoff(try); got != w {
			t.Errorf("backoff(%d) = %s, want %s", try, got, w)
		}
	}
}

func TestRateLimitWait(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"date", now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"missing", "", 500 * time.Millisecond},
		{"garbage", "soon", 500 * time.Millisecond},
		{"negative", "-5", 500 * time.Millisecond},
		{"above the cap", "3600", 60 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultRetryPolicy().rateLimitWait(tt.retryAfter, 0, now); got != tt.want {
				t.Errorf("rateLimitWait(%q) = %s, want %s", tt.retryAfter, got, tt.want)
			}
		})
	}
}
