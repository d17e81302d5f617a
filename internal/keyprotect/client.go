// Package keyprotect sets up keyprotect-go-client for the plug-in and runs
// its calls with the plug-in's own policy for tokens, retries and errors.
//
// keyprotect-go-client retries on its own (four times, waiting up to 30 s)
// and turns keep-alive off. The plug-in switches its retries off and retries
// here instead, so that a 429 slows every caller of one Client down together,
// the waits show up in the trace, and a failure reports how many attempts
// it took. Connections are kept alive, so a batch reuses them.
package keyprotect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"
	kp "github.com/IBM/keyprotect-go-client"
	"github.com/google/uuid"
)

// DefaultTimeout applies when the host sets no HTTP timeout. It is the
// timeout keyprotect-go-client uses by default.
const DefaultTimeout = 30 * time.Second

// Config holds the settings of a Client.
type Config struct {
	Endpoint   string // base URL without /api/v2
	InstanceID string
	KeyRing    string // "" for none; sent as x-kms-key-ring

	// Token is the IAM access token with its "Bearer " prefix. Refresh, if
	// set, returns a new one; it is called at most once per Client, after
	// Key Protect returns 401.
	Token   string
	Refresh func() (string, error)

	Timeout     time.Duration // per attempt; 0 means DefaultTimeout
	SSLDisabled bool          // the host's "skip SSL validation" setting
	MaxConns    int           // connections kept per host; 0 means 2
	Retry       RetryPolicy
}

// Client calls Key Protect for one instance. It is safe for concurrent use.
type Client struct {
	kp       *kp.Client
	endpoint string
	retry    RetryPolicy
	tokens   *tokenStore
	pacer    *pacer
	sleep    func(context.Context, time.Duration) error
}

// New returns a Client for config.
func New(config Config) (*Client, error) {
	transportOptions := TransportOptions{
		Timeout:     config.Timeout,
		SSLDisabled: config.SSLDisabled,
		MaxConns:    config.MaxConns,
	}.withDefaults()
	timeout := transportOptions.Timeout

	// keyprotect-go-client reads kp.RetryMax on every request; zero leaves
	// one attempt per call, and this package does the retrying.
	kp.RetryMax = 0

	transport := &queryParams{next: newTransport(transportOptions)}

	logger := kp.NewLogger(func(args ...any) { trace.Logger.Println(args...) })
	client, err := kp.NewWithLogger(kp.ClientConfig{
		BaseURL:       config.Endpoint,
		Authorization: config.Token,
		InstanceID:    config.InstanceID,
		KeyRing:       config.KeyRing,
		Timeout:       timeout.Seconds(),
		Verbose:       kp.VerboseNone,
	}, transport, logger)
	if err != nil {
		return nil, fmt.Errorf("set up the Key Protect client for %s: %w", config.Endpoint, err)
	}

	// A redirect would send the bearer token on to wherever the Location
	// header points. Key Protect does not redirect API calls, so one is
	// reported as an error instead of followed.
	client.HttpClient.CheckRedirect = stopAtRedirect

	return &Client{
		kp:       client,
		endpoint: config.Endpoint,
		retry:    config.Retry.withDefaults(),
		tokens:   &tokenStore{token: config.Token, refresh: config.Refresh},
		pacer:    &pacer{},
		sleep:    sleepContext,
	}, nil
}

// Endpoint returns the base URL the client calls.
func (c *Client) Endpoint() string {
	return c.endpoint
}

// Sync requests that Key Protect notify the resources associated with key again
// (POST /api/v2/keys/KEY/actions/sync). The key must have passed
// validate.KeyIDOrAlias, because the client puts it into the URL path
// unescaped. A failure is a *Error.
func (c *Client) Sync(ctx context.Context, key string) error {
	return c.call(ctx, "sync "+key, func(ctx context.Context) error {
		return c.kp.SyncAssociatedResources(ctx, key)
	})
}

type stopKey struct{}

// WithStop returns a context for calls that stop cannot cut short: once stop
// is done, a call lets the attempt in flight finish or time out, and then
// returns its outcome instead of waiting or retrying. A call that has not
// sent its first attempt yet returns a KindInterrupted error. The returned
// context has neither the cancellation nor the deadline of ctx.
func WithStop(ctx, stop context.Context) context.Context {
	return context.WithValue(context.WithoutCancel(ctx), stopKey{}, stop)
}

// stopOf returns the context that ends the retries of a call made with ctx,
// and whether it was set by WithStop.
func stopOf(ctx context.Context) (context.Context, bool) {
	if stop, ok := ctx.Value(stopKey{}).(context.Context); ok {
		return stop, true
	}
	return ctx, false
}

