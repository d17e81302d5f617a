package keysync_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/commands/keysync"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// The end-to-end tests in this file run the built plug-in against the
// stand-in with a 1 s HTTP timeout. A call that fails on every attempt
// waits 0.5 + 1 + 2 + 4 s between its five attempts, so those tests run in
// parallel.

const httpTimeout = "IBMCLOUD_HTTP_TIMEOUT=1"

// faultEnv is a stand-in with one instance and one key, and a host logged
// in with a token the stand-in accepts.
type faultEnv struct {
	srv      *standin.Server
	host     *testhost.Host
	token    string
	refresh  string
	instance string
	key      string
}

type envOption func(*testhost.HostOptions, *faultEnv)

// withToken writes token to the host config instead of a fresh one. The
// stand-in accepts it as it would the fresh one.
func withToken(token string) envOption {
	return func(opts *testhost.HostOptions, e *faultEnv) {
		opts.Token = token
		e.token = token
	}
}

func withoutRefreshToken() envOption {
	return func(opts *testhost.HostOptions, e *faultEnv) {
		opts.RefreshToken = ""
		e.refresh = ""
	}
}

func withIAMEndpoint(url string) envOption {
	return func(opts *testhost.HostOptions, _ *faultEnv) { opts.IAMEndpoint = url }
}

func withSSLDisabled() envOption {
	return func(opts *testhost.HostOptions, _ *faultEnv) { opts.SSLDisabled = true }
}

func newFaultEnvOn(t *testing.T, srv *standin.Server, options ...envOption) *faultEnv {
	t.Helper()
	e := &faultEnv{
		srv:      srv,
		token:    standin.NewJWT(time.Now().Add(time.Hour)),
		refresh:  standin.NewRefreshToken(),
		instance: standin.NewUUID(),
		key:      standin.NewUUID(),
	}
	opts := testhost.HostOptions{
		IAMEndpoint:  srv.URL,
		Region:       "us-south",
		Token:        e.token,
		RefreshToken: e.refresh,
		Namespace:    "kp key",
	}
	for _, option := range options {
		option(&opts, e)
	}

	srv.AddKey(e.instance, standin.Key{ID: e.key, Aliases: []string{"payroll-root"}})
	crn := "crn:v1:bluemix:public:kms:us-south:a/" + standin.TokenAccountID + ":" + e.instance + "::"
	srv.AddResourceInstance(e.instance, crn, "us-south")
	srv.AcceptToken(e.token)
	if e.refresh != "" {
		srv.AddRefreshToken(e.refresh)
	}
	e.host = testhost.NewHost(t, opts)
	return e
}

func newFaultEnv(t *testing.T, options ...envOption) *faultEnv {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	return newFaultEnvOn(t, srv, options...)
}

// sync runs "kp key sync" with extra arguments against the stand-in.
func (e *faultEnv) sync(t *testing.T, args []string, env ...string) testhost.Result {
	t.Helper()
	env = append([]string{"KP_TARGET_ADDR=" + e.srv.URL, httpTimeout}, env...)
	return e.host.Run(append([]string{"sync"}, args...), env...)
}

// secondKey adds another key to the instance and returns its ID, for a
// batch of two.
func (e *faultEnv) secondKey() string {
	return e.srv.AddKeys(e.instance, 1)[0]
}

// keyFile writes keys to a key file, one per line, and returns its path.
func (e *faultEnv) keyFile(t *testing.T, keys ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.txt")
	writeFileAt(t, path, strings.Join(keys, "\n")+"\n")
	return path
}

// lookupEnv points the plug-in at the stand-in's Resource Controller and
// regional Key Protect, so that it looks the instance's region up instead
// of calling KP_TARGET_ADDR.
func (e *faultEnv) lookupEnv() []string {
	return []string{
		"KP_TARGET_ADDR=",
		"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=" + e.srv.URL,
		"KP_REGION_ENDPOINT_TEMPLATE=" + e.srv.URL + "/{region}",
	}
}

func (e *faultEnv) syncKey(t *testing.T, env ...string) testhost.Result {
	t.Helper()
	return e.sync(t, []string{e.key, "-i", e.instance}, env...)
}

func (e *faultEnv) syncKeyJSON(t *testing.T, env ...string) (keysync.Result, testhost.Result) {
	t.Helper()
	run := e.sync(t, []string{e.key, "-i", e.instance, "-o", "json"}, env...)
	var result keysync.Result
	if err := json.Unmarshal([]byte(run.Stdout), &result); err != nil {
		t.Fatalf("stdout of -o json is not one JSON result: %v\nstdout:\n%s\nstderr:\n%s", err, run.Stdout, run.Stderr)
	}
	return result, run
}

func assertExit(t *testing.T, run testhost.Result, want int) {
	t.Helper()
	if run.ExitCode != want {
		t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", run.ExitCode, want, run.Stdout, run.Stderr)
	}
}

