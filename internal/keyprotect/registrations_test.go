package keyprotect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

const testInstance = "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"

func newRegistrationServer(t *testing.T) (*standin.Server, *Client) {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)

	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	srv.AddInstance(testInstance)

	client, err := New(Config{
		Endpoint:   srv.URL,
		InstanceID: testInstance,
		Token:      "Bearer " + token,
		Retry:      RetryPolicy{MaxRetries: 0, BaseWait: time.Millisecond},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, client
}

// addRegistrations registers n buckets of one Object Storage instance with
// key.
func addRegistrations(srv *standin.Server, key string, n int) {
	for i := range n {
		srv.AddRegistration(testInstance, standin.Registration{
			KeyID:       key,
			ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:%s-%d", key[:8], i),
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

func TestListRegistrationsOnePage(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, 3)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{KeyIDOrAlias: key})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 3 {
		t.Errorf("got %d registrations, want 3", len(regs))
	}
	requests := srv.RequestsTo("/registrations")
	if len(requests) != 1 {
		t.Fatalf("sent %d requests, want 1", len(requests))
	}
	if requests[0].Path != "/api/v2/keys/"+key+"/registrations" {
		t.Errorf("path = %s", requests[0].Path)
	}
	query := queryOf(t, requests[0])
	if query.Get("limit") != "5000" || query.Get("offset") != "0" {
		t.Errorf("query = %s, want limit=5000 and offset=0", requests[0].RawQuery)
	}
	if query.Has("urlEncodedResourceCRNQuery") || query.Has("preventKeyDeletion") {
		t.Errorf("query = %s, want no filters", requests[0].RawQuery)
	}
}

func TestListRegistrationsSeveralPages(t *testing.T) {
	srv, client := newRegistrationServer(t)
	keys := srv.AddKeys(testInstance, 2)
	addRegistrations(srv, keys[0], 4)
	addRegistrations(srv, keys[1], 3)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{PageSize: 3})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	seen := map[string]int{}
	for _, reg := range regs {
		seen[reg.ResourceCrn]++
	}
	if len(regs) != 7 || len(seen) != 7 {
		t.Errorf("got %d registrations, %d distinct, want 7", len(regs), len(seen))
	}
	for crn, count := range seen {
		if count != 1 {
			t.Errorf("registration %s listed %d times", crn, count)
		}
	}

	requests := srv.RequestsTo("/api/v2/keys/registrations")
	if len(requests) != 3 {
		t.Fatalf("sent %d requests, want 3", len(requests))
	}
	for i, req := range requests {
		query := queryOf(t, req)
		if got, want := query.Get("offset"), fmt.Sprint(i*3); got != want {
			t.Errorf("request %d offset = %s, want %s", i, got, want)
		}
		if query.Get("limit") != "3" {
			t.Errorf("request %d limit = %s, want 3", i, query.Get("limit"))
		}
	}
}

func TestListRegistrationsFullLastPage(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, 4)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{PageSize: 2})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 4 {
		t.Errorf("got %d registrations, want 4", len(regs))
	}
	// Only the empty third page shows that the second was the last.
	if n := len(srv.RequestsTo("/registrations")); n != 3 {
		t.Errorf("sent %d requests, want 3", n)
	}
}

func TestListRegistrationsEmpty(t *testing.T) {
	srv, client := newRegistrationServer(t)
	srv.AddKeys(testInstance, 1)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if regs == nil {
		t.Error("registrations = nil, want an empty slice")
	}
	if len(regs) != 0 {
		t.Errorf("got %d registrations, want 0", len(regs))
	}
}

func TestListRegistrationsCRNWildcard(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, 2)
	srv.AddRegistration(testInstance, standin.Registration{
		KeyID:       key,
		ResourceCRN: "crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:pg-1::",
	})
	pattern := "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:*"

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{CRNPattern: pattern})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 2 {
		t.Errorf("got %d registrations, want the 2 buckets", len(regs))
	}
	for _, reg := range regs {
		if reg.ResourceCrn == "crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:pg-1::" {
			t.Errorf("pattern %s matched %s", pattern, reg.ResourceCrn)
		}
	}
	requests := srv.RequestsTo("/registrations")
	if len(requests) != 1 {
		t.Fatalf("sent %d requests, want 1", len(requests))
	}
	if got := queryOf(t, requests[0]).Get("urlEncodedResourceCRNQuery"); got != pattern {
		t.Errorf("urlEncodedResourceCRNQuery = %q, want %q", got, pattern)
	}
}

func TestListRegistrationsPreventKeyDeletion(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, 2)
	srv.AddRegistration(testInstance, standin.Registration{
		KeyID:              key,
		ResourceCRN:        "crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:pg-1::",
		PreventKeyDeletion: true,
	})
	prevent := true

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{KeyIDOrAlias: key, PreventKeyDeletion: &prevent})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 1 || !regs[0].PreventKeyDeletion {
		t.Errorf("got %+v, want the one registration that prevents deletion", regs)
	}
	if got := queryOf(t, srv.RequestsTo("/registrations")[0]).Get("preventKeyDeletion"); got != "true" {
		t.Errorf("preventKeyDeletion = %q, want true", got)
	}
}

