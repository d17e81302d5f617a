package keysync_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

const instanceID = "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c"

// batchResult is the part of a -o json result the tests check.
type batchResult struct {
	Key           string     `json:"key"`
	InstanceID    string     `json:"instance_id"`
	Status        string     `json:"status"`
	CorrelationID string     `json:"correlation_id"`
	NextAllowed   *time.Time `json:"next_allowed"`
	Error         *struct {
		Kind       string `json:"kind"`
		StatusCode int    `json:"status_code"`
		ReasonCode string `json:"reason_code"`
		Message    string `json:"message"`
		Attempts   int    `json:"attempts"`
	} `json:"error"`
}

// env is a logged-in host targeting a fresh stand-in.
type env struct {
	srv  *standin.Server
	host *testhost.Host
}

func newEnv(t *testing.T) env {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	srv.AddInstance(instanceID)
	host := testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint: srv.URL, Region: "us-south", Token: token, Namespace: "kp key",
	})
	return env{srv: srv, host: host}
}

func (e env) run(t *testing.T, args ...string) testhost.Result {
	t.Helper()
	args = append([]string{"sync", "-i", instanceID}, args...)
	return e.host.Run(args, "KP_TARGET_ADDR="+e.srv.URL)
}

func decodeArray(t *testing.T, result testhost.Result) []batchResult {
	t.Helper()
	var results []batchResult
	if err := json.Unmarshal([]byte(result.Stdout), &results); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\nstdout:\n%s\nstderr:\n%s", err, result.Stdout, result.Stderr)
	}
	return results
}

func syncRequests(srv *standin.Server) []standin.Request {
	return srv.RequestsTo("/actions/sync")
}

