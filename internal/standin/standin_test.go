package standin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	kp "github.com/IBM/keyprotect-go-client"
)

const (
	testInstance = "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"
	testToken    = "test-token"
)

// fixedClock is a settable clock for the one-hour sync window.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestServer(t *testing.T) (*Server, *fixedClock) {
	t.Helper()
	srv := New()
	t.Cleanup(srv.Close)

	clock := &fixedClock{now: time.Date(2021, 9, 29, 20, 38, 43, 0, time.UTC)}
	srv.SetClock(clock.Now)
	srv.AcceptToken(testToken)
	srv.AddInstance(testInstance)
	return srv, clock
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, srv *Server, method, path string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("bluemix-instance", testInstance)
	for name, value := range header {
		req.Header.Set(name, value)
	}

	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func syncKey(t *testing.T, srv *Server, idOrAlias string, header map[string]string) response {
	t.Helper()
	return send(t, srv, http.MethodPost, "/api/v2/keys/"+idOrAlias+"/actions/sync", header)
}

func firstReason(t *testing.T, body []byte) errorReason {
	t.Helper()
	var parsed errorBody
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	if len(parsed.Resources) != 1 || len(parsed.Resources[0].Reasons) != 1 {
		t.Fatalf("error body %s has no single reason", body)
	}
	return parsed.Resources[0].Reasons[0]
}

func TestSyncThenTooEarly(t *testing.T) {
	srv, clock := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]

	first := syncKey(t, srv, keyID, map[string]string{"correlation-id": "corr-1"})
	if first.status != http.StatusNoContent {
		t.Fatalf("first sync status = %d, want 204; body %s", first.status, first.body)
	}
	if got := first.header.Get("correlation-id"); got != "corr-1" {
		t.Errorf("correlation-id header = %q, want corr-1", got)
	}

	clock.Advance(10 * time.Minute)
	second := syncKey(t, srv, keyID, nil)
	if second.status != http.StatusConflict {
		t.Fatalf("second sync status = %d, want 409", second.status)
	}
	if ct := second.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}

	var parsed errorBody
	if err := json.Unmarshal(second.body, &parsed); err != nil {
		t.Fatalf("409 body is not JSON: %v", err)
	}
	wantMsg := "Conflict: Could not initiate sync requests to associated resources: Please see 'reasons' for more details (REQ_TOO_EARLY_ERR)"
	if parsed.Resources[0].ErrorMsg != wantMsg {
		t.Errorf("errorMsg = %q, want %q", parsed.Resources[0].ErrorMsg, wantMsg)
	}
	if parsed.Metadata.CollectionType != "application/vnd.ibm.kms.error+json" {
		t.Errorf("collectionType = %q", parsed.Metadata.CollectionType)
	}

	reason := parsed.Resources[0].Reasons[0]
	if reason.Code != "REQ_TOO_EARLY_ERR" || reason.Status != 409 || reason.MoreInfo != moreInfo {
		t.Errorf("reason = %+v, want REQ_TOO_EARLY_ERR, 409 and %s", reason, moreInfo)
	}
	const prefix = "The key was updated recently: Please wait and try again: Sync cannot be performed until at least "
	stamp, found := strings.CutPrefix(reason.Message, prefix)
	if !found {
		t.Fatalf("reason message %q lacks prefix %q", reason.Message, prefix)
	}
	allowedAt, err := time.Parse(time.RFC3339, stamp)
	if err != nil {
		t.Fatalf("time in reason message: %v", err)
	}
	want := time.Date(2021, 9, 29, 21, 38, 43, 0, time.UTC)
	if !allowedAt.Equal(want) {
		t.Errorf("sync allowed at %v, want %v", allowedAt, want)
	}

	clock.Advance(50 * time.Minute)
	if third := syncKey(t, srv, keyID, nil); third.status != http.StatusNoContent {
		t.Errorf("sync after one hour status = %d, want 204", third.status)
	}
}

