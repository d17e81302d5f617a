package keysync_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/metadata"
)

func TestBatchReachesInstanceRegion(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	keys := append([]string{f.key}, f.srv.AddKeys(f.instance, 3)...)

	result := f.host.Run(append([]string{metadata.CommandSync, "-i", f.instance, "-o", "json"}, keys...), f.env...)

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de", "eu-de", "eu-de", "eu-de"}) {
		t.Errorf("sync requests reached regions %q, want eu-de four times", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
}

func TestBatchStaleCacheRecovers(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "jp-tok")
	keys := append([]string{f.key}, f.srv.AddKeys(f.instance, 3)...)

	result := f.host.Run(append([]string{metadata.CommandSync, "-i", f.instance}, keys...), f.env...)

	expectExit(t, result, 0)
	// The first key finds the stale region: jp-tok returns 401 to its
	// attempt and to the retry after the token refresh. The lookup then
	// finds eu-de, where every key is synced.
	want := []string{"jp-tok", "jp-tok", "eu-de", "eu-de", "eu-de", "eu-de"}
	if got := f.syncRegions(); !slices.Equal(got, want) {
		t.Errorf("sync requests reached regions %q, want %q", got, want)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
	if got := f.cachedRegions(t)[f.instance]; got != "eu-de" {
		t.Errorf("cached region after recovery = %q, want eu-de", got)
	}
	expectContains(t, result.Stderr, "stderr", "because the cached region jp-tok failed")
	expectContains(t, result.Stdout, "stdout", "Total 4: synced 4,")
}

func TestBatchAllRegisteredStaleCacheRecovers(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	f.writeCache(t, "jp-tok")
	f.srv.AddRegistration(f.instance, standin.Registration{
		KeyID:       f.key,
		ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/%s:%s:bucket:b", standin.TokenAccountID, f.instance),
	})

	result := f.host.Run([]string{metadata.CommandSync, "-i", f.instance, "--all-registered", "-o", "json"}, f.env...)

	expectExit(t, result, 0)
	if got := f.syncRegions(); !slices.Equal(got, []string{"eu-de"}) {
		t.Errorf("sync requests reached regions %q, want [eu-de]", got)
	}
	if got := f.lookups(); got != 1 {
		t.Errorf("Resource Controller lookups = %d, want 1", got)
	}
	if !strings.Contains(result.Stdout, f.key) {
		t.Errorf("stdout lacks the registered key %s:\n%s", f.key, result.Stdout)
	}
}

func TestBatchInterruptedDuringLookup(t *testing.T) {
	f := newRegionFixture(t, fixtureOptions{sessionRegion: "us-south", instanceRegion: "eu-de"})
	keys := append([]string{f.key}, f.srv.AddKeys(f.instance, 2)...)
	arrived := make(chan struct{}, 1)
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(hanging.Close)
	var stdout, stderr strings.Builder

	cmd := f.host.Start(&stdout, &stderr, append([]string{metadata.CommandSync, "-i", f.instance, "-o", "json"}, keys...),
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
	results := decodeArray(t, resultOf(stdout.String(), stderr.String()))
	if len(results) != len(keys) {
		t.Fatalf("%d results, want %d", len(results), len(keys))
	}
	for i, r := range results {
		if r.Key != keys[i] || r.Status != "not_attempted" {
			t.Errorf("result %d = %s %s, want %s not_attempted", i, r.Key, r.Status, keys[i])
		}
	}
	if got := len(f.srv.RequestsTo("/actions/sync")); got != 0 {
		t.Errorf("Key Protect sync requests = %d, want 0", got)
	}
}