// syncedKey returns the key named in the path of a sync request.
func syncedKey(req standin.Request) string {
	parts := strings.Split(req.Path, "/")
	return parts[len(parts)-3]
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBatchEveryResultKind(t *testing.T) {
	e := newEnv(t)
	fresh := e.srv.AddKeys(instanceID, 1)[0]
	recent := standin.NewUUID()
	e.srv.AddKey(instanceID, standin.Key{ID: recent, LastEvent: time.Now()})
	aliased := standin.NewUUID()
	e.srv.AddKey(instanceID, standin.Key{ID: aliased, Aliases: []string{"payroll-root"}})

	result := e.run(t, "-o", "json", fresh, recent, "no-such-key", "payroll-root")

	if result.ExitCode != 1 {
		t.Errorf("exit status = %d, want 1\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	results := decodeArray(t, result)
	wantKeys := []string{fresh, recent, "no-such-key", "payroll-root"}
	wantStatus := []string{"synced", "too_early", "failed", "synced"}
	if len(results) != len(wantKeys) {
		t.Fatalf("%d results, want %d:\n%s", len(results), len(wantKeys), result.Stdout)
	}
	for i := range results {
		if results[i].Key != wantKeys[i] {
			t.Errorf("result %d is for %s, want %s (input order)", i, results[i].Key, wantKeys[i])
		}
		if results[i].Status != wantStatus[i] {
			t.Errorf("result %d: status %s, want %s", i, results[i].Status, wantStatus[i])
		}
		if results[i].InstanceID != instanceID {
			t.Errorf("result %d: instance_id %s, want %s", i, results[i].InstanceID, instanceID)
		}
	}

	if results[1].NextAllowed == nil {
		t.Error("the too_early result has no next_allowed time")
	}
	failed := results[2]
	if failed.Error == nil {
		t.Fatal("the failed result has no error")
	}
	if failed.Error.StatusCode != 404 {
		t.Errorf("failed status_code = %d, want 404", failed.Error.StatusCode)
	}
	if failed.Error.ReasonCode != "KEY_NOT_FOUND_ERR" {
		t.Errorf("failed reason_code = %s, want KEY_NOT_FOUND_ERR", failed.Error.ReasonCode)
	}
	if failed.Error.Message == "" {
		t.Error("failed result has no message")
	}
	if failed.CorrelationID == "" {
		t.Error("failed result has no correlation_id")
	}
	if !strings.Contains(result.Stderr, "FAILED") {
		t.Errorf("stderr lacks FAILED:\n%s", result.Stderr)
	}
}

func TestBatchTextOutput(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)
	recent := standin.NewUUID()
	e.srv.AddKey(instanceID, standin.Key{ID: recent, LastEvent: time.Now()})

	result := e.run(t, keys[0], recent, keys[1], keys[0])

	if result.ExitCode != 3 {
		t.Errorf("exit status = %d, want 3 (too early, nothing failed)\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	for _, key := range keys {
		if !strings.Contains(result.Stdout, key+"  synced") {
			t.Errorf("stdout lacks the line of synced key %s:\n%s", key, result.Stdout)
		}
	}
	if !strings.Contains(result.Stdout, recent+"  too early  next sync allowed after") {
		t.Errorf("stdout lacks the too-early line:\n%s", result.Stdout)
	}
	for _, header := range []string{"Key", "Result", "Detail"} {
		if !strings.Contains(result.Stdout, header) {
			t.Errorf("the summary table lacks the %s header:\n%s", header, result.Stdout)
		}
	}
	if !strings.Contains(result.Stdout, "Total 3: synced 2, too early 1, failed 0, not attempted 0") {
		t.Errorf("stdout lacks the counts:\n%s", result.Stdout)
	}
	if !strings.Contains(result.Stderr, "Keys given more than once: 1.") {
		t.Errorf("stderr does not report the repeated key:\n%s", result.Stderr)
	}
	if strings.Contains(result.Stderr, "done,") {
		t.Errorf("a progress line was printed although stderr is not a terminal:\n%s", result.Stderr)
	}
}

func TestBatchAllSyncedExitsZero(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 3)

	result := e.run(t, keys...)

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstdout:\n%s\nstderr:\n%s", result.ExitCode, result.Stdout, result.Stderr)
	}
	if !strings.Contains(result.Stdout, "OK") {
		t.Errorf("stdout lacks OK:\n%s", result.Stdout)
	}
}

func TestSinglePositionalKeyPrintsObject(t *testing.T) {
	e := newEnv(t)
	key := e.srv.AddKeys(instanceID, 1)[0]

	result := e.run(t, "-o", "json", key)

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	var object map[string]any
	if err := json.Unmarshal([]byte(result.Stdout), &object); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, result.Stdout)
	}
	if object["key"] != key || object["status"] != "synced" {
		t.Errorf("object = %v, want key %s synced", object, key)
	}
}

func TestSinglePositionalKeyText(t *testing.T) {
	e := newEnv(t)
	key := e.srv.AddKeys(instanceID, 1)[0]

	result := e.run(t, key)

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	for _, want := range []string{"Synchronizing key " + key + "...", "OK", "notified the resources associated with key " + key} {
		if !strings.Contains(result.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, result.Stdout)
		}
	}
	if strings.Contains(result.Stdout, "Total") {
		t.Errorf("a single key printed the batch summary:\n%s", result.Stdout)
	}
}

func TestFileWithOneKeyPrintsArray(t *testing.T) {
	e := newEnv(t)
	key := e.srv.AddKeys(instanceID, 1)[0]
	file := writeFile(t, key+"\n")

	result := e.run(t, "-o", "json", "--file", file)

	results := decodeArray(t, result)
	if len(results) != 1 || results[0].Key != key || results[0].Status != "synced" {
		t.Errorf("results = %+v, want one synced result for %s", results, key)
	}
}