func TestListRegistrationsUnknownKey(t *testing.T) {
	srv, client := newRegistrationServer(t)
	unknown := standin.NewUUID()

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{KeyIDOrAlias: unknown})

	if regs != nil {
		t.Errorf("registrations = %+v, want nil", regs)
	}
	var failure *Error
	if !errors.As(err, &failure) {
		t.Fatalf("error = %v, want a *Error", err)
	}
	if failure.Kind != KindNotFound {
		t.Errorf("kind = %v, want KindNotFound", failure.Kind)
	}
	if failure.StatusCode != http.StatusNotFound || failure.ReasonCode != "KEY_NOT_FOUND_ERR" {
		t.Errorf("status %d reason %s, want 404 KEY_NOT_FOUND_ERR", failure.StatusCode, failure.ReasonCode)
	}
	if n := len(srv.RequestsTo("/registrations")); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}

func TestListRegistrationsKeyRingHeader(t *testing.T) {
	srv, _ := newRegistrationServer(t)
	key := standin.NewUUID()
	srv.AddKey(testInstance, standin.Key{ID: key, KeyRing: "ring-a"})
	addRegistrations(srv, key, 1)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)

	client, err := New(Config{Endpoint: srv.URL, InstanceID: testInstance, KeyRing: "ring-a", Token: "Bearer " + token})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{KeyIDOrAlias: key})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 1 {
		t.Errorf("got %d registrations, want 1", len(regs))
	}
	if got := srv.RequestsTo("/registrations")[0].Header.Get("x-kms-key-ring"); got != "ring-a" {
		t.Errorf("x-kms-key-ring = %q, want ring-a", got)
	}
}

func TestListRegistrationsRetriesPage(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, 3)
	client.sleep = func(context.Context, time.Duration) error { return nil }
	client.retry = RetryPolicy{MaxRetries: 1, BaseWait: time.Millisecond}.withDefaults()
	srv.InjectFaults(standin.Fault{Status: http.StatusServiceUnavailable})

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{PageSize: 2})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != 3 {
		t.Errorf("got %d registrations, want 3", len(regs))
	}
	requests := srv.RequestsTo("/registrations")
	if len(requests) != 3 {
		t.Fatalf("sent %d requests, want 3 (503, then two pages)", len(requests))
	}
	offsets := []string{"0", "0", "2"}
	for i, req := range requests {
		if got := queryOf(t, req).Get("offset"); got != offsets[i] {
			t.Errorf("request %d offset = %s, want %s", i, got, offsets[i])
		}
	}
	if requests[0].Header.Get("correlation-id") != requests[1].Header.Get("correlation-id") {
		t.Error("the retry of a page has another correlation ID than its first attempt")
	}
}

func TestListRegistrationsIgnoredOffset(t *testing.T) {
	srv, client := newRegistrationServer(t)
	page := `{"metadata":{"collectionType":"application/vnd.ibm.kms.registration+json","collectionTotal":2},"resources":[` +
		`{"keyId":"k","resourceCrn":"crn:v1:bluemix:public:kms:us-south:a/acct:inst:bucket:a"},` +
		`{"keyId":"k","resourceCrn":"crn:v1:bluemix:public:kms:us-south:a/acct:inst:bucket:b"}]}`
	same := standin.Fault{Status: http.StatusOK, Body: page, ContentType: "application/json"}
	srv.InjectFaults(same, same)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{PageSize: 2})

	if regs != nil {
		t.Errorf("registrations = %+v, want nil", regs)
	}
	var failure *Error
	if !errors.As(err, &failure) || failure.Kind != KindOther {
		t.Fatalf("error = %v, want a *Error of KindOther", err)
	}
	if n := len(srv.RequestsTo("/registrations")); n != 2 {
		t.Errorf("sent %d requests, want 2", n)
	}
}

func TestListRegistrationsPageOverOneMiB(t *testing.T) {
	srv, client := newRegistrationServer(t)
	key := srv.AddKeys(testInstance, 1)[0]
	addRegistrations(srv, key, MaxRegistrationPageSize+1)

	regs, err := client.ListRegistrations(context.Background(), RegistrationQuery{})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}

	if len(regs) != MaxRegistrationPageSize+1 {
		t.Errorf("got %d registrations, want %d", len(regs), MaxRegistrationPageSize+1)
	}
	if n := len(srv.RequestsTo("/registrations")); n != 2 {
		t.Errorf("sent %d requests, want 2", n)
	}
}

func TestListRegistrationsResponseTooLarge(t *testing.T) {
	srv, client := newRegistrationServer(t)
	client.sleep = func(context.Context, time.Duration) error { return nil }
	huge := `{"metadata":{},"resources":[{"keyId":"` + strings.Repeat("k", maxSuccessBodyBytes) + `"}]}`
	srv.InjectFaults(standin.Fault{Status: http.StatusOK, Body: huge, ContentType: "application/json"})

	_, err := client.ListRegistrations(context.Background(), RegistrationQuery{})

	var failure *Error
	if !errors.As(err, &failure) {
		t.Fatalf("error = %v, want a *Error", err)
	}
	if failure.Kind != KindOther || !strings.Contains(failure.Message, "longer than 16 MiB") {
		t.Errorf("kind %v message %q, want KindOther and the limit", failure.Kind, failure.Message)
	}
	if n := len(srv.RequestsTo("/registrations")); n != 1 {
		t.Errorf("sent %d requests, want 1 without retries", n)
	}
}
