package registrations_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

const instance = "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"

// fixture is a stand-in with one instance and a host logged in to it.
type fixture struct {
	srv  *standin.Server
	host *testhost.Host
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	refresh := standin.NewRefreshToken()
	srv.AddRefreshToken(refresh)
	srv.AddInstance(instance)

	host := testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint:  srv.URL,
		Region:       "us-south",
		Token:        token,
		RefreshToken: refresh,
		Namespace:    "kp",
	})
	return fixture{srv: srv, host: host}
}

func (f fixture) run(args ...string) testhost.Result {
	return f.host.Run(args, "KP_TARGET_ADDR="+f.srv.URL, "KP_INSTANCE_ID="+instance)
}

func (f fixture) listRequests() []standin.Request {
	return f.srv.RequestsTo("/registrations")
}

var lastUpdated = time.Date(2026, 11, 3, 14, 5, 9, 0, time.UTC)

// addServices registers one resource of each of three services with key.
func addServices(srv *standin.Server, key string) []string {
	crns := []string{
		"crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:photos",
		"crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:pg-1::",
		"crn:v1:bluemix:public:containers-kubernetes:us-south:a/acct:cluster-1:worker-pool:default",
	}
	for i, crn := range crns {
		srv.AddRegistration(instance, standin.Registration{
			KeyID:              key,
			ResourceCRN:        crn,
			CreatedBy:          "IBMid-0000000000",
			UpdatedBy:          "IBMid-0000000000",
			LastUpdated:        lastUpdated,
			CreationDate:       lastUpdated.Add(-time.Hour),
			PreventKeyDeletion: i == 1,
			Description:        map[bool]string{true: "database volume", false: ""}[i == 1],
		})
	}
	return crns
}

func addBuckets(srv *standin.Server, key string, n int) {
	for i := range n {
		srv.AddRegistration(instance, standin.Registration{
			KeyID:       key,
			ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:b-%s-%04d", key[:4], i),
		})
	}
}

func queryOf(t *testing.T, req standin.Request) url.Values {
	t.Helper()
	query, err := url.ParseQuery(req.RawQuery)
	if err != nil {
		t.Fatalf("query %q: %v", req.RawQuery, err)
	}
	return query
}

func decode(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal([]byte(stdout), &items); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, stdout)
	}
	return items
}

