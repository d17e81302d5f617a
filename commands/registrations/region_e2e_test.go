package registrations_test

import (
	"strings"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

// newRegionHost returns a stand-in whose instance lives in eu-de, with one
// registration, and a host whose session targets us-south.
func newRegionHost(t *testing.T) (*standin.Server, *testhost.Host, string, []string) {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)

	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	instanceID := standin.NewUUID()
	key := standin.NewUUID()
	srv.AddKey(instanceID, standin.Key{ID: key})
	srv.AddRegistration(instanceID, standin.Registration{
		KeyID:       key,
		ResourceCRN: "crn:v1:bluemix:public:cloud-object-storage:global:a/" + standin.TokenAccountID + ":" + standin.NewUUID() + ":bucket:payments",
	})
	srv.AddResourceInstance(instanceID, "crn:v1:bluemix:public:kms:eu-de:a/"+standin.TokenAccountID+":"+instanceID+"::", "eu-de")
	srv.RestrictInstanceRegion(instanceID, "eu-de")

	host := testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint: srv.URL,
		Region:      "us-south",
		Token:       token,
		AccountID:   standin.TokenAccountID,
		Namespace:   "kp",
	})
	env := []string{
		"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=" + srv.URL,
		"KP_REGION_ENDPOINT_TEMPLATE=" + srv.URL + "/{region}",
	}
	return srv, host, instanceID, env
}

func TestRegistrationsFindInstanceRegion(t *testing.T) {
	srv, host, instanceID, env := newRegionHost(t)

	res := host.Run([]string{"registrations", "-i", instanceID}, env...)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if !strings.Contains(res.Stdout, "payments") {
		t.Errorf("stdout lacks the registration:\n%s", res.Stdout)
	}
	lists := srv.RequestsTo("/api/v2/keys/registrations")
	if len(lists) != 1 || lists[0].Region != "eu-de" {
		t.Errorf("listing requests = %+v, want one to eu-de", lists)
	}
	if n := len(srv.RequestsTo("/v2/resource_instances/" + instanceID)); n != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", n)
	}
}

func TestRegistrationsRegionFlagSkipsLookup(t *testing.T) {
	srv, host, instanceID, env := newRegionHost(t)

	res := host.Run([]string{"registrations", "-i", instanceID, "--region", "eu-de", "-o", "json"}, env...)

	if res.ExitCode != 0 {
		t.Fatalf("exit = %d, want 0\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if n := len(srv.RequestsTo("/v2/resource_instances/" + instanceID)); n != 0 {
		t.Errorf("Resource Controller lookups = %d, want 0 with --region", n)
	}
	lists := srv.RequestsTo("/api/v2/keys/registrations")
	if len(lists) != 1 || lists[0].Region != "eu-de" {
		t.Errorf("listing requests = %+v, want one to eu-de", lists)
	}
}

func TestRegistrationsBadRegionSendsNothing(t *testing.T) {
	srv, host, instanceID, env := newRegionHost(t)

	res := host.Run([]string{"registrations", "-i", instanceID, "--region", "mars-north"}, env...)

	if res.ExitCode != 2 {
		t.Fatalf("exit = %d, want 2\nstderr:\n%s", res.ExitCode, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "eu-de") || !strings.Contains(res.Stderr, "mars-north") {
		t.Errorf("stderr does not name the value and list the regions:\n%s", res.Stderr)
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("stand-in got %d requests, want 0", n)
	}
}