func TestSyncAliasAndDeletedKey(t *testing.T) {
	srv, _ := newTestServer(t)
	srv.AddKey(testInstance, Key{ID: "11111111-1111-4111-8111-111111111111", Aliases: []string{"live-alias"}})
	srv.AddKey(testInstance, Key{ID: "22222222-2222-4222-8222-222222222222", Aliases: []string{"gone-alias"}, Deleted: true})

	if got := syncKey(t, srv, "live-alias", nil); got.status != http.StatusNoContent {
		t.Errorf("sync by alias status = %d, want 204", got.status)
	}
	if got := syncKey(t, srv, "22222222-2222-4222-8222-222222222222", nil); got.status != http.StatusNoContent {
		t.Errorf("sync of deleted key by ID status = %d, want 204", got.status)
	}

	got := syncKey(t, srv, "gone-alias", nil)
	if got.status != http.StatusNotFound {
		t.Fatalf("sync of deleted key by alias status = %d, want 404", got.status)
	}
	if code := firstReason(t, got.body).Code; code != "KEY_NOT_FOUND_ERR" {
		t.Errorf("reason code = %q, want KEY_NOT_FOUND_ERR", code)
	}
}

func TestSyncKeyRing(t *testing.T) {
	srv, _ := newTestServer(t)
	srv.AddKey(testInstance, Key{ID: "33333333-3333-4333-8333-333333333333", KeyRing: "ring-a"})
	srv.AddKey(testInstance, Key{ID: "44444444-4444-4444-8444-444444444444"})

	mismatch := syncKey(t, srv, "33333333-3333-4333-8333-333333333333", map[string]string{"x-kms-key-ring": "ring-b"})
	if mismatch.status != http.StatusNotFound {
		t.Errorf("sync in other ring status = %d, want 404", mismatch.status)
	}
	if got := syncKey(t, srv, "33333333-3333-4333-8333-333333333333", map[string]string{"x-kms-key-ring": "ring-a"}); got.status != http.StatusNoContent {
		t.Errorf("sync in own ring status = %d, want 204", got.status)
	}
	if got := syncKey(t, srv, "44444444-4444-4444-8444-444444444444", map[string]string{"x-kms-key-ring": "default"}); got.status != http.StatusNoContent {
		t.Errorf("sync in default ring status = %d, want 204", got.status)
	}
}

func TestSyncAuthFailures(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	srv.AcceptToken("revoked")
	srv.RevokeToken("revoked")

	cases := []struct {
		name   string
		header map[string]string
	}{
		{"unknown token", map[string]string{"Authorization": "Bearer wrong"}},
		{"revoked token", map[string]string{"Authorization": "Bearer revoked"}},
		{"missing bearer scheme", map[string]string{"Authorization": testToken}},
		{"unknown instance", map[string]string{"bluemix-instance": "00000000-0000-4000-8000-000000000000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := syncKey(t, srv, keyID, tc.header)
			if got.status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", got.status)
			}
			if code := firstReason(t, got.body).Code; code != "UNAUTHORIZED_ERR" {
				t.Errorf("reason code = %q, want UNAUTHORIZED_ERR", code)
			}
		})
	}
}

func TestRegionPrefix(t *testing.T) {
	srv, _ := newTestServer(t)
	keys := srv.AddKeys(testInstance, 3)
	srv.RestrictInstanceRegion(testInstance, "eu-de")

	if got := syncKey(t, srv, keys[0], nil); got.status != http.StatusNoContent {
		t.Errorf("sync without prefix status = %d, want 204", got.status)
	}
	if got := send(t, srv, http.MethodPost, "/eu-de/api/v2/keys/"+keys[1]+"/actions/sync", nil); got.status != http.StatusNoContent {
		t.Errorf("sync under eu-de status = %d, want 204", got.status)
	}
	if got := send(t, srv, http.MethodPost, "/private.eu-de/api/v2/keys/"+keys[2]+"/actions/sync", nil); got.status != http.StatusNoContent {
		t.Errorf("sync under private.eu-de status = %d, want 204", got.status)
	}
	if got := send(t, srv, http.MethodPost, "/us-south/api/v2/keys/"+keys[2]+"/actions/sync", nil); got.status != http.StatusUnauthorized {
		t.Errorf("sync under us-south status = %d, want 401", got.status)
	}

	requests := srv.RequestsTo("/actions/sync")
	wantRegions := []string{"", "eu-de", "private.eu-de", "us-south"}
	if len(requests) != len(wantRegions) {
		t.Fatalf("recorded %d sync requests, want %d", len(requests), len(wantRegions))
	}
	for i, want := range wantRegions {
		if requests[i].Region != want {
			t.Errorf("request %d region = %q, want %q", i, requests[i].Region, want)
		}
	}
	if requests[3].Status != http.StatusUnauthorized {
		t.Errorf("recorded status = %d, want 401", requests[3].Status)
	}
}

