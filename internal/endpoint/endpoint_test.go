package endpoint

import (
	"context"
	"errors"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func env(values map[string]string) func(string) string {
	return func(name string) string { return values[name] }
}

// locateAt returns a Locator that finds region from source and counts its
// calls.
func locateAt(region string, source Source, calls *int) Locator {
	return func(context.Context, string) (Location, error) {
		*calls++
		return Location{Region: region, Source: source}, nil
	}
}

const instanceID = "8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5f60"

func TestResolveOrder(t *testing.T) {
	cases := []struct {
		name        string
		req         Request
		env         map[string]string
		locate      Location
		wantURL     string
		wantSource  Source
		wantLookups int
	}{
		{
			name:        "target addr wins over flag and lookup",
			req:         Request{InstanceID: instanceID, Region: "eu-de", SessionRegion: "us-south"},
			env:         map[string]string{EnvTargetAddr: "https://kp.example.com", EnvRegionTemplate: "https://{region}.gw.example.com"},
			locate:      Location{Region: "jp-tok", Source: SourceLookup},
			wantURL:     "https://kp.example.com",
			wantSource:  SourceTargetAddr,
			wantLookups: 0,
		},
		{
			name:        "flag wins over lookup",
			req:         Request{InstanceID: instanceID, Region: "eu-de", SessionRegion: "us-south"},
			locate:      Location{Region: "jp-tok", Source: SourceLookup},
			wantURL:     "https://eu-de.kms.cloud.ibm.com",
			wantSource:  SourceFlag,
			wantLookups: 0,
		},
		{
			name:        "lookup wins over session",
			req:         Request{InstanceID: instanceID, SessionRegion: "us-south"},
			locate:      Location{Region: "jp-tok", Source: SourceLookup},
			wantURL:     "https://jp-tok.kms.cloud.ibm.com",
			wantSource:  SourceLookup,
			wantLookups: 1,
		},
		{
			name:        "cache source passed on",
			req:         Request{InstanceID: instanceID, SessionRegion: "us-south", Private: true},
			locate:      Location{Region: "jp-tok", Source: SourceCache},
			wantURL:     "https://private.jp-tok.kms.cloud.ibm.com",
			wantSource:  SourceCache,
			wantLookups: 1,
		},
		{
			name:        "no instance uses session",
			req:         Request{SessionRegion: "us-south"},
			locate:      Location{Region: "jp-tok", Source: SourceLookup},
			wantURL:     "https://us-south.kms.cloud.ibm.com",
			wantSource:  SourceSessionRegion,
			wantLookups: 0,
		},
		{
			name:        "template filled with private region",
			req:         Request{InstanceID: instanceID, SessionRegion: "us-south", Private: true},
			env:         map[string]string{EnvRegionTemplate: "http://127.0.0.1:8080/{region}/"},
			locate:      Location{Region: "eu-de", Source: SourceLookup},
			wantURL:     "http://127.0.0.1:8080/private.eu-de",
			wantSource:  SourceLookup,
			wantLookups: 1,
		},
		{
			name:        "template filled with public region",
			req:         Request{Region: "ca-tor"},
			env:         map[string]string{EnvRegionTemplate: "https://{region}.gw.example.com/kp"},
			wantURL:     "https://ca-tor.gw.example.com/kp",
			wantSource:  SourceFlag,
			wantLookups: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lookups := 0
			ep, err := Resolve(context.Background(), tc.req, env(tc.env), locateAt(tc.locate.Region, tc.locate.Source, &lookups))
			if err != nil {
				t.Fatal(err)
			}
			if ep.URL != tc.wantURL {
				t.Errorf("URL = %q, want %q", ep.URL, tc.wantURL)
			}
			if ep.Source != tc.wantSource {
				t.Errorf("source = %q, want %q", ep.Source, tc.wantSource)
			}
			if lookups != tc.wantLookups {
				t.Errorf("lookups = %d, want %d", lookups, tc.wantLookups)
			}
		})
	}
}

func TestResolveFallsBackWithWarning(t *testing.T) {
	warning := usermsg.Failure("endpoint.lookup.denied", nil, nil)
	locate := func(context.Context, string) (Location, error) {
		return Location{Warning: warning}, nil
	}

	ep, err := Resolve(context.Background(), Request{InstanceID: instanceID, SessionRegion: "eu-gb"}, env(nil), locate)

	if err != nil {
		t.Fatal(err)
	}
	if ep.Region != "eu-gb" || ep.Source != SourceSessionRegion {
		t.Errorf("region %q from %q, want eu-gb from the session", ep.Region, ep.Source)
	}
	if ep.Warning != warning {
		t.Errorf("warning = %v, want the lookup's", ep.Warning)
	}
}