func TestRegistrationsTable(t *testing.T) {
	f := newFixture(t)
	key := f.srv.AddKeys(instance, 1)[0]
	addServices(f.srv, key)

	got := f.run("registrations", "-k", key)

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	lines := strings.Split(strings.TrimRight(got.Stdout, "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("stdout has %d lines, want progress, OK, blank, header and 3 rows:\n%s", len(lines), got.Stdout)
	}
	if lines[0] != "Listing the registrations of key "+key+"..." || lines[1] != "OK" || lines[2] != "" {
		t.Errorf("stdout starts with %q, want progress, OK and a blank line", lines[:3])
	}
	for _, header := range []string{"Key ID", "Service", "Resource", "Prevent Deletion", "Key Version", "Last Updated"} {
		if !strings.Contains(lines[3], header) {
			t.Errorf("header %q lacks %q", lines[3], header)
		}
	}
	wantRows := [][]string{
		{key, "cloud-object-storage", "bucket:photos", "false", key, "2026-11-03 14:05:09 UTC"},
		{key, "databases-for-postgresql", "pg-1", "true", key, "2026-11-03 14:05:09 UTC"},
		{key, "containers-kubernetes", "worker-pool:default", "false", key},
	}
	for i, want := range wantRows {
		fields := strings.Fields(lines[4+i])
		for j, value := range want {
			if j >= len(fields) || fields[j] != strings.Fields(value)[0] {
				t.Errorf("row %d = %q, want %q", i, lines[4+i], want)
				break
			}
		}
	}
	if !strings.Contains(got.Stderr, "Key Protect endpoint: "+f.srv.URL) {
		t.Errorf("stderr does not name the endpoint:\n%s", got.Stderr)
	}
	requests := f.listRequests()
	if len(requests) != 1 {
		t.Fatalf("sent %d requests, want 1", len(requests))
	}
	if requests[0].Path != "/api/v2/keys/"+key+"/registrations" {
		t.Errorf("path = %s", requests[0].Path)
	}
	if requests[0].Header.Get("bluemix-instance") != instance {
		t.Errorf("bluemix-instance = %q", requests[0].Header.Get("bluemix-instance"))
	}
}

func TestRegistrationsEmpty(t *testing.T) {
	f := newFixture(t)
	f.srv.AddKeys(instance, 1)

	got := f.run("registrations")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	want := "Listing the registrations of every key in instance " + instance + "...\nOK\nNo registrations found\n"
	if got.Stdout != want {
		t.Errorf("stdout = %q, want %q", got.Stdout, want)
	}
	requests := f.listRequests()
	if len(requests) != 1 || requests[0].Path != "/api/v2/keys/registrations" {
		t.Errorf("requests = %+v, want one GET /api/v2/keys/registrations", requests)
	}
}

func TestRegistrationsEmptyJSON(t *testing.T) {
	f := newFixture(t)

	got := f.run("registrations", "-o", "json")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	if got.Stdout != "[]\n" {
		t.Errorf("stdout = %q, want []", got.Stdout)
	}
	if got.Stderr != "" {
		t.Errorf("stderr = %q, want nothing with -o json", got.Stderr)
	}
}

func TestRegistrationsSeveralPages(t *testing.T) {
	f := newFixture(t)
	keys := f.srv.AddKeys(instance, 2)
	addBuckets(f.srv, keys[0], 6000)
	addBuckets(f.srv, keys[1], 2001)

	got := f.run("registrations", "-o", "json")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	items := decode(t, got.Stdout)
	seen := map[string]int{}
	for _, item := range items {
		seen[item["resource_crn"].(string)]++
	}
	if len(items) != 8001 || len(seen) != 8001 {
		t.Errorf("listed %d registrations, %d distinct, want 8001", len(items), len(seen))
	}
	for crn, count := range seen {
		if count != 1 {
			t.Errorf("registration %s listed %d times", crn, count)
		}
	}
	requests := f.listRequests()
	if len(requests) != 2 {
		t.Fatalf("sent %d requests, want 2", len(requests))
	}
	for i, want := range []string{"0", "5000"} {
		query := queryOf(t, requests[i])
		if query.Get("offset") != want || query.Get("limit") != "5000" {
			t.Errorf("request %d query = %s, want limit=5000 and offset=%s", i, requests[i].RawQuery, want)
		}
	}
}

func TestRegistrationsWildcardQuery(t *testing.T) {
	f := newFixture(t)
	key := f.srv.AddKeys(instance, 1)[0]
	addServices(f.srv, key)
	addBuckets(f.srv, key, 2)
	pattern := "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:*"

	got := f.run("registrations", "-c", pattern, "-o", "json")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	items := decode(t, got.Stdout)
	if len(items) != 3 {
		t.Errorf("listed %d registrations, want the 3 buckets", len(items))
	}
	for _, item := range items {
		if item["service"] != "cloud-object-storage" {
			t.Errorf("pattern %s listed %v", pattern, item["resource_crn"])
		}
	}
	requests := f.listRequests()
	if len(requests) != 1 {
		t.Fatalf("sent %d requests, want 1", len(requests))
	}
	if got := queryOf(t, requests[0]).Get("urlEncodedResourceCRNQuery"); got != pattern {
		t.Errorf("urlEncodedResourceCRNQuery = %q, want %q", got, pattern)
	}
}

func TestRegistrationsWildcardForKey(t *testing.T) {
	f := newFixture(t)
	key := f.srv.AddKeys(instance, 1)[0]
	addServices(f.srv, key)

	got := f.run("registrations", "--key-id", key, "--crn-query", "crn:v1:bluemix:public:*:eu-de:*:*:*:*", "--output", "json")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	items := decode(t, got.Stdout)
	if len(items) != 1 || items[0]["service"] != "databases-for-postgresql" {
		t.Errorf("listed %v, want the eu-de database only", items)
	}
}

func TestRegistrationsJSONShape(t *testing.T) {
	f := newFixture(t)
	key := f.srv.AddKeys(instance, 1)[0]
	crns := addServices(f.srv, key)

	got := f.run("registrations", "-k", key, "-o", "json")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	items := decode(t, got.Stdout)
	if len(items) != 3 {
		t.Fatalf("listed %d registrations, want 3", len(items))
	}
	database := items[1]
	want := map[string]any{
		"key_id":               key,
		"resource_crn":         crns[1],
		"service":              "databases-for-postgresql",
		"resource":             "pg-1",
		"prevent_key_deletion": true,
		"key_version":          map[string]any{"id": key, "creation_date": "2026-11-03T13:05:09Z"},
		"created_by":           "IBMid-0000000000",
		"creation_date":        "2026-11-03T13:05:09Z",
		"updated_by":           "IBMid-0000000000",
		"last_updated":         "2026-11-03T14:05:09Z",
		"description":          "database volume",
	}
	for field, value := range want {
		if fmt.Sprint(database[field]) != fmt.Sprint(value) {
			t.Errorf("%s = %v, want %v", field, database[field], value)
		}
	}
	if len(database) != len(want) {
		t.Errorf("object has fields %v, want exactly those of %v", database, want)
	}
	if _, ok := items[0]["description"]; ok {
		t.Errorf("empty description is present: %v", items[0])
	}
	if got.Stderr != "" {
		t.Errorf("stderr = %q, want nothing with -o json", got.Stderr)
	}
}

func TestRegistrationsUnknownKey(t *testing.T) {
	f := newFixture(t)
	unknown := standin.NewUUID()

	got := f.run("registrations", "-k", unknown, "-o", "json")

	if got.ExitCode != 1 {
		t.Errorf("exit %d, want 1", got.ExitCode)
	}
	if got.Stdout != "" {
		t.Errorf("stdout = %q, want nothing on failure", got.Stdout)
	}
	if !strings.Contains(got.Stderr, "FAILED") || !strings.Contains(got.Stderr, "Key "+unknown+" was not found in instance "+instance) {
		t.Errorf("stderr = %q, want FAILED and the key not found", got.Stderr)
	}
	if n := len(f.listRequests()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}

func TestRegistrationsKeyRingHeader(t *testing.T) {
	f := newFixture(t)
	key := standin.NewUUID()
	f.srv.AddKey(instance, standin.Key{ID: key, Aliases: []string{"payroll-root"}, KeyRing: "finance"})
	addBuckets(f.srv, key, 1)

	inRing := f.run("registrations", "-k", "payroll-root", "-r", "finance", "-o", "json")
	otherRing := f.run("registrations", "-k", "payroll-root", "--key-ring", "hr")

	if inRing.ExitCode != 0 || len(decode(t, inRing.Stdout)) != 1 {
		t.Errorf("in its ring: exit %d, stdout %q, stderr %q", inRing.ExitCode, inRing.Stdout, inRing.Stderr)
	}
	if otherRing.ExitCode != 1 || !strings.Contains(otherRing.Stderr, "not found in key ring hr") {
		t.Errorf("in another ring: exit %d, stderr %q", otherRing.ExitCode, otherRing.Stderr)
	}
	requests := f.listRequests()
	if len(requests) != 2 {
		t.Fatalf("sent %d requests, want 2", len(requests))
	}
	for i, want := range []string{"finance", "hr"} {
		if got := requests[i].Header.Get("x-kms-key-ring"); got != want {
			t.Errorf("request %d x-kms-key-ring = %q, want %q", i, got, want)
		}
		if requests[i].Path != "/api/v2/keys/payroll-root/registrations" {
			t.Errorf("request %d path = %s", i, requests[i].Path)
		}
	}
}

func TestRegistrationsBadInput(t *testing.T) {
	f := newFixture(t)
	key := f.srv.AddKeys(instance, 1)[0]

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"CRN query with a space", []string{"-c", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:my photos"}, "character 73 is a space"},
		{"CRN query of five segments", []string{"-c", "crn:v1:bluemix:public:cloud-object-storage"}, "it must be a CRN of 10 colon-separated segments"},
		{"wildcard service without key", []string{"-c", "crn:v1:bluemix:public:*:global:a/acct:cos-1:bucket:x"}, "its service-name segment contains *"},
		{"empty CRN query", []string{"-k", key, "-c", ""}, "The value of --crn-query is empty"},
		{"empty key", []string{"--key-id="}, "The value of --key-id is empty"},
		{"key with a slash", []string{"-k", "../keys"}, "Invalid key alias \"../keys\""},
		{"bad key ring", []string{"-r", "ring/1"}, "Invalid key ring ID \"ring/1\""},
		{"bad output", []string{"-o", "yaml"}, "Invalid output format \"yaml\""},
		{"positional key", []string{key}, "Unexpected argument \"" + key + "\""},
		{"unknown flag", []string{"--all"}, "flag provided but not defined"},
		{"bad instance", []string{"-i", "not-a-uuid"}, "Invalid instance ID \"not-a-uuid\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.srv.Reset()

			got := f.run(append([]string{"registrations"}, tt.args...)...)

			if got.ExitCode != 2 {
				t.Errorf("exit %d, want 2", got.ExitCode)
			}
			if !strings.Contains(got.Stderr, "Incorrect Usage.") || !strings.Contains(got.Stderr, tt.want) {
				t.Errorf("stderr = %q, want Incorrect Usage. and %q", got.Stderr, tt.want)
			}
			if got.Stdout != "" {
				t.Errorf("stdout = %q, want nothing", got.Stdout)
			}
			if n := f.srv.RequestCount(); n != 0 {
				t.Errorf("sent %d requests, want none", n)
			}
		})
	}
}

func TestRegistrationsHelp(t *testing.T) {
	f := newFixture(t)

	got := f.run("registrations", "--help")

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	for _, want := range []string{"registrations - List the resources registered with keys", "-k value, --key-id value", "-c value, --crn-query value", "-r value, --key-ring value"} {
		if !strings.Contains(got.Stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, got.Stdout)
		}
	}
}