func addTestRegistrations(srv *Server, keyID string, n int) {
	for i := range n {
		srv.AddRegistration(testInstance, Registration{
			KeyID:              keyID,
			ResourceCRN:        fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst-%d:bucket:bucket-%d", i%2, i),
			CreatedBy:          "IBMid-0000000000",
			PreventKeyDeletion: i%3 == 0,
		})
	}
}

func listRegistrations(t *testing.T, srv *Server, path string, query url.Values) registrationList {
	t.Helper()
	got := send(t, srv, http.MethodGet, path+"?"+query.Encode(), nil)
	if got.status != http.StatusOK {
		t.Fatalf("GET %s?%s status = %d, body %s", path, query.Encode(), got.status, got.body)
	}
	var list registrationList
	if err := json.Unmarshal(got.body, &list); err != nil {
		t.Fatalf("registration list is not JSON: %v", err)
	}
	return list
}

func TestRegistrationsPaging(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	addTestRegistrations(srv, keyID, 7)

	seen := map[string]int{}
	pages := 0
	for offset := 0; offset < 9; offset += 3 {
		list := listRegistrations(t, srv, "/api/v2/keys/registrations", url.Values{
			"limit": {"3"}, "offset": {fmt.Sprint(offset)}, "totalCount": {"true"},
		})
		pages++
		if list.Metadata.CollectionType != "application/vnd.ibm.kms.registration+json" {
			t.Errorf("collectionType = %q", list.Metadata.CollectionType)
		}
		if list.Metadata.TotalCount == nil || *list.Metadata.TotalCount != 7 {
			t.Errorf("totalCount = %v, want 7", list.Metadata.TotalCount)
		}
		if list.Metadata.CollectionTotal != len(list.Resources) {
			t.Errorf("collectionTotal = %d, want %d", list.Metadata.CollectionTotal, len(list.Resources))
		}
		for _, reg := range list.Resources {
			seen[reg.ResourceCRN]++
		}
	}

	if pages != 3 || len(seen) != 7 {
		t.Fatalf("saw %d registrations in %d pages, want 7 in 3", len(seen), pages)
	}
	for crn, count := range seen {
		if count != 1 {
			t.Errorf("registration %s returned %d times", crn, count)
		}
	}
}

func TestRegistrationsFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	otherKey := srv.AddKeys(testInstance, 1)[0]
	addTestRegistrations(srv, keyID, 6)
	addTestRegistrations(srv, otherKey, 1)

	wildcard := "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst-1:bucket:*"
	list := listRegistrations(t, srv, "/api/v2/keys/registrations", url.Values{"urlEncodedResourceCRNQuery": {wildcard}})
	if len(list.Resources) != 3 {
		t.Errorf("CRN wildcard matched %d registrations, want 3", len(list.Resources))
	}

	perKey := listRegistrations(t, srv, "/api/v2/keys/"+keyID+"/registrations", url.Values{"preventKeyDeletion": {"true"}})
	if len(perKey.Resources) != 2 {
		t.Errorf("preventKeyDeletion=true matched %d registrations, want 2", len(perKey.Resources))
	}
	for _, reg := range perKey.Resources {
		if reg.KeyID != keyID || reg.KeyVersion.ID != keyID {
			t.Errorf("registration %+v is not of key %s", reg, keyID)
		}
	}

	perKeyWildcard := listRegistrations(t, srv, "/api/v2/keys/"+keyID+"/registrations",
		url.Values{"urlEncodedResourceCRNQuery": {"crn:v1:bluemix:public:cloud-object-storage:global:a/acct:*:bucket:bucket-*"}})
	if len(perKeyWildcard.Resources) != 6 {
		t.Errorf("per-key wildcard matched %d registrations, want 6", len(perKeyWildcard.Resources))
	}

	for _, query := range []url.Values{
		{"limit": {"0"}},
		{"limit": {"5001"}},
		{"limit": {"ten"}},
		{"offset": {"-1"}},
		{"urlEncodedResourceCRNQuery": {"crn:v1:*:public:cloud-object-storage:global:a/acct:inst-1:bucket:x"}},
	} {
		got := send(t, srv, http.MethodGet, "/api/v2/keys/registrations?"+query.Encode(), nil)
		if got.status != http.StatusBadRequest {
			t.Errorf("query %s status = %d, want 400", query.Encode(), got.status)
		}
	}

	if got := send(t, srv, http.MethodGet, "/api/v2/keys/no-such-key/registrations", nil); got.status != http.StatusNotFound {
		t.Errorf("registrations of unknown key status = %d, want 404", got.status)
	}
}