func assertContains(t *testing.T, name, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not contain %q:\n%s", name, want, text)
		}
	}
}

func assertNoPanic(t *testing.T, run testhost.Result) {
	t.Helper()
	for _, marker := range []string{"panic:", "goroutine ", "Internal error"} {
		if strings.Contains(run.Stdout+run.Stderr, marker) {
			t.Errorf("output shows a crash (%q):\nstdout:\n%s\nstderr:\n%s", marker, run.Stdout, run.Stderr)
		}
	}
}

// correlationIDs returns the correlation-id headers of requests in order,
// with consecutive repeats merged into one.
func correlationIDs(requests []standin.Request) []string {
	var ids []string
	for _, r := range requests {
		id := r.Header.Get("correlation-id")
		if len(ids) == 0 || ids[len(ids)-1] != id {
			ids = append(ids, id)
		}
	}
	return ids
}

func (e *faultEnv) syncRequests() []standin.Request {
	return e.srv.RequestsTo("/actions/sync")
}

func TestFaultServerErrorBurstRecovers(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	e.srv.InjectFaults(standin.Fault{Status: 503}, standin.Fault{Drop: true})

	run := e.syncKey(t)

	assertExit(t, run, 0)
	requests := e.syncRequests()
	if len(requests) != 3 {
		t.Fatalf("stand-in got %d sync requests, want 3 (503, dropped, then success)", len(requests))
	}
	if ids := correlationIDs(requests); len(ids) != 1 {
		t.Errorf("attempts carried correlation IDs %v, want one ID for all", ids)
	}
}

func TestFaultServerErrorExhaustsRetries(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	e.srv.InjectFaults(
		standin.Fault{Status: 503}, standin.Fault{Status: 503}, standin.Fault{Drop: true},
		standin.Fault{Status: 503}, standin.Fault{Status: 503},
	)

	result, run := e.syncKeyJSON(t)

	assertExit(t, run, 1)
	requests := e.syncRequests()
	if len(requests) != 5 {
		t.Fatalf("stand-in got %d sync requests, want 5", len(requests))
	}
	correlationID := requests[0].Header.Get("correlation-id")
	assertContains(t, "stderr", run.Stderr, e.srv.URL, correlationID, "503", "5 attempts")
	if result.Status != keysync.StatusFailed || result.Error == nil || result.Error.Kind != "server_error" {
		t.Errorf("result = %+v, want status failed with kind server_error", result)
	}
	if result.CorrelationID != correlationID {
		t.Errorf("correlation_id = %q, want %q", result.CorrelationID, correlationID)
	}
}

func TestFaultRetriedSyncTooEarly(t *testing.T) {
	firstFaults := map[string]standin.Fault{
		"server error": {Status: 503},
		"dropped":      {Drop: true},
		"hung":         {Hang: true},
	}
	for name, fault := range firstFaults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			// The key's last event is a minute old, as if the first attempt
			// had started the sync and only its response was lost.
			e.srv.AddKey(e.instance, standin.Key{ID: standin.NewUUID(), Aliases: []string{"recent-root"}, LastEvent: time.Now().Add(-time.Minute)})
			e.srv.InjectFaults(fault)

			run := e.sync(t, []string{"recent-root", "-i", e.instance, "-o", "json"})

			assertExit(t, run, 3)
			assertContains(t, "stderr", run.Stderr, "most likely started the sync already")
			var result keysync.Result
			if err := json.Unmarshal([]byte(run.Stdout), &result); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, run.Stdout)
			}
			if result.Status != keysync.StatusTooEarly || result.Error == nil || !result.Error.EarlierAttemptMayHaveSucceeded {
				t.Errorf("result = %+v, want too_early with earlier_attempt_may_have_succeeded", result)
			}
			if n := len(e.syncRequests()); n != 2 {
				t.Errorf("stand-in got %d sync requests, want 2", n)
			}
		})
	}
}

func TestFaultTooEarlyWithoutRetry(t *testing.T) {
	e := newFaultEnv(t)
	e.srv.AddKey(e.instance, standin.Key{ID: standin.NewUUID(), Aliases: []string{"recent-root"}, LastEvent: time.Now().Add(-time.Minute)})

	run := e.sync(t, []string{"recent-root", "-i", e.instance})

	assertExit(t, run, 3)
	if strings.Contains(run.Stderr, "most likely started") {
		t.Errorf("a first-attempt 409 claims an earlier attempt:\n%s", run.Stderr)
	}
}

func TestFaultRateLimitRetryAfter(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	e.srv.InjectFaults(standin.Fault{Status: 429, RetryAfter: "1"})

	run := e.syncKey(t)

	assertExit(t, run, 0)
	requests := e.syncRequests()
	if len(requests) != 2 {
		t.Fatalf("stand-in got %d sync requests, want 2", len(requests))
	}
	if gap := requests[1].Time.Sub(requests[0].Time); gap < time.Second {
		t.Errorf("retry came %s after the 429, want at least the 1 s of Retry-After", gap)
	}
}

func TestFaultRateLimitWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	e.srv.InjectFaults(standin.Fault{Status: 429}, standin.Fault{Status: 429})

	run := e.syncKey(t)

	assertExit(t, run, 0)
	if n := len(e.syncRequests()); n != 3 {
		t.Errorf("stand-in got %d sync requests, want 3", n)
	}
}

func TestFaultRateLimitExhaustsRetries(t *testing.T) {
	e := newFaultEnv(t)
	for range 5 {
		e.srv.InjectFaults(standin.Fault{Status: 429, RetryAfter: "0"})
	}

	result, run := e.syncKeyJSON(t)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "rate_limited" {
		t.Errorf("result = %+v, want kind rate_limited", result)
	}
	assertContains(t, "stderr", run.Stderr, "429", e.srv.URL, result.CorrelationID)
}

func TestFaultServerHangsTimesOut(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	for range 5 {
		e.srv.InjectFaults(standin.Fault{Hang: true})
	}

	start := time.Now()
	result, run := e.syncKeyJSON(t)
	elapsed := time.Since(start)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "timeout" {
		t.Errorf("result = %+v, want kind timeout", result)
	}
	assertContains(t, "stderr", run.Stderr, "did not answer in time", e.srv.URL, result.CorrelationID)
	if n := len(e.syncRequests()); n != 5 {
		t.Errorf("stand-in got %d sync requests, want 5", n)
	}
	// The bound is the documented worst case, not a speed goal: an attempt
	// that outlived its timeout would exceed it. The 5 s of slack cover
	// the start of the process on a busy machine.
	worstCase := keyprotect.DefaultRetryPolicy().WorstCase(time.Second)
	if limit := worstCase + 5*time.Second; elapsed > limit {
		t.Errorf("command took %s, more than the worst case %s plus 5 s", elapsed, worstCase)
	}
}

func TestFaultConnectionRefused(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := "http://" + listener.Addr().String()
	listener.Close()

	result, run := e.syncKeyJSON(t, "KP_TARGET_ADDR="+closedAddr)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "connection_error" {
		t.Errorf("result = %+v, want kind connection_error", result)
	}
	assertContains(t, "stderr", run.Stderr, closedAddr, "connection refused", result.CorrelationID)
}

func TestFaultDNSFailure(t *testing.T) {
	e := newFaultEnv(t)
	const addr = "https://kp-sync-test.invalid"

	result, run := e.syncKeyJSON(t, "KP_TARGET_ADDR="+addr)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "connection_error" {
		t.Errorf("result = %+v, want kind connection_error", result)
	}
	assertContains(t, "stderr", run.Stderr, addr, "no such host")
	if result.Error != nil && result.Error.Attempts != 1 {
		t.Errorf("error.attempts = %d, want 1: a name that does not exist is not retried", result.Error.Attempts)
	}
}

func TestFaultTLSSelfSigned(t *testing.T) {
	srv := standin.NewTLS()
	t.Cleanup(srv.Close)
	e := newFaultEnvOn(t, srv)

	result, run := e.syncKeyJSON(t)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "tls_error" {
		t.Errorf("result = %+v, want kind tls_error", result)
	}
	assertContains(t, "stderr", run.Stderr, srv.URL, "certificate")
	if result.Error != nil && result.Error.Attempts != 1 {
		t.Errorf("error.attempts = %d, want 1: a certificate failure is not retried", result.Error.Attempts)
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests over an unverified connection, want 0", n)
	}
}

func TestFaultTLSSkippedWhenSSLDisabled(t *testing.T) {
	srv := standin.NewTLS()
	t.Cleanup(srv.Close)
	e := newFaultEnvOn(t, srv, withSSLDisabled())

	run := e.syncKey(t)

	assertExit(t, run, 0)
	if n := len(e.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1", n)
	}
}

