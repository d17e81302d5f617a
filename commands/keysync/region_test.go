package keysync_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/instance"
	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
	"github.com/key-protect-sync/kp-sync/metadata"
)

// regionFixture is a logged-in session, a stand-in that serves the
// Resource Controller and Key Protect under /REGION/ path prefixes, and one
// instance with one key that Key Protect serves in the instance's region
// only.
type regionFixture struct {
	srv      *standin.Server
	host     *testhost.Host
	instance string
	key      string
	env      []string // points the plug-in at the stand-in
}

type fixtureOptions struct {
	sessionRegion  string
	instanceRegion string
	service        string // CRN service name; "" means kms
	private        bool
	notInRC        bool // the Resource Controller does not know the instance
}

func newRegionFixture(t *testing.T, opts fixtureOptions) *regionFixture {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)

	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	srv.AddRefreshToken("refresh-1")

	f := &regionFixture{srv: srv, instance: standin.NewUUID(), key: standin.NewUUID()}
	service := opts.service
	if service == "" {
		service = instance.ServiceKeyProtect
	}
	if !opts.notInRC {
		crn := "crn:v1:bluemix:public:" + service + ":" + opts.instanceRegion + ":a/" + standin.TokenAccountID + ":" + f.instance + "::"
		srv.AddResourceInstance(f.instance, crn, opts.instanceRegion)
	}
	srv.AddKey(f.instance, standin.Key{ID: f.key})
	srv.RestrictInstanceRegion(f.instance, opts.instanceRegion)

	f.host = testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint:  srv.URL,
		Region:       opts.sessionRegion,
		Token:        token,
		RefreshToken: "refresh-1",
		AccountID:    standin.TokenAccountID,
		Private:      opts.private,
		Namespace:    metadata.NamespaceKPKey,
	})
	f.env = []string{
		"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=" + srv.URL,
		"KP_REGION_ENDPOINT_TEMPLATE=" + srv.URL + "/{region}",
	}
	return f
}

func (f *regionFixture) sync(t *testing.T, extraArgs []string, extraEnv ...string) testhost.Result {
	t.Helper()
	return f.syncKey(t, f.key, extraArgs, extraEnv...)
}

// syncKey syncs key, which a test adds to the instance when a second run
// must not be rejected as too early after the first.
func (f *regionFixture) syncKey(t *testing.T, key string, extraArgs []string, extraEnv ...string) testhost.Result {
	t.Helper()
	args := append([]string{metadata.CommandSync, key, "-i", f.instance}, extraArgs...)
	return f.host.Run(args, append(slices.Clone(f.env), extraEnv...)...)
}

func (f *regionFixture) lookups() int {
	return len(f.srv.RequestsTo("/v2/resource_instances/" + f.instance))
}

// syncRegions returns the region prefix that each sync request reached.
func (f *regionFixture) syncRegions() []string {
	var regions []string
	for _, r := range f.srv.RequestsTo("/actions/sync") {
		regions = append(regions, r.Region)
	}
	return regions
}

func (f *regionFixture) pluginConfigPath() string {
	return filepath.Join(f.host.Home, ".ibmcloud", "plugins", metadata.PluginName, "config.json")
}

// cachedRegions reads the instance region cache from the plug-in config.
func (f *regionFixture) cachedRegions(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(f.pluginConfigPath())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var config map[string]map[string]string
	if err := json.Unmarshal(data, &config); err != nil {
		t.Fatalf("plug-in config %s: %v\n%s", f.pluginConfigPath(), err, data)
	}
	return config[instance.CacheKey]
}

