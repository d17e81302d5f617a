package keyprotect

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds the retries of one call. The zero value means the
// defaults: 4 retries, waits doubling from 500 ms up to 8 s, and a 429's
// Retry-After honoured up to 60 s.
type RetryPolicy struct {
	MaxRetries   int
	BaseWait     time.Duration
	MaxWait      time.Duration
	MaxRateLimit time.Duration // the longest Retry-After honoured
}

// DefaultRetryPolicy returns the policy the commands use.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, BaseWait: 500 * time.Millisecond, MaxWait: 8 * time.Second, MaxRateLimit: 60 * time.Second}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	defaults := DefaultRetryPolicy()
	if p.MaxRetries == 0 && p.BaseWait == 0 && p.MaxWait == 0 && p.MaxRateLimit == 0 {
		return defaults
	}
	if p.BaseWait <= 0 {
		p.BaseWait = defaults.BaseWait
	}
	if p.MaxWait <= 0 {
		p.MaxWait = defaults.MaxWait
	}
	if p.MaxRateLimit <= 0 {
		p.MaxRateLimit = defaults.MaxRateLimit
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	return p
}

// backoff returns the wait before retry number try+1: BaseWait doubled for
// each earlier retry, at most MaxWait.
func (p RetryPolicy) backoff(try int) time.Duration {
	wait := p.BaseWait
	for i := 0; i < try && wait < p.MaxWait; i++ {
		wait *= 2
	}
	return min(wait, p.MaxWait)
}

// rateLimitWait returns how long to pause after a 429: what Retry-After requests
// (seconds or an HTTP date), else the backoff, at most MaxRateLimit.
func (p RetryPolicy) rateLimitWait(retryAfter string, try int, now time.Time) time.Duration {
	wait, ok := parseRetryAfter(retryAfter, now)
	if !ok {
		wait = p.backoff(try)
	}
	return min(wait, p.MaxRateLimit)
}

// WorstCase returns the longest a call can take under p when every attempt
// times out after timeout: each attempt, plus each wait between them.
func (p RetryPolicy) WorstCase(timeout time.Duration) time.Duration {
	p = p.withDefaults()
	total := time.Duration(p.MaxRetries+1) * timeout
	for try := 0; try < p.MaxRetries; try++ {
		total += p.backoff(try)
	}
	return total
}

func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.Atoi(value); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(seconds) * time.Second, true
	}
	if t, err := http.ParseTime(value); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