func TestFaultQueue(t *testing.T) {
	srv, _ := newTestServer(t)
	keys := srv.AddKeys(testInstance, 2)
	srv.InjectFaults(
		Fault{Status: http.StatusTooManyRequests, RetryAfter: "2", Body: "slow down", ContentType: "text/plain"},
		Fault{Status: http.StatusServiceUnavailable},
	)
	srv.InjectKeyFaults(keys[1], Fault{Status: http.StatusBadGateway})

	first := syncKey(t, srv, keys[0], nil)
	if first.status != http.StatusTooManyRequests || first.header.Get("Retry-After") != "2" || string(first.body) != "slow down" {
		t.Errorf("first fault = %d %q %q, want 429 with Retry-After 2", first.status, first.header.Get("Retry-After"), first.body)
	}
	if got := syncKey(t, srv, keys[1], nil); got.status != http.StatusBadGateway {
		t.Errorf("key fault status = %d, want 502", got.status)
	}
	if got := syncKey(t, srv, keys[0], nil); got.status != http.StatusServiceUnavailable {
		t.Errorf("second fault status = %d, want 503", got.status)
	}
	if got := syncKey(t, srv, keys[0], nil); got.status != http.StatusNoContent {
		t.Errorf("status after faults = %d, want 204", got.status)
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("pending faults = %d, want 0", n)
	}

	var statuses []int
	for _, r := range srv.RequestsTo("/actions/sync") {
		statuses = append(statuses, r.Status)
	}
	if fmt.Sprint(statuses) != "[429 502 503 204]" {
		t.Errorf("recorded statuses = %v, want [429 502 503 204]", statuses)
	}
}

func TestFaultDropAndHang(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	srv.InjectFaults(Fault{Drop: true}, Fault{Hang: true})

	client := &http.Client{Timeout: 200 * time.Millisecond}
	for _, name := range []string{"drop", "hang"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/keys/"+keyID+"/actions/sync", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("bluemix-instance", testInstance)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: got status %d, want a transport error", name, resp.StatusCode)
		}
	}
	if got := srv.RequestCount(); got != 2 {
		t.Errorf("request count = %d, want 2", got)
	}
}

func TestCloseEndsHangingRequest(t *testing.T) {
	srv := New()
	srv.AcceptToken(testToken)
	srv.AddInstance(testInstance)
	srv.InjectFaults(Fault{Hang: true})
	srv.SetLatency(time.Hour)

	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/keys/k/actions/sync", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()

	deadline := time.Now().Add(5 * time.Second)
	for srv.RequestCount() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}

	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	<-done
}

func TestCounters(t *testing.T) {
	srv, _ := newTestServer(t)
	keys := srv.AddKeys(testInstance, 4)
	srv.SetLatency(100 * time.Millisecond)

	// Keep-alive off makes each request open its own connection.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var wg sync.WaitGroup
	for _, keyID := range keys {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/keys/"+keyID+"/actions/sync", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("bluemix-instance", testInstance)
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("sync %s: %v", keyID, err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()

	if got := srv.RequestCount(); got != 4 {
		t.Errorf("request count = %d, want 4", got)
	}
	if got := srv.ConnectionCount(); got != 4 {
		t.Errorf("connection count = %d, want 4", got)
	}
	if got := srv.MaxInFlight(); got < 2 {
		t.Errorf("max in flight = %d, want at least 2", got)
	}

	srv.Reset()
	if srv.RequestCount() != 0 || srv.ConnectionCount() != 0 || srv.MaxInFlight() != 0 {
		t.Errorf("after Reset: requests %d, connections %d, max in flight %d, want zeros",
			srv.RequestCount(), srv.ConnectionCount(), srv.MaxInFlight())
	}
}

func TestIAMRefresh(t *testing.T) {
	srv, _ := newTestServer(t)
	srv.AddRefreshToken("refresh-1")
	keyID := srv.AddKeys(testInstance, 1)[0]

	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"refresh-1"}, "response_type": {"cloud_iam"}}
	resp, err := http.PostForm(srv.URL+"/identity/token", form)
	if err != nil {
		t.Fatalf("post token: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token status = %d, want 200", resp.StatusCode)
	}
	var token iamTokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&token); err != nil {
		t.Fatalf("decode token: %v", err)
	}
	if token.TokenType != "Bearer" || token.RefreshToken == "" || strings.Count(token.AccessToken, ".") != 2 {
		t.Errorf("token response = %+v", token)
	}

	got := syncKey(t, srv, keyID, map[string]string{"Authorization": "Bearer " + token.AccessToken})
	if got.status != http.StatusNoContent {
		t.Errorf("sync with refreshed token status = %d, want 204", got.status)
	}

	form.Set("refresh_token", "unknown")
	bad, err := http.PostForm(srv.URL+"/identity/token", form)
	if err != nil {
		t.Fatalf("post token: %v", err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown refresh token status = %d, want 400", bad.StatusCode)
	}

	records := srv.RequestsTo("/identity/token")
	if len(records) != 2 || records[0].Form.Get("grant_type") != "refresh_token" {
		t.Errorf("recorded token requests = %+v", records)
	}
}