func TestResolveFallbackWithoutSessionRegion(t *testing.T) {
	warning := usermsg.Failure("endpoint.lookup.denied", nil, nil)
	locate := func(context.Context, string) (Location, error) {
		return Location{Warning: warning}, nil
	}

	_, err := Resolve(context.Background(), Request{InstanceID: instanceID}, env(nil), locate)

	var userErr *usermsg.Error
	if !errors.As(err, &userErr) || userErr.ID != "error.endpoint.no-region-after-lookup" {
		t.Fatalf("error = %v, want error.endpoint.no-region-after-lookup", err)
	}
	if userErr.Data["Reason"] != warning {
		t.Errorf("reason = %v, want the lookup's warning", userErr.Data["Reason"])
	}
}

func TestResolveStopsOnLocateError(t *testing.T) {
	failure := usermsg.Failure("error.instance.not-found", nil, nil)
	locate := func(context.Context, string) (Location, error) {
		return Location{}, failure
	}

	_, err := Resolve(context.Background(), Request{InstanceID: instanceID, SessionRegion: "us-south"}, env(nil), locate)

	if !errors.Is(err, failure) {
		t.Errorf("error = %v, want the locator's", err)
	}
}

func TestResolveRejectsInput(t *testing.T) {
	cases := []struct {
		name   string
		req    Request
		env    map[string]string
		wantID string
	}{
		{"unknown region flag", Request{Region: "mars"}, nil, "error.region.invalid"},
		{"bad region flag with target addr", Request{Region: "mars"}, map[string]string{EnvTargetAddr: "https://kp.example.com"}, "error.region.invalid"},
		{"template without placeholder", Request{Region: "eu-de"}, map[string]string{EnvRegionTemplate: "https://kp.example.com"}, "error.region-template.placeholder"},
		{"template not a URL", Request{Region: "eu-de"}, map[string]string{EnvRegionTemplate: "{region}"}, "error.url.not-url"},
		{"template with query", Request{Region: "eu-de"}, map[string]string{EnvRegionTemplate: "https://{region}.example.com/?x=1"}, "error.target-addr.query"},
		{"template with user info", Request{Region: "eu-de"}, map[string]string{EnvRegionTemplate: "https://u:p@{region}.example.com"}, "error.target-addr.user-info"},
		{"template over http to a remote host", Request{Region: "eu-de"}, map[string]string{EnvRegionTemplate: "http://{region}.example.com"}, "error.target-addr.http"},
		{"no region anywhere", Request{}, nil, "error.endpoint.no-region"},
		{"session region without Key Protect", Request{SessionRegion: "mars"}, nil, "error.endpoint.unsupported-region"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resolve(context.Background(), tc.req, env(tc.env), nil)
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) {
				t.Fatalf("error = %v, want a *usermsg.Error", err)
			}
			if userErr.ID != tc.wantID {
				t.Errorf("message ID = %q, want %q", userErr.ID, tc.wantID)
			}
		})
	}
}

func TestParseServiceURL(t *testing.T) {
	cases := []struct {
		value, want string
	}{
		{"https://resource-controller.cloud.ibm.com", "https://resource-controller.cloud.ibm.com"},
		{"https://gw.example.com/rc/", "https://gw.example.com/rc"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
	}
	for _, tc := range cases {
		got, err := ParseServiceURL("X", tc.value)
		if err != nil {
			t.Errorf("ParseServiceURL(%q): %v", tc.value, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseServiceURL(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}

func TestParseTargetAddrStillRejectsPath(t *testing.T) {
	_, err := ParseTargetAddr("https://kp.example.com/api")
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) || userErr.ID != "error.target-addr.path" {
		t.Errorf("error = %v, want error.target-addr.path", err)
	}
}

func TestHideUserInfo(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"https://user:secret@kp.example.com", "https://***@kp.example.com"},
		{"https://user:secret@kp.example.com/path@x", "https://***@kp.example.com/path@x"},
		{"https://a@b@kp.example.com?q=@", "https://***@kp.example.com?q=@"},
		{"//user:secret@kp.example.com", "//***@kp.example.com"},
		{"https://user:sec ret@kp example", "https://***@kp example"},
		{"https://kp.example.com", "https://kp.example.com"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := hideUserInfo(tt.addr); got != tt.want {
			t.Errorf("hideUserInfo(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestParseTargetAddrKeepsIPv6Zone(t *testing.T) {
	got, err := ParseTargetAddr("https://[fe80::1%25en0]:8443/")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://[fe80::1%25en0]:8443"; got != want {
		t.Errorf("ParseTargetAddr = %q, want %q", got, want)
	}
}