func (f *regionFixture) writeCache(t *testing.T, region string) {
	t.Helper()
	data, err := json.Marshal(map[string]any{instance.CacheKey: map[string]string{f.instance: region}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(f.pluginConfigPath()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.pluginConfigPath(), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func expectExit(t *testing.T, result testhost.Result, want int) {
	t.Helper()
	if result.ExitCode != want {
		t.Fatalf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", result.ExitCode, want, result.Stdout, result.Stderr)
	}
}

func expectContains(t *testing.T, output, name, want string) {
	t.Helper()
	if !strings.Contains(output, want) {
		t.Errorf("%s does not contain %q:\n%s", name, want, output)
	}
}

func TestSyncReachesInstanceRegion(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

	result := f.sync(t, nil)

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
	expectContains(t, result.Stderr, "stderr", "Key Protect endpoint: "+f.srv.URL+"/eu-de (region eu-de of the instance, from the Resource Controller lookup)")
	if got := f.cachedRegions(t)[f.instance]; got != "eu-de" {
		t.Errorf("cached region = %q, want eu-de", got)
	}
}

func TestSyncLookupSendsSessionToken(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

	expectExit(t, f.sync(t, nil), 0)

	lookups := f.srv.RequestsTo("/v2/resource_instances/" + f.instance)
	if len(lookups) != 1 {
		t.Fatalf("Resource Controller lookups = %d, want 1", len(lookups))
	}
	if got := lookups[0].Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer ey") {
		t.Errorf("lookup Authorization = %q, want the session's bearer token", got)
	}
	if lookups[0].Method != "GET" {
		t.Errorf("lookup method = %s, want GET", lookups[0].Method)
	}
}

func TestSyncCacheHitSendsNoLookup(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	expectExit(t, f.sync(t, nil), 0)
	f.srv.Reset()
	second := f.srv.AddKeys(f.instance, 1)[0]

	result := f.syncKey(t, second, nil)

	expectExit(t, result, 0)
	if got := f.lookups(); got != 0 {
		t.Errorf("Resource Controller lookups on the second run = %d, want 0", got)
	}
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	expectContains(t, result.Stderr, "stderr", "(region eu-de of the instance, cached from an earlier Resource Controller lookup)")
}

func TestSyncStaleCacheRecovers(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "jp-tok")

	result := f.sync(t, nil)

	expectExit(t, result, 0)
	// jp-tok returns 401 to the first attempt and to the retry after the
	// token refresh, and then the lookup finds eu-de.
	if got := f.syncRegions(); !slices.Equal(got, []string{"jp-tok", "jp-tok", "eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [jp-tok jp-tok eu-de]", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
	if got := f.cachedRegions(t)[f.instance]; got != "eu-de" {
		t.Errorf("cached region after recovery = %q, want eu-de", got)
	}
	expectContains(t, result.Stderr, "stderr", "Key Protect endpoint: "+f.srv.URL+"/jp-tok (region jp-tok of the instance, cached")
	expectContains(t, result.Stderr, "stderr", "Key Protect endpoint: "+f.srv.URL+"/eu-de (region eu-de of the instance, from a new Resource Controller lookup, because the cached region jp-tok failed)")
}

func TestSyncStaleCacheRecoversFrom404(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "jp-tok")
	// The first sync request, the one at jp-tok, gets a 404.
	f.srv.InjectKeyFaults(f.key, standin.Fault{Status: 404})

	result := f.sync(t, nil)

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"jp-tok", "eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [jp-tok eu-de]", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
}

func TestSyncCachedRegionNotRetriedWhenUnchanged(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "eu-de")
	result := f.syncKey(t, standin.NewUUID(), nil)

	expectExit(t, result, 1)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want one at eu-de", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups after the 404 = %d, want 1", got)
	}
	if got := f.cachedRegions(t)[f.instance]; got != "eu-de" {
		t.Errorf("cached region = %q, want eu-de stored again", got)
	}
	expectContains(t, result.Stderr, "stderr", "was not found in instance")
}

func TestSyncDeniedLookupFallsBack(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "eu-de", instanceRegion: "eu-de"})
	f.srv.DenyResourceController(true)

	result := f.sync(t, nil)

	expectExit(t, result, 0)
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	expectContains(t, result.Stderr, "stderr", "denied the lookup of instance "+f.instance+" (status 403")
	expectContains(t, result.Stderr, "stderr", "The plug-in uses the targeted region eu-de instead.")
	expectContains(t, result.Stderr, "stderr", "(region eu-de targeted in the ibmcloud session)")
	if got := f.cachedRegions(t)[f.instance]; got != "" {
		t.Errorf("cached region after a denied lookup = %q, want none", got)
	}
}