func TestBatchDeduplicatesKeys(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)
	file := writeFile(t, keys[1]+"\n"+keys[0]+"\n"+keys[1]+"\n# "+keys[0]+"\n"+keys[0]+"\n")

	result := e.run(t, "-o", "json", "--file", file)

	results := decodeArray(t, result)
	if len(results) != 2 {
		t.Fatalf("%d results, want 2:\n%s", len(results), result.Stdout)
	}
	if results[0].Key != keys[1] || results[1].Key != keys[0] {
		t.Errorf("result keys = %s, %s, want %s, %s (order of first appearance)", results[0].Key, results[1].Key, keys[1], keys[0])
	}
	counts := map[string]int{}
	for _, req := range syncRequests(e.srv) {
		counts[syncedKey(req)]++
	}
	for _, key := range keys {
		if counts[key] != 1 {
			t.Errorf("key %s got %d sync requests, want 1", key, counts[key])
		}
	}
	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
}

func TestBatchFileFormats(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 3)
	aliased := standin.NewUUID()
	e.srv.AddKey(instanceID, standin.Key{ID: aliased, Aliases: []string{"logs_2026"}})
	content := "\uFEFF# keys to renotify\r\n" + keys[0] + "\r\n\r\n  " + keys[1] + "  # bucket logs\r\nlogs_2026\r\n" + keys[2]

	result := e.run(t, "-o", "json", "--file", writeFile(t, content))

	results := decodeArray(t, result)
	want := []string{keys[0], keys[1], "logs_2026", keys[2]}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(results), len(want), result.Stdout)
	}
	for i := range want {
		if results[i].Key != want[i] || results[i].Status != "synced" {
			t.Errorf("result %d = %s %s, want %s synced", i, results[i].Key, results[i].Status, want[i])
		}
	}
}

func TestBatchFileFromStdin(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)
	e.host.Stdin = strings.NewReader(keys[0] + "\n" + keys[1] + "\n")

	result := e.run(t, "-o", "json", "--file", "-")

	results := decodeArray(t, result)
	if len(results) != 2 || results[0].Key != keys[0] || results[1].Key != keys[1] {
		t.Errorf("results = %+v, want %s then %s", results, keys[0], keys[1])
	}
}

func TestBatchFileInvalidLinesSendNothing(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 1)
	file := writeFile(t, keys[0]+"\n../../keys\n# fine\n\nkeys\nkey one\n")

	result := e.run(t, "-o", "json", "--file", file)

	if result.ExitCode != 2 {
		t.Errorf("exit status = %d, want 2\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	for _, want := range []string{"Incorrect Usage.", "Invalid lines in the key files: 3.", "line 2:", "line 5:", "line 6:", `"../../keys"`} {
		if !strings.Contains(result.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, result.Stderr)
		}
	}
	if result.Stdout != "" {
		t.Errorf("stdout is not empty:\n%s", result.Stdout)
	}
	if n := e.srv.RequestCount(); n != 0 {
		t.Errorf("the stand-in got %d requests, want 0", n)
	}
}

func TestBatchUsageErrorsSendNothing(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)
	empty := writeFile(t, "# nothing yet\n\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "invalid second key", args: []string{keys[0], "a/b"}, want: `"a/b"`},
		{name: "parallel zero", args: []string{keys[0], keys[1], "--parallel", "0"}, want: "--parallel"},
		{name: "parallel too high", args: []string{keys[0], "--parallel", "33"}, want: "from 1 to 32"},
		{name: "keys and file", args: []string{keys[0], "--file", empty}, want: "one way only"},
		{name: "file without keys", args: []string{"--file", empty}, want: "No key found in"},
		{name: "missing file", args: []string{"--file", filepath.Join(t.TempDir(), "absent")}, want: "Cannot read key file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.srv.Reset()
			result := e.run(t, tt.args...)
			if result.ExitCode != 2 {
				t.Errorf("exit status = %d, want 2\nstderr:\n%s", result.ExitCode, result.Stderr)
			}
			if !strings.Contains(result.Stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, result.Stderr)
			}
			if n := e.srv.RequestCount(); n != 0 {
				t.Errorf("the stand-in got %d requests, want 0", n)
			}
		})
	}
}