// call runs one Key Protect call with the token, retry and rate-limit
// policy. One correlation ID covers every attempt, so the service's logs tie
// them together.
func (c *Client) call(ctx context.Context, what string, attempt func(context.Context) error) error {
	correlationID := uuid.New()
	ctx = kp.NewContextWithCorrelationID(ctx, &correlationID)
	stop, draining := stopOf(ctx)

	// stopped ends the call when stop is done between attempts. Under
	// WithStop, a call that already sent an attempt returns that attempt's
	// failure, because the request may have reached Key Protect.
	var last *Error
	stopped := func(err error, attempts int) *Error {
		if draining && last != nil {
			return last
		}
		return c.interrupted(err, correlationID.String(), attempts)
	}

	refreshed := false
	mayHaveReached := false
	for try := 0; ; try++ {
		if err := c.pacer.wait(stop, c.sleep); err != nil {
			return stopped(err, try)
		}

		token := c.tokens.current()
		info := &responseInfo{}
		callCtx := withResponseInfo(kp.NewContextWithAuth(ctx, token), info)
		err := attempt(callCtx)
		if err == nil {
			return nil
		}

		failure := c.classify(err, info, correlationID.String())
		failure.Attempts = try + 1
		if ctx.Err() != nil {
			return c.interrupted(ctx.Err(), correlationID.String(), try+1)
		}
		last = failure
		if draining && stop.Err() != nil {
			return failure
		}

		if failure.Kind == KindUnauthorized && !refreshed && c.tokens.canRefresh() {
			refreshed = true
			trace.Logger.Printf("Key Protect returned 401 for %s; refreshing the IAM token once and retrying", what)
			if _, refreshErr := c.tokens.refreshAfter(token); refreshErr != nil {
				// Another caller already refreshed and this token is the
				// new one, so the 401 is final.
				if errors.Is(refreshErr, errAlreadyRefreshed) {
					return failure
				}
				failure.Kind = KindRefreshFailed
				failure.Cause = refreshErr
				return failure
			}
			try--
			continue
		}

		if failure.Kind == KindTooEarly && mayHaveReached {
			failure.EarlierAttemptMayHaveSucceeded = true
		}
		if !failure.Retryable() || try >= c.retry.MaxRetries {
			return failure
		}
		if failure.mayHaveReachedServer() {
			mayHaveReached = true
		}

		wait := c.retry.backoff(try)
		if failure.Kind == KindRateLimited {
			wait = c.retry.rateLimitWait(info.retryAfter, try, time.Now())
			c.pacer.pauseUntil(time.Now().Add(wait))
			trace.Logger.Printf("Key Protect returned 429 for %s; pausing every request to this instance for %s (attempt %d of %d)", what, wait, try+1, c.retry.MaxRetries+1)
			continue
		}
		trace.Logger.Printf("%s failed (%v); retrying in %s (attempt %d of %d)", what, failure.Cause, wait, try+1, c.retry.MaxRetries+1)
		if err := c.sleep(stop, wait); err != nil {
			return stopped(err, try+1)
		}
	}
}

func (c *Client) interrupted(err error, correlationID string, attempts int) *Error {
	return &Error{Kind: KindInterrupted, Endpoint: c.endpoint, CorrelationID: correlationID, Attempts: attempts, Cause: err}
}

// tokenStore holds the access token that every caller of a Client shares, and
// refreshes it at most once.
type tokenStore struct {
	mu        sync.Mutex
	token     string
	refresh   func() (string, error)
	refreshed bool
	err       error
}

func (s *tokenStore) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

func (s *tokenStore) canRefresh() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh != nil && (!s.refreshed || s.err == nil)
}

// refreshAfter returns a token newer than old. When another caller has
// already refreshed, it returns that token without asking IAM again.
func (s *tokenStore) refreshAfter(old string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refreshed {
		if s.err != nil {
			return "", s.err
		}
		if s.token != old {
			return s.token, nil
		}
		return "", errAlreadyRefreshed
	}

	s.refreshed = true
	token, err := s.refresh()
	if err == nil && token == "" {
		err = errors.New("the IAM token endpoint returned no access token")
	}
	if err != nil {
		s.err = err
		return "", err
	}
	s.token = token
	return token, nil
}

var errAlreadyRefreshed = errors.New("the IAM token was already refreshed once")

// pacer makes every caller of a Client wait out a 429 together, instead of
// each retrying on its own and prolonging the rate limit.
type pacer struct {
	mu    sync.Mutex
	until time.Time
}

func (p *pacer) pauseUntil(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.until) {
		p.until = t
	}
}

func (p *pacer) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	for {
		p.mu.Lock()
		wait := time.Until(p.until)
		p.mu.Unlock()
		if wait <= 0 {
			return ctx.Err()
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
