package instance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin/pluginfakes"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

func newLookupClient(t *testing.T, srv *standin.Server) (*Client, string) {
	t.Helper()
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	return &Client{Endpoint: srv.URL, Token: "Bearer " + token, HTTP: &http.Client{Timeout: 10 * time.Second}}, token
}

func kmsCRN(region, guid string) string {
	return "crn:v1:bluemix:public:kms:" + region + ":a/" + standin.TokenAccountID + ":" + guid + "::"
}

func TestLookupReadsRegionAndService(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	client, _ := newLookupClient(t, srv)
	guid := standin.NewUUID()
	srv.AddResourceInstance(guid, kmsCRN("eu-de", guid), "eu-de")

	info, err := client.Lookup(context.Background(), guid)

	if err != nil {
		t.Fatal(err)
	}
	if info.Region != "eu-de" || info.Service != ServiceKeyProtect || info.GUID != guid {
		t.Errorf("info = %+v, want kms in eu-de", info)
	}
	if got := len(srv.RequestsTo("/v2/resource_instances/" + guid)); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestLookupTakesRegionFromCRN(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	client, _ := newLookupClient(t, srv)
	guid := standin.NewUUID()
	srv.AddResourceInstance(guid, kmsCRN("jp-osa", guid), "")

	info, err := client.Lookup(context.Background(), guid)

	if err != nil {
		t.Fatal(err)
	}
	if info.Region != "jp-osa" {
		t.Errorf("region = %q, want jp-osa from the CRN", info.Region)
	}
}

func TestLookupFailures(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	client, _ := newLookupClient(t, srv)
	known := standin.NewUUID()
	srv.AddResourceInstance(known, kmsCRN("eu-de", known), "eu-de")
	badCRN := standin.NewUUID()
	srv.AddResourceInstance(badCRN, "not-a-crn", "eu-de")

	closed := standin.New()
	closed.Close()

	cases := []struct {
		name     string
		client   *Client
		guid     string
		deny     bool
		wantKind LookupKind
		wantCode int
	}{
		{"unknown instance", client, standin.NewUUID(), false, LookupNotFound, 404},
		{"denied", client, known, true, LookupDenied, 403},
		{"token rejected", &Client{Endpoint: srv.URL, Token: "Bearer nope", HTTP: client.HTTP}, known, false, LookupFailed, 401},
		{"invalid CRN", client, badCRN, false, LookupFailed, 200},
		{"server gone", &Client{Endpoint: closed.URL, Token: client.Token, HTTP: client.HTTP}, known, false, LookupUnreachable, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.DenyResourceController(tc.deny)

			_, err := tc.client.Lookup(context.Background(), tc.guid)

			var failure *LookupError
			if !errors.As(err, &failure) {
				t.Fatalf("error = %v, want a *LookupError", err)
			}
			if failure.Kind != tc.wantKind {
				t.Errorf("kind = %d, want %d (%v)", failure.Kind, tc.wantKind, failure)
			}
			if failure.StatusCode != tc.wantCode {
				t.Errorf("status = %d, want %d", failure.StatusCode, tc.wantCode)
			}
			if failure.Endpoint != tc.client.Endpoint {
				t.Errorf("endpoint = %q, want %q", failure.Endpoint, tc.client.Endpoint)
			}
		})
	}
}

func TestLookupRejectsNonJSONBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("<html>gateway login</html>"))
	}))
	t.Cleanup(srv.Close)
	client := &Client{Endpoint: srv.URL, Token: "Bearer x", HTTP: srv.Client()}

	_, err := client.Lookup(context.Background(), standin.NewUUID())

	var failure *LookupError
	if !errors.As(err, &failure) || failure.Kind != LookupFailed {
		t.Fatalf("error = %v, want a LookupFailed *LookupError", err)
	}
}

// memoryConfig returns a fake plug-in config that keeps values in memory
// and, like the SDK's, returns a string map only for a map[string]any.
func memoryConfig() (*pluginfakes.FakePluginConfig, map[string]any) {
	values := map[string]any{}
	fake := &pluginfakes.FakePluginConfig{}
	fake.GetStringMapStringStub = func(key string) (map[string]string, error) {
		stored, found := values[key]
		if !found {
			return map[string]string{}, nil
		}
		regions, ok := stored.(map[string]any)
		if !ok {
			return map[string]string{}, plugin.PluginConfigInvalidTypeError{Key: key, Value: stored}
		}
		out := map[string]string{}
		for k, v := range regions {
			out[k], _ = v.(string)
		}
		return out, nil
	}
	fake.SetStub = func(key string, value any) error {
		values[key] = value
		return nil
	}
	return fake, values
}

func TestCacheStoreAndDrop(t *testing.T) {
	config, _ := memoryConfig()
	cache := Cache{Config: config}

	cache.Store("a", "eu-de")
	cache.Store("b", "us-south")

	if region, found := cache.Region("a"); !found || region != "eu-de" {
		t.Errorf("Region(a) = %q, %v; want eu-de", region, found)
	}
	cache.Drop("a")
	if _, found := cache.Region("a"); found {
		t.Error("Region(a) found after Drop")
	}
	if region, _ := cache.Region("b"); region != "us-south" {
		t.Errorf("Region(b) = %q after dropping a, want us-south", region)
	}
}

func TestCacheReplacesWrongType(t *testing.T) {
	config, values := memoryConfig()
	values[CacheKey] = "garbage"
	cache := Cache{Config: config}

	if _, found := cache.Region("a"); found {
		t.Error("Region found in an entry of the wrong type")
	}
	cache.Store("a", "eu-de")
	if region, _ := cache.Region("a"); region != "eu-de" {
		t.Errorf("Region(a) = %q, want eu-de", region)
	}
}

func TestCacheSurvivesConfigPanic(t *testing.T) {
	config := &pluginfakes.FakePluginConfig{}
	config.GetStringMapStringStub = func(string) (map[string]string, error) {
		panic("configuration error: unreadable")
	}
	config.SetReturns(errors.New("unable to save plugin config"))
	cache := Cache{Config: config}

	if _, found := cache.Region("a"); found {
		t.Error("Region found in a config that cannot be read")
	}
	cache.Store("a", "eu-de")
	cache.Drop("a")
}

func TestCacheWithoutConfig(t *testing.T) {
	cache := Cache{}

	cache.Store("a", "eu-de")

	if _, found := cache.Region("a"); found {
		t.Error("Region found without a config")
	}
}