func TestFaultErrorBodies(t *testing.T) {
	tests := []struct {
		name  string
		fault standin.Fault
		want  string
	}{
		{"html", standin.Fault{Status: 400, ContentType: "text/html", Body: "<html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1><p>nginx</p></body></html>"}, "Bad Request"},
		{"empty", standin.Fault{Status: 400}, "Bad Request"},
		{"truncated json", standin.Fault{Status: 400, ContentType: "application/json", Body: `{"metadata":{"collectionType":"application/vnd.ibm.kms.error+json"},"resources":[{"errorMsg":"Bad Req`}, "Bad Req"},
		{"wrong shape json", standin.Fault{Status: 400, ContentType: "application/json", Body: `{"resources":[{"errorMsg":42,"reasons":"none"}]}`}, `"errorMsg":42`},
		{"json without resources", standin.Fault{Status: 400, ContentType: "application/json", Body: `{"error":"bad request"}`}, "bad request"},
		{"very large", standin.Fault{Status: 400, ContentType: "text/plain", Body: strings.Repeat("x", 4<<20)}, "xxxx... [response cut at 1 MiB]"},
		{"very large json", standin.Fault{Status: 400, ContentType: "application/json", Body: `{"resources":[{"errorMsg":"` + strings.Repeat("y", 4<<20) + `"}]}`}, "yyyy"},
		{"control characters", standin.Fault{Status: 400, ContentType: "text/plain", Body: "bad\x1b[31m red\x07 request"}, "request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFaultEnv(t)
			e.srv.InjectFaults(tt.fault)

			result, run := e.syncKeyJSON(t)

			assertExit(t, run, 1)
			assertNoPanic(t, run)
			if result.Error == nil || result.Error.StatusCode != 400 {
				t.Fatalf("result = %+v, want an error with status 400", result)
			}
			assertContains(t, "stderr", run.Stderr, tt.want)
			if len(run.Stderr) > 2000 {
				t.Errorf("stderr has %d bytes, want a readable message under 2000", len(run.Stderr))
			}
			if len(result.Error.Message) > 1000 {
				t.Errorf("error.message has %d bytes, want under 1000", len(result.Error.Message))
			}
			if strings.ContainsAny(run.Stderr, "\x1b\x07") {
				t.Errorf("stderr passes control characters from the server through: %q", run.Stderr)
			}
		})
	}
}

func TestFaultRedirectNotFollowed(t *testing.T) {
	target := standin.New()
	t.Cleanup(target.Close)
	e := newFaultEnv(t)
	e.srv.InjectFaults(standin.Fault{Status: 307, Location: target.URL + "/api/v2/keys/" + e.key + "/actions/sync"})

	result, run := e.syncKeyJSON(t)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "redirect" {
		t.Errorf("result = %+v, want kind redirect", result)
	}
	assertContains(t, "stderr", run.Stderr, "307", target.URL)
	if n := target.RequestCount(); n != 0 {
		t.Errorf("redirect target got %d requests, want 0", n)
	}
	if n := len(e.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1", n)
	}
}

func TestTokenExpiredRefreshed(t *testing.T) {
	expired := standin.NewJWT(time.Now().Add(-time.Hour))
	e := newFaultEnv(t, withToken(expired))
	e.srv.RevokeToken(expired)

	run := e.syncKey(t)

	assertExit(t, run, 0)
	if n := len(e.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM got %d token requests, want 1", n)
	}
	requests := e.syncRequests()
	if len(requests) != 1 {
		t.Fatalf("stand-in got %d sync requests, want 1", len(requests))
	}
	if got := requests[0].Header.Get("Authorization"); got == "Bearer "+expired {
		t.Errorf("sync sent the expired token")
	}
	if saved := e.host.Config().IAMToken(); saved == "Bearer "+expired {
		t.Errorf("config still contains the expired token after the refresh")
	}
}

func TestTokenExpiredWithoutRefreshToken(t *testing.T) {
	expired := standin.NewJWT(time.Now().Add(-time.Hour))
	e := newFaultEnv(t, withToken(expired), withoutRefreshToken())

	run := e.syncKey(t)

	assertExit(t, run, 1)
	assertContains(t, "stderr", run.Stderr, "You are not logged in", "ibmcloud login")
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestTokenExpiredRefreshRejected(t *testing.T) {
	expired := standin.NewJWT(time.Now().Add(-time.Hour))
	e := newFaultEnv(t, withToken(expired))
	e.srv.RevokeRefreshToken(e.refresh)

	run := e.syncKey(t)

	assertExit(t, run, 1)
	assertContains(t, "stderr", run.Stderr, "refreshing it through IAM at "+e.srv.URL+" failed", "ibmcloud login")
	if n := len(e.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM got %d token requests, want 1", n)
	}
	if n := len(e.syncRequests()); n != 0 {
		t.Errorf("stand-in got %d sync requests, want 0", n)
	}
}

func TestTokenExpiredRefreshHangs(t *testing.T) {
	iam := newSilentServer(t)
	e := newFaultEnv(t, withToken(standin.NewJWT(time.Now().Add(-time.Hour))), withIAMEndpoint(iam))

	run := e.syncKey(t)

	assertExit(t, run, 1)
	assertContains(t, "stderr", run.Stderr, "refreshing it through IAM at "+iam+" failed")
	if n := len(e.syncRequests()); n != 0 {
		t.Errorf("stand-in got %d sync requests, want 0", n)
	}
}

func TestTokenRevokedRefreshHangs(t *testing.T) {
	iam := newSilentServer(t)
	e := newFaultEnv(t, withIAMEndpoint(iam))
	e.srv.RevokeToken(e.token)

	result, run := e.syncKeyJSON(t)

	assertExit(t, run, 1)
	if result.Error == nil || result.Error.Kind != "token_refresh_failed" {
		t.Errorf("result = %+v, want kind token_refresh_failed", result)
	}
	assertContains(t, "stderr", run.Stderr, "refreshing it failed", "Timeout", "ibmcloud login")
	if n := len(e.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1", n)
	}
}

func TestFaultLookupHangs(t *testing.T) {
	rc := newSilentServer(t)
	e := newFaultEnv(t)
	env := append(e.lookupEnv(), "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT="+rc)

	run := e.syncKey(t, env...)

	assertExit(t, run, 0)
	assertContains(t, "stderr", run.Stderr, "Could not reach the Resource Controller at "+rc, "targeted region us-south")
	requests := e.syncRequests()
	if len(requests) != 1 || requests[0].Region != "us-south" {
		t.Errorf("sync requests = %d, want 1 in the session's region us-south", len(requests))
	}
}

// newSilentServer accepts connections on loopback and never reads from or
// writes to them, like a hung server, and returns its http:// URL.
func newSilentServer(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- conn
		}
	}()
	t.Cleanup(func() {
		listener.Close()
		for conn := range accepted {
			conn.Close()
		}
	})
	return "http://" + listener.Addr().String()
}

