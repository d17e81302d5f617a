package keysync_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

// fixture is a stand-in with one instance, one key and a logged-in host
// whose session targets us-south.
type fixture struct {
	srv      *standin.Server
	host     *testhost.Host
	token    string
	refresh  string
	instance string
	key      string
	alias    string
}

// noRegion as HostOptions.Region makes newFixture target no region.
const noRegion = "(none)"

func newFixture(t *testing.T, opts testhost.HostOptions) *fixture {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)

	f := &fixture{
		srv:      srv,
		token:    standin.NewJWT(time.Now().Add(time.Hour)),
		refresh:  standin.NewRefreshToken(),
		instance: standin.NewUUID(),
		key:      standin.NewUUID(),
		alias:    "payments-root",
	}
	srv.AcceptToken(f.token)
	srv.AddRefreshToken(f.refresh)
	srv.AddKey(f.instance, standin.Key{ID: f.key, Aliases: []string{f.alias}, KeyRing: "ring-a", LastEvent: time.Now().Add(-2 * time.Hour)})

	opts.IAMEndpoint = srv.URL
	switch opts.Region {
	case "":
		opts.Region = "us-south"
	case noRegion:
		opts.Region = ""
	}
	if opts.Token == "" && !opts.NotLoggedIn {
		opts.Token = f.token
	}
	if opts.RefreshToken == "" && !opts.NotLoggedIn {
		opts.RefreshToken = f.refresh
	}
	opts.Namespace = "kp key"
	f.host = testhost.NewHost(t, opts)
	return f
}

func (f *fixture) run(args ...string) testhost.Result {
	return f.host.Run(args, "KP_TARGET_ADDR="+f.srv.URL)
}

func (f *fixture) syncRequests() []standin.Request {
	return f.srv.RequestsTo("/actions/sync")
}

func TestSyncByIDAsHostRunsIt(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	wantLines := []string{
		"Synchronizing key " + f.key + "...",
		"OK",
		"Key Protect notified the resources associated with key " + f.key + " again. Services can take up to four hours to respond.",
	}
	if got := strings.Split(strings.TrimSpace(res.Stdout), "\n"); strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("stdout =\n%s\nwant\n%s", res.Stdout, strings.Join(wantLines, "\n"))
	}
	if !strings.Contains(res.Stderr, "Key Protect endpoint: "+f.srv.URL) {
		t.Errorf("stderr does not name the endpoint:\n%s", res.Stderr)
	}

	reqs := f.syncRequests()
	if len(reqs) != 1 {
		t.Fatalf("stand-in got %d sync requests, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Method != "POST" || req.Path != "/api/v2/keys/"+f.key+"/actions/sync" {
		t.Errorf("request = %s %s, want POST /api/v2/keys/%s/actions/sync", req.Method, req.Path, f.key)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer "+f.token {
		t.Errorf("authorization header is not the session's bearer token")
	}
	if got := req.Header.Get("Bluemix-Instance"); got != f.instance {
		t.Errorf("bluemix-instance = %q, want %q", got, f.instance)
	}
	if got := req.Header.Get("X-Kms-Key-Ring"); got != "" {
		t.Errorf("x-kms-key-ring = %q, want none without --key-ring", got)
	}
	if req.Header.Get("Correlation-Id") == "" {
		t.Error("correlation-id header missing")
	}
}

func TestSyncRunDirectlyWithNamespaceWords(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	f.host.Namespace = ""

	res := f.run("kp", "key", "sync", f.key, "--instance-id", f.instance)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if n := len(f.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1", n)
	}
}

func TestSyncByAliasWithKeyRing(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.run("sync", f.alias, "-i", f.instance, "--key-ring", "ring-a")

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	reqs := f.syncRequests()
	if len(reqs) != 1 {
		t.Fatalf("stand-in got %d sync requests, want 1", len(reqs))
	}
	if reqs[0].Path != "/api/v2/keys/"+f.alias+"/actions/sync" {
		t.Errorf("path = %s, want the alias in the path", reqs[0].Path)
	}
	if got := reqs[0].Header.Get("X-Kms-Key-Ring"); got != "ring-a" {
		t.Errorf("x-kms-key-ring = %q, want ring-a", got)
	}
}