func TestResourceController(t *testing.T) {
	srv, _ := newTestServer(t)
	crn := "crn:v1:bluemix:public:kms:eu-de:a/acct:" + testInstance + "::"
	srv.AddResourceInstance(testInstance, crn, "eu-de")

	got := send(t, srv, http.MethodGet, "/v2/resource_instances/"+testInstance, nil)
	if got.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", got.status)
	}
	var inst resourceInstance
	if err := json.Unmarshal(got.body, &inst); err != nil {
		t.Fatalf("decode instance: %v", err)
	}
	if inst.CRN != crn || inst.RegionID != "eu-de" || inst.GUID != testInstance || inst.State != "active" {
		t.Errorf("instance = %+v", inst)
	}

	if got := send(t, srv, http.MethodGet, "/v2/resource_instances/unknown", nil); got.status != http.StatusNotFound {
		t.Errorf("unknown instance status = %d, want 404", got.status)
	}
	srv.DenyResourceController(true)
	if got := send(t, srv, http.MethodGet, "/v2/resource_instances/"+testInstance, nil); got.status != http.StatusForbidden {
		t.Errorf("denied status = %d, want 403", got.status)
	}
}

func TestListenRejectsNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "example.com:80"} {
		if srv, err := Listen(addr); err == nil {
			srv.Close()
			t.Errorf("Listen(%q) succeeded, want an error", addr)
		}
	}
}

func newKPClient(t *testing.T, srv *Server) *kp.Client {
	t.Helper()
	client, err := kp.New(kp.ClientConfig{
		BaseURL:       srv.URL,
		Authorization: "Bearer " + testToken,
		InstanceID:    testInstance,
		Verbose:       kp.VerboseNone,
	}, kp.DefaultTransport())
	if err != nil {
		t.Fatalf("kp.New: %v", err)
	}
	return client
}

func TestKPClientSync(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	client := newKPClient(t, srv)

	if err := client.SyncAssociatedResources(context.Background(), keyID); err != nil {
		t.Fatalf("first sync: %v", err)
	}

	err := client.SyncAssociatedResources(context.Background(), keyID)
	var kpErr *kp.Error
	if !errors.As(err, &kpErr) {
		t.Fatalf("second sync error = %T %v, want *kp.Error", err, err)
	}
	if kpErr.StatusCode != http.StatusConflict {
		t.Errorf("StatusCode = %d, want 409", kpErr.StatusCode)
	}
	if len(kpErr.Reasons) != 1 || kpErr.Reasons[0].Code != "REQ_TOO_EARLY_ERR" {
		t.Errorf("Reasons = %v, want one REQ_TOO_EARLY_ERR", kpErr.Reasons)
	}
	if kpErr.CorrelationID == "" {
		t.Error("CorrelationID is empty")
	}
}

func TestKPClientRegistrations(t *testing.T) {
	srv, _ := newTestServer(t)
	keyID := srv.AddKeys(testInstance, 1)[0]
	addTestRegistrations(srv, keyID, 4)
	client := newKPClient(t, srv)

	regs, err := client.ListRegistrations(context.Background(), keyID, "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst-0:bucket:*")
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}
	if len(regs.Registrations) != 2 {
		t.Fatalf("got %d registrations, want 2", len(regs.Registrations))
	}
	reg := regs.Registrations[0]
	if reg.KeyID != keyID || reg.CreationDate == nil || reg.KeyVersion.ID != keyID {
		t.Errorf("registration = %+v", reg)
	}
}