func TestTokenRevokedRefreshedOnce(t *testing.T) {
	e := newFaultEnv(t)
	e.srv.RevokeToken(e.token)

	run := e.syncKey(t)

	assertExit(t, run, 0)
	if n := len(e.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM got %d token requests, want 1", n)
	}
	if n := len(e.syncRequests()); n != 2 {
		t.Errorf("stand-in got %d sync requests, want 2 (401, then the retry)", n)
	}
}

func TestTokenRejectedAfterRefresh(t *testing.T) {
	e := newFaultEnv(t)
	// An instance the stand-in does not know gets 401 for every token,
	// as Key Protect does for a wrong instance ID or region.
	unknown := standin.NewUUID()

	run := e.sync(t, []string{e.key, "-i", unknown})

	assertExit(t, run, 1)
	assertContains(t, "stderr", run.Stderr, "rejected the access token", unknown)
	if n := len(e.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM got %d token requests, want 1", n)
	}
	if n := len(e.syncRequests()); n != 2 {
		t.Errorf("stand-in got %d sync requests, want 2 (401, refresh, 401)", n)
	}
}

func TestTokenRevokedRefreshRejected(t *testing.T) {
	e := newFaultEnv(t)
	e.srv.RevokeToken(e.token)
	e.srv.RevokeRefreshToken(e.refresh)

	run := e.syncKey(t)

	assertExit(t, run, 1)
	assertContains(t, "stderr", run.Stderr, "ibmcloud login")
	if n := len(e.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1", n)
	}
}

func TestHostConfigFaults(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string
	}{
		{"corrupt", func(t *testing.T, path string) { writeFileAt(t, path, "{\"IAMToken\": \"Bearer abc") }, "is not valid JSON"},
		{"not an object", func(t *testing.T, path string) { writeFileAt(t, path, "[1, 2]") }, "is not valid JSON"},
		{"empty", func(t *testing.T, path string) { writeFileAt(t, path, "") }, "is not valid JSON"},
		{"missing", func(t *testing.T, path string) { removeFile(t, path) }, "does not exist"},
		{"unreadable", func(t *testing.T, path string) {
			removeFile(t, path)
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFaultEnv(t)
			path := e.host.ConfigPath()
			tt.damage(t, path)
			before, _ := os.ReadFile(path)

			run := e.syncKey(t)

			assertExit(t, run, 1)
			assertNoPanic(t, run)
			assertContains(t, "stderr", run.Stderr, path, tt.want)
			after, _ := os.ReadFile(path)
			if string(after) != string(before) {
				t.Errorf("config file changed from %q to %q", before, after)
			}
			if n := e.srv.RequestCount(); n != 0 {
				t.Errorf("stand-in got %d requests, want 0", n)
			}
		})
	}
}