func TestSyncInstanceFromEnvironment(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.host.Run([]string{"sync", f.key}, "KP_TARGET_ADDR="+f.srv.URL, "KP_INSTANCE_ID="+f.instance)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if got := f.syncRequests()[0].Header.Get("Bluemix-Instance"); got != f.instance {
		t.Errorf("bluemix-instance = %q, want the KP_INSTANCE_ID value", got)
	}
}

func TestSyncDeletedKeyByID(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	deleted := standin.NewUUID()
	f.srv.AddKey(f.instance, standin.Key{ID: deleted, Aliases: []string{"old-key"}, Deleted: true, LastEvent: time.Now().Add(-5 * time.Hour)})

	res := f.run("sync", deleted, "-i", f.instance)
	if res.ExitCode != 0 {
		t.Fatalf("sync of a deleted key by ID: exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}

	res = f.run("sync", "old-key", "-i", f.instance)
	if res.ExitCode != 1 {
		t.Fatalf("sync of a deleted key by alias: exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "A deleted key can be synced by its ID only") {
		t.Errorf("not-found message does not explain deleted keys:\n%s", res.Stderr)
	}
}

func TestSyncTooEarly(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	recent := standin.NewUUID()
	lastEvent := time.Now().Add(-20 * time.Minute).Truncate(time.Second)
	f.srv.AddKey(f.instance, standin.Key{ID: recent, LastEvent: lastEvent})

	res := f.run("sync", recent, "-i", f.instance)

	if res.ExitCode != 3 {
		t.Fatalf("exit = %d, want 3\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	next := lastEvent.Add(time.Hour)
	if !strings.Contains(res.Stderr, "FAILED") {
		t.Errorf("stderr lacks FAILED:\n%s", res.Stderr)
	}
	if !strings.Contains(res.Stderr, "Try again after "+next.UTC().Format("2006-01-02 15:04:05")) {
		t.Errorf("stderr does not give the next allowed time %s:\n%s", next.UTC(), res.Stderr)
	}
	if !strings.Contains(res.Stderr, "(in 40 minutes)") && !strings.Contains(res.Stderr, "(in 39 minutes)") {
		t.Errorf("stderr does not give the minutes from now:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, "kp.Error") {
		t.Errorf("output shows the client's raw error string:\n%s", res.Stderr)
	}
}

func TestSyncJSONOutput(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.run("sync", f.key, "-i", f.instance, "-o", "json")
	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	var synced map[string]any
	if err := json.Unmarshal([]byte(res.Stdout), &synced); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, res.Stdout)
	}
	if synced["status"] != "synced" || synced["key"] != f.key || synced["instance_id"] != f.instance {
		t.Errorf("JSON = %v, want status synced, key and instance_id", synced)
	}
	if res.Stderr != "" {
		t.Errorf("stderr = %q, want nothing with -o json", res.Stderr)
	}

	res = f.run("sync", f.key, "-i", f.instance, "-o", "json")
	if res.ExitCode != 3 {
		t.Fatalf("second sync: exit = %d, want 3", res.ExitCode)
	}
	var early struct {
		Status      string    `json:"status"`
		NextAllowed time.Time `json:"next_allowed"`
		Error       struct {
			StatusCode int    `json:"status_code"`
			ReasonCode string `json:"reason_code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &early); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, res.Stdout)
	}
	if early.Status != "too_early" {
		t.Errorf("status = %s, want too_early", early.Status)
	}
	if early.NextAllowed.IsZero() {
		t.Error("next_allowed missing")
	}
	if early.Error.StatusCode != 409 || early.Error.ReasonCode != "REQ_TOO_EARLY_ERR" {
		t.Errorf("error = %+v, want 409 REQ_TOO_EARLY_ERR", early.Error)
	}
}

func TestSyncKeyNotFound(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	missing := standin.NewUUID()

	res := f.run("sync", missing, "-i", f.instance, "-o", "json")

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	var result struct {
		Status        string `json:"status"`
		CorrelationID string `json:"correlation_id"`
		Error         struct {
			StatusCode int    `json:"status_code"`
			ReasonCode string `json:"reason_code"`
			Message    string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &result); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.Stdout)
	}
	if result.Status != "failed" || result.Error.StatusCode != 404 || result.Error.ReasonCode != "KEY_NOT_FOUND_ERR" {
		t.Errorf("result = %+v, want failed 404 KEY_NOT_FOUND_ERR", result)
	}
	if result.CorrelationID == "" {
		t.Error("correlation_id missing")
	}
	if !strings.Contains(res.Stderr, "Key "+missing+" was not found in instance "+f.instance) {
		t.Errorf("stderr does not name key and instance:\n%s", res.Stderr)
	}
}

func TestSyncKeyNotFoundInRing(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.run("sync", f.key, "-i", f.instance, "--key-ring", "other-ring")

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "not found in key ring other-ring of instance "+f.instance) {
		t.Errorf("stderr does not name the key ring:\n%s", res.Stderr)
	}
}

func TestSyncRefreshesTokenOnceAfter401(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	f.srv.RevokeToken(f.token)

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	reqs := f.syncRequests()
	if len(reqs) != 2 {
		t.Fatalf("stand-in got %d sync requests, want 2 (401, then the retry)", len(reqs))
	}
	if reqs[0].Status != 401 || reqs[1].Status != 204 {
		t.Errorf("statuses = %d, %d, want 401, 204", reqs[0].Status, reqs[1].Status)
	}
	if reqs[1].Header.Get("Authorization") == "Bearer "+f.token {
		t.Error("the retry sent the revoked token again")
	}
	if n := len(f.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM token requests = %d, want 1", n)
	}
	saved, err := os.ReadFile(f.host.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(saved), f.token) {
		t.Error("the host config still holds the revoked token; the refreshed one was not saved")
	}
}

func TestSyncSecond401EndsWithAccessMessage(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	// The token is valid, but the instance does not exist in this region,
	// which Key Protect rejects with 401 whatever the token.
	res := f.run("sync", f.key, "-i", standin.NewUUID())

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if n := len(f.syncRequests()); n != 2 {
		t.Errorf("stand-in got %d sync requests, want 2 (one retry after the refresh)", n)
	}
	if n := len(f.srv.RequestsTo("/identity/token")); n != 1 {
		t.Errorf("IAM token requests = %d, want 1", n)
	}
	if !strings.Contains(res.Stderr, "rejected the access token") || !strings.Contains(res.Stderr, "instance is in this region") {
		t.Errorf("stderr lacks the access message:\n%s", res.Stderr)
	}
}

func TestSyncNotLoggedIn(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{NotLoggedIn: true})

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "FAILED") || !strings.Contains(res.Stderr, "Log in by running 'ibmcloud login'.") {
		t.Errorf("stderr lacks the login message:\n%s", res.Stderr)
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestSyncBadInputSendsNothing(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"path traversal key", []string{"sync", "../../keys", "-i", f.instance}, nil, "Invalid key alias"},
		{"encoded slash key", []string{"sync", "a%2Fb", "-i", f.instance}, nil, "Invalid key alias"},
		{"query in key", []string{"sync", "key?x=1", "-i", f.instance}, nil, "Invalid key alias"},
		{"fragment in key", []string{"sync", "key#x", "-i", f.instance}, nil, "Invalid key alias"},
		{"reserved alias", []string{"sync", "rotate", "-i", f.instance}, nil, "reserves"},
		{"no key", []string{"sync", "-i", f.instance}, nil, "Missing key"},
		{"keys and a file", []string{"sync", f.key, "--file", "keys.txt", "-i", f.instance}, nil, "one way only"},
		{"no instance", []string{"sync", f.key}, nil, "Missing instance ID"},
		{"instance not a UUID", []string{"sync", f.key, "-i", "my-instance"}, nil, "Invalid instance ID"},
		{"bad key ring", []string{"sync", f.key, "-i", f.instance, "--key-ring", "a b"}, nil, "Invalid key ring ID"},
		{"bad output", []string{"sync", f.key, "-i", f.instance, "-o", "yaml"}, nil, "Invalid output format"},
		{"unknown flag", []string{"sync", f.key, "-i", f.instance, "--force"}, nil, `Unknown option "--force".`},
		{"http to another host", []string{"sync", f.key, "-i", f.instance}, []string{"KP_TARGET_ADDR=http://kms.example.invalid"}, "http is allowed only for a loopback host"},
		{"bad timeout", []string{"sync", f.key, "-i", f.instance}, []string{"IBMCLOUD_HTTP_TIMEOUT=soon"}, "IBMCLOUD_HTTP_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"KP_TARGET_ADDR=" + f.srv.URL}, tt.env...)
			res := f.host.Run(tt.args, env...)

			if res.ExitCode != 2 {
				t.Errorf("exit = %d, want 2\nstderr:\n%s", res.ExitCode, res.Stderr)
			}
			if !strings.Contains(res.Stderr, "Incorrect Usage.") || !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, res.Stderr)
			}
			if !strings.Contains(res.Stderr, "USAGE:") {
				t.Errorf("stderr lacks the command's help:\n%s", res.Stderr)
			}
			if res.Stdout != "" {
				t.Errorf("stdout = %q, want nothing", res.Stdout)
			}
			if n := f.srv.RequestCount(); n != 0 {
				t.Errorf("stand-in got %d requests, want 0", n)
			}
		})
	}
}

func TestSyncWithoutRegionOrTargetAddr(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{Region: noRegion})
	res := f.host.Run([]string{"sync", f.key, "-i", f.instance})

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "No region is targeted") || !strings.Contains(res.Stderr, "'ibmcloud target -r REGION'") {
		t.Errorf("stderr lacks the region message:\n%s", res.Stderr)
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestSyncRegionWithoutKeyProtect(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{Region: "mars-north"})
	res := f.host.Run([]string{"sync", f.key, "-i", f.instance})

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "Key Protect is not offered in the targeted region mars-north") {
		t.Errorf("stderr lacks the region message:\n%s", res.Stderr)
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestSyncCorruptConfigLeftUnchanged(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	path := f.host.ConfigPath()
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	truncated := original[:len(original)/2]
	if err := os.WriteFile(path, truncated, 0o600); err != nil {
		t.Fatal(err)
	}

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, "FAILED") || !strings.Contains(res.Stderr, path) {
		t.Errorf("stderr does not name the config file:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stderr, "goroutine") || strings.Contains(res.Stderr, "panic") {
		t.Errorf("stderr shows a Go panic:\n%s", res.Stderr)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(truncated) {
		t.Error("the corrupt config file was changed")
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestSyncMissingConfig(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	path := f.host.ConfigPath()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1", res.ExitCode)
	}
	if !strings.Contains(res.Stderr, path) || !strings.Contains(res.Stderr, "ibmcloud login") {
		t.Errorf("stderr does not name the missing file:\n%s", res.Stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("the plug-in created a config file; it must leave that to 'ibmcloud login'")
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Errorf("config folder: %v", err)
	}
}

func TestSyncServerErrorsNameEndpointAndCorrelationID(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	for range 5 {
		f.srv.InjectFaults(standin.Fault{Status: 503})
	}

	res := f.run("sync", f.key, "-i", f.instance)

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	reqs := f.syncRequests()
	if len(reqs) != 5 {
		t.Fatalf("stand-in got %d sync requests, want 5 (one attempt and four retries)", len(reqs))
	}
	correlationID := reqs[0].Header.Get("Correlation-Id")
	if !strings.Contains(res.Stderr, f.srv.URL) || !strings.Contains(res.Stderr, correlationID) {
		t.Errorf("stderr does not name endpoint %s and correlation ID %s:\n%s", f.srv.URL, correlationID, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "status 503 after 5 attempts") {
		t.Errorf("stderr does not give status and attempts:\n%s", res.Stderr)
	}
}

func TestSyncHelp(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.run("sync", "-h")

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0", res.ExitCode)
	}
	for _, want := range []string{"NAME:\n  sync - ", "USAGE:\n  ibmcloud kp key sync (KEY_ID_OR_ALIAS...", "OPTIONS:\n  -i value, --instance-id value"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, res.Stdout)
		}
	}
	if n := f.srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}

func TestSendMetadataNeedsNoConfig(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	if err := os.Remove(f.host.ConfigPath()); err != nil {
		t.Fatal(err)
	}
	res := f.host.RunAs("", "SendMetadata")
	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	var meta struct {
		Name     string
		Commands []struct{ Namespace, Name string }
	}
	if err := json.Unmarshal([]byte(res.Stdout), &meta); err != nil {
		t.Fatalf("SendMetadata output is not JSON: %v", err)
	}
	if meta.Name != "key-protect-sync" || len(meta.Commands) == 0 || meta.Commands[0].Namespace != "kp key" {
		t.Errorf("metadata = %+v", meta)
	}
}

func TestSyncForbidden(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})
	f.srv.InjectFaults(standin.Fault{
		Status:      403,
		ContentType: "application/json",
		Body:        `{"metadata":{"collectionType":"application/vnd.ibm.kms.error+json","collectionTotal":1},"resources":[{"errorMsg":"Forbidden: The user is not authorized to perform this action (FORBIDDEN_ERR)","reasons":[{"code":"FORBIDDEN_ERR","message":"The user is not authorized to perform this action","status":403}]}]}`,
	})

	res := f.run("sync", f.key, "-i", f.instance, "-o", "json")

	if res.ExitCode != 1 {
		t.Fatalf("exit = %d, want 1\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if n := len(f.syncRequests()); n != 1 {
		t.Errorf("stand-in got %d sync requests, want 1: a 403 is not retried", n)
	}
	var result struct {
		Status string `json:"status"`
		Error  struct {
			Kind       string `json:"kind"`
			StatusCode int    `json:"status_code"`
			ReasonCode string `json:"reason_code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &result); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.Stdout)
	}
	if result.Status != "failed" || result.Error.Kind != "forbidden" || result.Error.StatusCode != 403 || result.Error.ReasonCode != "FORBIDDEN_ERR" {
		t.Errorf("result = %+v, want failed, forbidden, 403, FORBIDDEN_ERR", result)
	}
	if !strings.Contains(res.Stderr, "You are not allowed to sync key "+f.key+" in instance "+f.instance) {
		t.Errorf("stderr lacks the access message:\n%s", res.Stderr)
	}
}

func TestSyncQuietLeavesOutInformation(t *testing.T) {
	f := newFixture(t, testhost.HostOptions{})

	res := f.host.Run([]string{"sync", f.key, "-i", f.instance}, "KP_TARGET_ADDR="+f.srv.URL, "IBMCLOUD_QUIET=true")

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	want := "Key Protect notified the resources associated with key " + f.key + " again. Services can take up to four hours to respond.\n"
	if res.Stdout != want {
		t.Errorf("stdout = %q, want only the result %q", res.Stdout, want)
	}
	if res.Stderr != "" {
		t.Errorf("stderr = %q, want nothing in quiet mode", res.Stderr)
	}
}