func TestRegistrationsTraceShowsPaging(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	key := srv.AddKeys(instance, 1)[0]
	addBuckets(srv, key, 1)
	tracePath := filepath.Join(t.TempDir(), "trace.log")
	host := testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint: srv.URL, Region: "us-south", Token: token, Namespace: "kp", Trace: tracePath,
	})

	got := host.Run([]string{"registrations", "-k", key, "-i", instance, "-o", "json"}, "KP_TARGET_ADDR="+srv.URL)

	if got.ExitCode != 0 {
		t.Fatalf("exit %d, stderr:\n%s", got.ExitCode, got.Stderr)
	}
	trace, err := os.ReadFile(tracePath)
	if err != nil {
		t.Fatalf("read trace: %v", err)
	}
	if !strings.Contains(string(trace), "GET /api/v2/keys/"+key+"/registrations?limit=5000&offset=0 HTTP/1.1") {
		t.Errorf("trace lacks the request line with limit and offset:\n%s", trace)
	}
	if strings.Contains(string(trace), token) {
		t.Error("trace contains the access token")
	}
}

func TestRegistrationsWrongInstance(t *testing.T) {
	f := newFixture(t)
	other := standin.NewUUID()

	got := f.run("registrations", "-i", other)

	if got.ExitCode != 1 {
		t.Errorf("exit %d, want 1", got.ExitCode)
	}
	if !strings.Contains(got.Stderr, "rejected the access token for instance "+other) {
		t.Errorf("stderr = %q, want the shared unauthorized message", got.Stderr)
	}
	// The first 401 makes the plug-in refresh the token once and try again.
	requests := f.listRequests()
	if len(requests) != 2 {
		t.Fatalf("sent %d requests, want 2", len(requests))
	}
	for i, req := range requests {
		if req.Header.Get("bluemix-instance") != other {
			t.Errorf("request %d bluemix-instance = %q, want %s", i, req.Header.Get("bluemix-instance"), other)
		}
	}
}