func TestBatchAllRegisteredPages(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 40)
	unregistered := e.srv.AddKeys(instanceID, 5)
	// More registrations than one page holds, so the keys of the second
	// page are synced only when every page is read.
	const pageSize = keyprotect.MaxRegistrationPageSize
	for i := range pageSize + 100 {
		key := keys[i%30]
		if i >= pageSize {
			key = keys[30+(i-pageSize)%10]
		}
		e.srv.AddRegistration(instanceID, standin.Registration{
			KeyID:       key,
			ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/%s:%s:bucket:b-%d", standin.TokenAccountID, instanceID, i),
		})
	}

	result := e.run(t, "-o", "json", "--all-registered", "--parallel", "8")

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	results := decodeArray(t, result)
	if len(results) != len(keys) {
		t.Fatalf("%d results, want %d", len(results), len(keys))
	}
	for i, key := range keys {
		if results[i].Key != key {
			t.Errorf("result %d is for %s, want %s (order of first registration)", i, results[i].Key, key)
		}
		if results[i].Status != "synced" {
			t.Errorf("result %d: status %s, want synced", i, results[i].Status)
		}
	}
	if listings := e.srv.RequestsTo("/keys/registrations"); len(listings) != 2 {
		t.Errorf("%d registration listings, want 2 pages", len(listings))
	}
	synced := map[string]bool{}
	for _, req := range syncRequests(e.srv) {
		synced[syncedKey(req)] = true
	}
	for _, key := range unregistered {
		if synced[key] {
			t.Errorf("key %s without registrations was synced", key)
		}
	}
}

func TestBatchAllRegisteredNone(t *testing.T) {
	e := newEnv(t)
	e.srv.AddKeys(instanceID, 3)

	result := e.run(t, "-o", "json", "--all-registered")

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	if strings.TrimSpace(result.Stdout) != "[]" {
		t.Errorf("stdout = %q, want []", result.Stdout)
	}
	if n := len(syncRequests(e.srv)); n != 0 {
		t.Errorf("%d sync requests, want 0", n)
	}
}

func TestBatchAllRegisteredListingFails(t *testing.T) {
	e := newEnv(t)
	key := e.srv.AddKeys(instanceID, 1)[0]
	e.srv.AddRegistration(instanceID, standin.Registration{
		KeyID:       key,
		ResourceCRN: "crn:v1:bluemix:public:cloud-object-storage:global:a/" + standin.TokenAccountID + ":" + instanceID + ":bucket:b",
	})
	e.srv.InjectFaults(standin.Fault{Status: 403})

	result := e.run(t, "--all-registered")

	if result.ExitCode != 1 {
		t.Errorf("exit status = %d, want 1\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	for _, want := range []string{"not allowed to list the registrations in instance", "no key was synced"} {
		if !strings.Contains(result.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, result.Stderr)
		}
	}
	if n := len(syncRequests(e.srv)); n != 0 {
		t.Errorf("%d sync requests, want 0", n)
	}
}

func TestBatchParallelLimit(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		limit int
	}{
		{name: "default", flags: nil, limit: 4},
		{name: "parallel 3", flags: []string{"--parallel", "3"}, limit: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			keys := e.srv.AddKeys(instanceID, 60)
			e.srv.SetLatency(20 * time.Millisecond)

			args := append(append([]string{"-o", "json"}, tt.flags...), keys...)
			result := e.run(t, args...)

			if result.ExitCode != 0 {
				t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
			}
			if n := len(decodeArray(t, result)); n != len(keys) {
				t.Errorf("%d results, want %d", n, len(keys))
			}
			if n := e.srv.MaxInFlight(); n > tt.limit {
				t.Errorf("max in flight = %d, want at most %d", n, tt.limit)
			}
			if n := e.srv.ConnectionCount(); n > tt.limit {
				t.Errorf("%d connections for %d workers, want at most %d (kept alive)", n, tt.limit, tt.limit)
			}
			if n := len(syncRequests(e.srv)); n != len(keys) {
				t.Errorf("%d sync requests, want %d", n, len(keys))
			}
		})
	}
}