// The plug-in config (PluginContext.PluginConfig) is loaded on first use,
// and ibm-cloud-cli-sdk v1.12.1 panics when it cannot be loaded.
func TestPluginConfigFaults(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, home string)
	}{
		{"folder cannot be created", func(t *testing.T, home string) {
			// Tests may run as root, which ignores permission bits, so a
			// regular file where the plugins folder belongs is what stops
			// the SDK from creating the plug-in's config folder.
			writeFileAt(t, filepath.Join(home, ".ibmcloud", "plugins"), "not a folder")
		}},
		{"corrupt file", func(t *testing.T, home string) {
			folder := filepath.Join(home, ".ibmcloud", "plugins", metadata.PluginName)
			if err := os.MkdirAll(folder, 0o700); err != nil {
				t.Fatal(err)
			}
			writeFileAt(t, filepath.Join(folder, "config.json"), "{not json")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFaultEnv(t)
			tt.damage(t, e.host.Home)

			// The region lookup reads and writes the region cache in the
			// plug-in config.
			run := e.syncKey(t, e.lookupEnv()...)

			assertNoPanic(t, run)
			assertExit(t, run, 0)
			if n := len(e.srv.RequestsTo("/v2/resource_instances/" + e.instance)); n != 1 {
				t.Errorf("Resource Controller got %d lookups, want 1", n)
			}
			if n := len(e.syncRequests()); n != 1 {
				t.Errorf("stand-in got %d sync requests, want 1", n)
			}
		})
	}
}

func writeFileAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func TestHostileKeyRejected(t *testing.T) {
	keys := map[string]string{
		"parent folder":          "../keys",
		"encoded slash":          "a%2Fb",
		"slash":                  "keys/other",
		"query":                  "alias?x=1",
		"fragment":               "alias#x",
		"space":                  "my alias",
		"leading space":          " alias",
		"newline":                "alias\nx",
		"escape sequence":        "alias\x1b[31m",
		"delete character":       "alias\x7f",
		"non-ASCII":              "schlüssel",
		"right-to-left override": "alias\u202eexe",
		"10,000 characters":      strings.Repeat("a", 10000),
		"dot dot":                "..",
		"UUID with slash":        "0123abcd-0123-4567-89ab-0123456789/b",
	}
	e := newFaultEnv(t)
	for name, key := range keys {
		t.Run("sync "+name, func(t *testing.T) {
			run := e.sync(t, []string{key, "-i", e.instance})

			assertHostileKeyRejected(t, run)
		})
		t.Run("registrations "+name, func(t *testing.T) {
			run := e.registrations(t, []string{"-k", key, "-i", e.instance})

			assertHostileKeyRejected(t, run)
		})
		t.Run("batch "+name, func(t *testing.T) {
			run := e.sync(t, []string{e.key, key, "-i", e.instance})

			assertHostileKeyRejected(t, run)
		})
		// In a key file, "#" starts a comment and spaces around a key are
		// ignored, so those two lines hold a valid alias there.
		if name == "fragment" || name == "leading space" {
			continue
		}
		t.Run("key file "+name, func(t *testing.T) {
			run := e.sync(t, []string{"--file", e.keyFile(t, e.key, key), "-i", e.instance})

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "keys.txt\" line", "Invalid key")
		})
	}
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func assertHostileKeyRejected(t *testing.T, run testhost.Result) {
	t.Helper()
	assertExit(t, run, 2)
	assertContains(t, "stderr", run.Stderr, "Invalid key")
	if len(run.Stderr) > 3000 {
		t.Errorf("stderr has %d bytes, want the value cut short", len(run.Stderr))
	}
}

// registrations runs "kp registrations" with args against the stand-in.
func (e *faultEnv) registrations(t *testing.T, args []string, env ...string) testhost.Result {
	t.Helper()
	env = append([]string{"KP_TARGET_ADDR=" + e.srv.URL, httpTimeout}, env...)
	return e.host.RunIn("kp", append([]string{"registrations"}, args...), env...)
}

func TestHostileInstanceRejected(t *testing.T) {
	instances := map[string]string{
		"parent folder":     "../instance",
		"encoded slash":     "a%2Fb",
		"query":             "x?y",
		"fragment":          "x#y",
		"space":             "8e3f4c8a 2b1d 4c5e 9f7a 1b2c3d4e5f60",
		"control character": "8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5f6\x01",
		"newline":           "8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5f6\n",
		"non-ASCII":         "8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5fé",
		"10,000 characters": strings.Repeat("8", 10000),
	}
	e := newFaultEnv(t)
	for name, instance := range instances {
		t.Run(name+" flag", func(t *testing.T) {
			run := e.sync(t, []string{e.key, "-i", instance})

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "Invalid instance ID")
		})
		t.Run(name+" variable", func(t *testing.T) {
			run := e.sync(t, []string{e.key}, "KP_INSTANCE_ID="+instance)

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "Invalid instance ID")
		})
		t.Run(name+" registrations", func(t *testing.T) {
			run := e.registrations(t, []string{"-i", instance})

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "Invalid instance ID")
		})
	}
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestHostileTargetAddrRejected(t *testing.T) {
	e := newFaultEnv(t)
	port := strings.TrimPrefix(e.srv.URL, "http://127.0.0.1:")
	addrs := map[string]string{
		"http to another host":  "http://kp.example.com",
		"http to a LAN address": "http://192.168.1.10:" + port,
		"user info":             "https://user:secret@us-south.kms.cloud.ibm.com",
		"user info on loopback": "http://user@127.0.0.1:" + port,
		"path":                  "https://us-south.kms.cloud.ibm.com/api/v2",
		"path on loopback":      e.srv.URL + "/api/v2/keys",
		"query":                 "https://us-south.kms.cloud.ibm.com?x=1",
		"empty query":           e.srv.URL + "?",
		"fragment":              e.srv.URL + "#x",
		"other scheme":          "ftp://127.0.0.1:" + port,
		"no scheme":             "127.0.0.1:" + port,
		"garbage":               "not a url",
		"scheme only":           "https://",
		"bad port":              "https://us-south.kms.cloud.ibm.com:99999",
		"control character":     "https://us-south.kms.cloud.ibm.com\x7f",
		"space in host":         "https://us south.kms.cloud.ibm.com",
		"localhost look-alike":  "http://localhost.example.com:" + port,
	}
	for name, addr := range addrs {
		t.Run(name, func(t *testing.T) {
			run := e.syncKey(t, "KP_TARGET_ADDR="+addr)

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "Invalid KP_TARGET_ADDR")
			if strings.Contains(run.Stderr, "secret") {
				t.Errorf("stderr repeats the password of the URL:\n%s", run.Stderr)
			}
		})
	}
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