func TestSyncDeniedLookupQuietInJSON(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "eu-de", instanceRegion: "eu-de"})
	f.srv.DenyResourceController(true)

	result := f.sync(t, []string{"-o", "json"})

	expectExit(t, result, 0)
	if result.Stderr != "" {
		t.Errorf("stderr in JSON mode = %q, want empty", result.Stderr)
	}
	var out struct {
		Region       string `json:"region"`
		RegionSource string `json:"region_source"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, result.Stdout)
	}
	if out.Region != "eu-de" || out.RegionSource != "session" {
		t.Errorf("region %q from %q, want eu-de from session", out.Region, out.RegionSource)
	}
}

func TestSyncUnreachableLookupFallsBack(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "eu-de", instanceRegion: "eu-de"})

	result := f.sync(t, nil, "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=https://resource-controller.invalid")

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	expectContains(t, result.Stderr, "stderr", "Could not reach the Resource Controller at https://resource-controller.invalid")
	expectContains(t, result.Stderr, "stderr", "The plug-in uses the targeted region eu-de instead.")
}

func TestSyncFailedLookupWithoutRegion(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "", instanceRegion: "eu-de"})
	f.srv.DenyResourceController(true)

	result := f.sync(t, nil)

	expectExit(t, result, 1)
	expectContains(t, result.Stderr, "stderr", "denied the lookup")
	expectContains(t, result.Stderr, "stderr", "No region is targeted either")
	if got := f.syncRegions(); len(got) != 0 {
		t.Errorf("sync requests = %q, want none", got)
	}
}

func TestSyncRefusesNonKeyProtectInstance(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "us-south", service: "hs-crypto"})

	result := f.sync(t, nil)

	expectExit(t, result, 1)
	expectContains(t, result.Stderr, "stderr", "is a hs-crypto instance, not a Key Protect (kms) instance")
	expectContains(t, result.Stderr, "stderr", "Set KP_TARGET_ADDR")
	if got := len(f.srv.RequestsTo("/actions/sync")); got != 0 {
		t.Errorf("Key Protect sync requests = %d, want 0", got)
	}
	if got := f.cachedRegions(t)[f.instance]; got != "" {
		t.Errorf("cached region of a non-kms instance = %q, want none", got)
	}
}

func TestSyncUnknownInstanceFails(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de", notInRC: true})

	result := f.sync(t, nil)

	expectExit(t, result, 1)
	expectContains(t, result.Stderr, "stderr", "has no instance "+f.instance)
	if got := len(f.srv.RequestsTo("/actions/sync")); got != 0 {
		t.Errorf("Key Protect sync requests = %d, want 0", got)
	}
}

func TestSyncPrivateSessionUsesPrivateEndpoints(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de", private: true})

	result := f.sync(t, nil, "IBMCLOUD_TRACE=true")

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"private.eu-de"}) {
		t.Errorf("sync requests reached %q, want [private.eu-de]", got)
	}
	expectContains(t, result.Stderr, "trace", "Resource Controller endpoint: "+f.srv.URL+" from IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT, in place of the session's https://private.us-south.resource-controller.cloud.ibm.com")
	expectContains(t, result.Stderr, "stderr", "Key Protect endpoint: "+f.srv.URL+"/private.eu-de (region eu-de of the instance")
}

func TestSyncPublicSessionUsesPublicResourceController(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

	result := f.sync(t, nil, "IBMCLOUD_TRACE=true")

	expectExit(t, result, 0)
	expectContains(t, result.Stderr, "trace", "in place of the session's https://resource-controller.cloud.ibm.com\n")
}

func TestSyncRegionFlagSkipsLookup(t *testing.T) {
	for _, flag := range []string{"-r", "--region"} {
		t.Run(flag, func(t *testing.T) {
			f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

			result := f.sync(t, []string{flag, "eu-de"})

			expectExit(t, result, 0)
			if got := f.lookups(); got != 0 {
				t.Errorf("Resource Controller lookups = %d, want 0", got)
			}
			if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
				t.Errorf("sync requests reached regions %q, want [eu-de]", got)
			}
			expectContains(t, result.Stderr, "stderr", "(region eu-de from --region)")
		})
	}
}

func TestSyncRegionFlagWinsOverCache(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "jp-tok")

	result := f.sync(t, []string{"-r", "eu-de"})

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	if got := f.cachedRegions(t)[f.instance]; got != "jp-tok" {
		t.Errorf("cached region = %q, want jp-tok left alone", got)
	}
}

func TestSyncTargetAddrSkipsLookup(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

	result := f.sync(t, nil, "KP_TARGET_ADDR="+f.srv.URL)

	expectExit(t, result, 0)
	if got := f.lookups(); got != 0 {
		t.Errorf("Resource Controller lookups = %d, want 0", got)
	}
	if got := f.syncRegions(); !slices.Equal(got, []string{""}) {
		t.Errorf("sync requests reached regions %q, want one without a region prefix", got)
	}
	expectContains(t, result.Stderr, "stderr", "Key Protect endpoint: "+f.srv.URL+" (set by KP_TARGET_ADDR)")
}

func TestSyncRejectsBadRegionInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{
			name: "unknown region flag",
			args: []string{"-r", "mars-1"},
			want: `Invalid region "mars-1": Key Protect is offered in us-south, us-east, eu-gb, eu-de, eu-es, au-syd, jp-tok, jp-osa, ca-tor, ca-mon, br-sao, in-che, in-mum.`,
		},
		{
			name: "region flag in capitals",
			args: []string{"--region", "EU-DE"},
			want: `Invalid region "EU-DE"`,
		},
		{
			name: "template without placeholder",
			env:  []string{"KP_REGION_ENDPOINT_TEMPLATE=http://127.0.0.1:9/eu-de"},
			want: "it must contain {region}",
		},
		{
			name: "template over plain http to another host",
			env:  []string{"KP_REGION_ENDPOINT_TEMPLATE=http://{region}.kms.example.com"},
			want: "http is allowed only for a loopback host",
		},
		{
			name: "resource controller endpoint not a URL",
			env:  []string{"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=resource-controller"},
			want: "Invalid IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT value \"resource-controller\": it is not an absolute http or https URL.",
		},
		{
			name: "resource controller endpoint with a query",
			env:  []string{"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=https://rc.example.com/?a=b"},
			want: "remove the query or fragment",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})

			result := f.sync(t, tc.args, tc.env...)

			expectExit(t, result, 2)
			expectContains(t, result.Stderr, "stderr", "Incorrect Usage.")
			expectContains(t, result.Stderr, "stderr", tc.want)
			if got := f.srv.RequestCount(); got != 0 {
				t.Errorf("stand-in received %d requests, want 0", got)
			}
		})
	}
}

func TestSyncRejectsBadOverrideOnCacheHit(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "eu-de")

	result := f.sync(t, nil, "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT=ftp://rc.example.com")

	expectExit(t, result, 2)
	expectContains(t, result.Stderr, "stderr", "Invalid IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT value \"ftp://rc.example.com\"")
	if got := f.srv.RequestCount(); got != 0 {
		t.Errorf("stand-in received %d requests, want 0", got)
	}
}

func TestSyncSurvivesUnusableCache(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	// A folder where the config file belongs makes the SDK fail to load
	// and to save the plug-in config.
	if err := os.MkdirAll(f.pluginConfigPath(), 0o700); err != nil {
		t.Fatal(err)
	}

	keys := []string{f.key, f.srv.AddKeys(f.instance, 1)[0]}

	for run := 1; run <= 2; run++ {
		result := f.syncKey(t, keys[run-1], nil, "IBMCLOUD_TRACE=true")

		expectExit(t, result, 0)
		expectContains(t, result.Stderr, "trace", "Instance region cache")
		if got := f.lookups(); got != run {
			t.Errorf("Resource Controller lookups after run %d = %d, want %d", run, got, run)
		}
	}
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de", "eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de eu-de]", got)
	}
}

func TestSyncInterruptedDuringLookup(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	arrived := make(chan struct{}, 1)
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(hanging.Close)
	var stderr strings.Builder

	cmd := f.host.Start(nil, &stderr, []string{metadata.CommandSync, f.key, "-i", f.instance},
		"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT="+hanging.URL,
		"KP_REGION_ENDPOINT_TEMPLATE="+f.srv.URL+"/{region}")
	<-arrived
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	if got := cmd.ProcessState.ExitCode(); got != 130 {
		t.Errorf("exit code = %d, want 130\nstderr:\n%s", got, stderr.String())
	}
	expectContains(t, stderr.String(), "stderr", "was interrupted")
	if got := len(f.srv.RequestsTo("/actions/sync")); got != 0 {
		t.Errorf("Key Protect sync requests = %d, want 0", got)
	}
}