func TestBatchRateLimitPausesEveryWorker(t *testing.T) {
	e := newEnv(t)
	// With 10 ms per request, the other workers need well over a second
	// for 300 keys, so a pause of the 429's worker alone leaves no gap of
	// a second between requests.
	keys := e.srv.AddKeys(instanceID, 300)
	e.srv.SetLatency(10 * time.Millisecond)
	e.srv.InjectFaults(standin.Fault{Status: 429, RetryAfter: "1"})

	result := e.run(t, append([]string{"-o", "json", "--parallel", "4"}, keys...)...)

	if result.ExitCode != 0 {
		t.Errorf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	requests := syncRequests(e.srv)
	if len(requests) != len(keys)+1 {
		t.Errorf("%d sync requests, want %d (one retried after the 429)", len(requests), len(keys)+1)
	}
	limited := 0
	for _, req := range requests {
		if req.Status == 429 {
			limited++
		}
	}
	if limited != 1 {
		t.Errorf("%d requests got a 429, want 1", limited)
	}

	// Every worker waits out the Retry-After of 1 s together: no request
	// is sent until a second after the client read the 429, so the
	// arrivals show a gap of at least a second.
	var gap time.Duration
	for i := 1; i < len(requests); i++ {
		gap = max(gap, requests[i].Time.Sub(requests[i-1].Time))
	}
	if gap < time.Second {
		t.Errorf("longest gap between requests = %s, want at least 1 s (the whole batch pausing)", gap)
	}
	for _, r := range decodeArray(t, result) {
		if r.Status != "synced" {
			t.Errorf("key %s ended %s, want synced", r.Key, r.Status)
		}
	}
}

func TestBatchRetriesThenFails(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 4)
	e.srv.InjectKeyFaults(keys[1], standin.Fault{Status: 503}, standin.Fault{Status: 503},
		standin.Fault{Status: 503}, standin.Fault{Status: 503}, standin.Fault{Status: 503})
	e.srv.InjectKeyFaults(keys[2], standin.Fault{Status: 502})
	e.srv.InjectKeyFaults(keys[3], standin.Fault{Drop: true})

	result := e.run(t, append([]string{"-o", "json"}, keys...)...)

	if result.ExitCode != 1 {
		t.Errorf("exit status = %d, want 1\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	results := decodeArray(t, result)
	if len(results) != 4 {
		t.Fatalf("%d results, want 4", len(results))
	}
	if results[0].Status != "synced" {
		t.Errorf("%s ended %s, want synced", keys[0], results[0].Status)
	}
	if results[1].Status != "failed" || results[1].Error == nil || results[1].Error.StatusCode != 503 || results[1].Error.Attempts != 5 {
		t.Errorf("%s = %+v, want failed with status 503 after 5 attempts", keys[1], results[1])
	}
	if results[2].Status != "synced" {
		t.Errorf("%s ended %s, want synced after one retry", keys[2], results[2].Status)
	}
	if results[3].Status != "synced" {
		t.Errorf("%s ended %s, want synced after the dropped connection", keys[3], results[3].Status)
	}
	if n := len(e.srv.RequestsTo(keys[3] + "/actions/sync")); n != 2 {
		t.Errorf("%s got %d sync requests, want 2", keys[3], n)
	}
}

func TestBatchInterruptReportsEveryKey(t *testing.T) {
	tests := []struct {
		output string
		signal syscall.Signal
	}{
		{output: "json", signal: syscall.SIGINT},
		{output: "text", signal: syscall.SIGINT},
		{output: "json", signal: syscall.SIGTERM},
	}
	for _, tt := range tests {
		output := tt.output
		t.Run(output+" "+tt.signal.String(), func(t *testing.T) {
			e := newEnv(t)
			keys := e.srv.AddKeys(instanceID, 40)
			e.srv.SetLatency(300 * time.Millisecond)
			const parallel = 2

			args := []string{"sync", "-i", instanceID, "--parallel", fmt.Sprint(parallel)}
			if output == "json" {
				args = append(args, "-o", "json")
			}
			var stdout, stderr bytes.Buffer
			cmd := e.host.Start(&stdout, &stderr, append(args, keys...), "KP_TARGET_ADDR="+e.srv.URL)
			waitForRequests(t, e.srv, 1)
			seen := len(syncRequests(e.srv))
			if err := cmd.Process.Signal(tt.signal); err != nil {
				t.Fatalf("send %s: %v", tt.signal, err)
			}
			_ = cmd.Wait()

			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit status = %d, want 130\nstderr:\n%s", code, stderr.String())
			}
			requests := syncRequests(e.srv)
			if len(requests) > seen+parallel {
				t.Errorf("%d sync requests after the signal at %d, want at most %d: new keys were started", len(requests), seen, seen+parallel)
			}
			for _, req := range requests {
				if req.Status != 204 {
					t.Errorf("request for %s ended with status %d, want 204 (finished, not cut)", syncedKey(req), req.Status)
				}
			}
			if output == "text" {
				for _, want := range []string{"not attempted", "Total 40:", "Interrupted"} {
					if !strings.Contains(stdout.String()+stderr.String(), want) {
						t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", want, stdout.String(), stderr.String())
					}
				}
				return
			}

			results := decodeArray(t, resultOf(stdout.String(), stderr.String()))
			if len(results) != len(keys) {
				t.Fatalf("%d results, want %d", len(results), len(keys))
			}
			sent := map[string]bool{}
			for _, req := range requests {
				sent[syncedKey(req)] = true
			}
			notAttempted := 0
			for i, r := range results {
				if r.Key != keys[i] {
					t.Errorf("result %d is for %s, want %s", i, r.Key, keys[i])
				}
				switch {
				case sent[r.Key] && r.Status != "synced":
					t.Errorf("sent key %s ended %s, want synced", r.Key, r.Status)
				case !sent[r.Key] && r.Status != "not_attempted":
					t.Errorf("unsent key %s ended %s, want not_attempted", r.Key, r.Status)
				}
				if r.Status == "not_attempted" {
					notAttempted++
				}
			}
			if notAttempted == 0 {
				t.Error("no key is not_attempted, so the interruption came too late to test anything")
			}
		})
	}
}

func resultOf(stdout, stderr string) testhost.Result {
	return testhost.Result{Stdout: stdout, Stderr: stderr}
}

// waitForRequests waits until the stand-in has received n sync requests.
func waitForRequests(t *testing.T, srv *standin.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(testhost.RunTimeout)
	for len(syncRequests(srv)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the stand-in got no sync request within %s", testhost.RunTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBatchAllRegisteredCountsResources(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)
	for i, key := range []string{keys[0], keys[1], keys[0]} {
		e.srv.AddRegistration(instanceID, standin.Registration{
			KeyID:       key,
			ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/%s:%s:bucket:b-%d", standin.TokenAccountID, instanceID, i),
		})
	}

	result := e.run(t, "-o", "json", "--all-registered")

	if result.ExitCode != 0 {
		t.Fatalf("exit status = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	var results []struct {
		Key           string `json:"key"`
		Registrations *int   `json:"registrations"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &results); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, result.Stdout)
	}
	want := map[string]int{keys[0]: 2, keys[1]: 1}
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	for _, r := range results {
		if r.Registrations == nil || *r.Registrations != want[r.Key] {
			t.Errorf("key %s: registrations = %v, want %d", r.Key, r.Registrations, want[r.Key])
		}
	}

	e.srv.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	text := e.run(t, "--all-registered")
	if !strings.Contains(text.Stdout, "registered resources: 2") || !strings.Contains(text.Stdout, "registered resources: 1") {
		t.Errorf("text output does not give the registered resources of each key:\n%s", text.Stdout)
	}
}

func TestBatchArgumentsOmitRegistrations(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 2)

	result := e.run(t, "-o", "json", keys[0], keys[1])

	if strings.Contains(result.Stdout, `"registrations"`) {
		t.Errorf("registrations given without --all-registered, where they are not known:\n%s", result.Stdout)
	}
}