// secretCase is a command run whose output and trace must not contain a
// secret. Every command that sends the token gets its cases here.

type secretCase struct {
	name string
	// namespace is the IBMCLOUD_PLUGIN_NAMESPACE of the command, "kp key"
	// when empty.
	namespace string
	options   []envOption
	setup     func(e *faultEnv)
	args      func(t *testing.T, e *faultEnv) []string
	exit      int
	// failsBeforeRefresh marks a run that ends before the revoked token
	// is refreshed.
	failsBeforeRefresh bool
	// lookupRegion makes the run look the instance's region up in the
	// Resource Controller, which gets the token too.
	lookupRegion bool
}

var secretCases = []secretCase{
	{
		name: "sync",
		args: func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
	},
	{
		name: "sync json",
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", e.key, "-i", e.instance, "-o", "json"}
		},
	},
	{
		name:  "sync after server errors",
		setup: func(e *faultEnv) { e.srv.InjectFaults(standin.Fault{Status: 503}, standin.Fault{Drop: true}) },
		args:  func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
	},
	{
		name: "sync with an error body that echoes the token",
		setup: func(e *faultEnv) {
			e.srv.InjectFaults(standin.Fault{Status: 400, ContentType: "text/plain", Body: "rejected Authorization: Bearer " + e.token})
		},
		args:               func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
		exit:               1,
		failsBeforeRefresh: true,
	},
	{
		name:         "sync with a region lookup",
		args:         func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
		lookupRegion: true,
	},
	{
		name:    "sync with an expired token",
		options: []envOption{withToken(standin.NewJWT(time.Now().Add(-time.Hour)))},
		args:    func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
	},
	{
		name:               "sync with a rejected refresh token",
		setup:              func(e *faultEnv) { e.srv.RevokeRefreshToken(e.refresh) },
		args:               func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", e.instance} },
		exit:               1,
		failsBeforeRefresh: true,
	},
	{
		name: "batch sync of keys given as arguments",
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", e.key, e.secondKey(), "-i", e.instance}
		},
	},
	{
		name: "batch sync from a key file in JSON",
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", "--file", e.keyFile(t, e.key, e.secondKey()), "-i", e.instance, "-o", "json"}
		},
	},
	{
		name:  "batch sync after server errors",
		setup: func(e *faultEnv) { e.srv.InjectFaults(standin.Fault{Status: 503}, standin.Fault{Drop: true}) },
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", e.key, e.secondKey(), "-i", e.instance, "--parallel", "1"}
		},
	},
	{
		name:  "batch sync of every registered key",
		setup: addRegistration,
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", "--all-registered", "-i", e.instance}
		},
	},
	{
		name: "batch sync with an error body that echoes the token",
		setup: func(e *faultEnv) {
			e.srv.InjectFaults(standin.Fault{Status: 400, ContentType: "text/plain", Body: "rejected Authorization: Bearer " + e.token})
		},
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"sync", e.key, e.secondKey(), "-i", e.instance, "--parallel", "1"}
		},
		exit:               1,
		failsBeforeRefresh: true,
	},
	{
		name:      "registrations of every key",
		namespace: "kp",
		setup:     addRegistration,
		args:      func(t *testing.T, e *faultEnv) []string { return []string{"registrations", "-i", e.instance} },
	},
	{
		name:      "registrations of a key in JSON",
		namespace: "kp",
		setup:     addRegistration,
		args: func(t *testing.T, e *faultEnv) []string {
			return []string{"registrations", "-k", e.key, "-i", e.instance, "-o", "json"}
		},
	},
	{
		name:      "registrations after server errors",
		namespace: "kp",
		setup: func(e *faultEnv) {
			addRegistration(e)
			e.srv.InjectFaults(standin.Fault{Status: 503}, standin.Fault{Drop: true})
		},
		args: func(t *testing.T, e *faultEnv) []string { return []string{"registrations", "-i", e.instance} },
	},
	{
		name:      "registrations with an error body that echoes the token",
		namespace: "kp",
		setup: func(e *faultEnv) {
			e.srv.InjectFaults(standin.Fault{Status: 400, ContentType: "text/plain", Body: "rejected Authorization: Bearer " + e.token})
		},
		args:               func(t *testing.T, e *faultEnv) []string { return []string{"registrations", "-i", e.instance} },
		exit:               1,
		failsBeforeRefresh: true,
	},
	{
		name: "sync rejected after refresh",
		args: func(t *testing.T, e *faultEnv) []string { return []string{"sync", e.key, "-i", standin.NewUUID()} },
		exit: 1,
	},
}

func addRegistration(e *faultEnv) {
	e.srv.AddRegistration(e.instance, standin.Registration{
		KeyID:       e.key,
		ResourceCRN: "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:photos",
	})
}

func TestSecretsNeverShown(t *testing.T) {
	const apiKey = "kp-sync-test-api-key-5f0c1e7a9b2d4c6e"
	for _, tc := range secretCases {
		for _, mode := range []string{"stderr", "file"} {
			t.Run(tc.name+" trace to "+mode, func(t *testing.T) {
				e := newFaultEnv(t, tc.options...)
				// A revoked token makes every run refresh it through IAM, so
				// that new tokens pass through the plug-in as well.
				e.srv.RevokeToken(e.token)
				if tc.setup != nil {
					tc.setup(e)
				}
				namespace := tc.namespace
				if namespace == "" {
					namespace = e.host.Namespace
				}
				tracePath := filepath.Join(t.TempDir(), "trace.log")
				trace := "true"
				if mode == "file" {
					trace = tracePath
				}

				env := []string{"KP_TARGET_ADDR=" + e.srv.URL, httpTimeout, "IBMCLOUD_TRACE=" + trace, "IBMCLOUD_API_KEY=" + apiKey}
				if tc.lookupRegion {
					env = append(env, e.lookupEnv()...)
				}
				run := e.host.RunIn(namespace, tc.args(t, e), env...)

				assertExit(t, run, tc.exit)
				traceText := run.Stderr
				if mode == "file" {
					data, err := os.ReadFile(tracePath)
					if err != nil {
						t.Fatalf("read trace file: %v", err)
					}
					traceText = string(data)
				}
				assertContains(t, "trace", traceText, "REQUEST:", "Authorization: [PRIVATE DATA HIDDEN]")

				secrets := map[string]string{
					"access token":  e.token,
					"refresh token": e.refresh,
					"API key":       apiKey,
				}
				for i, r := range e.srv.Requests() {
					if token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); token != "" {
						secrets[fmt.Sprintf("token of request %d", i+1)] = token
					}
					if refresh := r.Form.Get("refresh_token"); refresh != "" {
						secrets[fmt.Sprintf("refresh token of request %d", i+1)] = refresh
					}
				}
				config := e.host.Config()
				secrets["saved access token"] = strings.TrimPrefix(config.IAMToken(), "Bearer ")
				secrets["saved refresh token"] = config.IAMRefreshToken()
				if !tc.failsBeforeRefresh && secrets["saved access token"] == e.token {
					t.Errorf("token was not refreshed, so the run did not handle a new token")
				}

				outputs := map[string]string{"stdout": run.Stdout, "stderr": run.Stderr}
				if mode == "file" {
					outputs["trace file"] = traceText
				}
				for outputName, output := range outputs {
					for secretName, secret := range secrets {
						if secret == "" {
							continue
						}
						if strings.Contains(output, secret) {
							t.Errorf("%s contains the %s", outputName, secretName)
						}
						// The signature part alone is as secret as the token.
						if parts := strings.Split(secret, "."); len(parts) == 3 && strings.Contains(output, parts[2]) {
							t.Errorf("%s contains the signature of the %s", outputName, secretName)
						}
					}
				}
			})
		}
	}
}

func TestHostileHTTPTimeoutRejected(t *testing.T) {
	e := newFaultEnv(t)
	for _, value := range []string{"0", "-1", "1.5", "30s", "soon", strings.Repeat("9", 40)} {
		t.Run(value, func(t *testing.T) {
			run := e.syncKey(t, "IBMCLOUD_HTTP_TIMEOUT="+value)

			assertExit(t, run, 2)
			assertContains(t, "stderr", run.Stderr, "Invalid IBMCLOUD_HTTP_TIMEOUT")
		})
	}
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}
