package commands

import (
	"strings"
	"testing"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestAnnounceEndpointNamesSource(t *testing.T) {
	i18n.Init("en_US")
	cases := []struct {
		ep   endpoint.Endpoint
		want string
	}{
		{endpoint.Endpoint{URL: "https://kp.example.com", Source: endpoint.SourceTargetAddr}, "Key Protect endpoint: https://kp.example.com (set by KP_TARGET_ADDR)"},
		{endpoint.Endpoint{URL: "U", Region: "eu-de", Source: endpoint.SourceFlag}, "Key Protect endpoint: U (region eu-de from --region)"},
		{endpoint.Endpoint{URL: "U", Region: "eu-de", Source: endpoint.SourceCache}, "Key Protect endpoint: U (region eu-de of the instance, cached from an earlier Resource Controller lookup)"},
		{endpoint.Endpoint{URL: "U", Region: "eu-de", Source: endpoint.SourceLookup}, "Key Protect endpoint: U (region eu-de of the instance, from the Resource Controller lookup)"},
		{endpoint.Endpoint{URL: "U", Region: "eu-de", Source: endpoint.SourceSessionRegion}, "Key Protect endpoint: U (region eu-de targeted in the ibmcloud session)"},
		{endpoint.Endpoint{URL: "U", Region: "eu-de", Source: endpoint.SourceLookup, StaleRegion: "jp-tok"}, "Key Protect endpoint: U (region eu-de of the instance, from a new Resource Controller lookup, because the cached region jp-tok failed)"},
	}
	for _, tc := range cases {
		ui := terminal.NewFakeUI()

		AnnounceEndpoint(ui, tc.ep)

		if got := strings.TrimSpace(ui.Errors()); got != tc.want {
			t.Errorf("source %q: stderr = %q, want %q", tc.ep.Source, got, tc.want)
		}
		if ui.Outputs() != "" {
			t.Errorf("source %q: stdout = %q, want empty", tc.ep.Source, ui.Outputs())
		}
	}
}

func TestAnnounceEndpointWarnsOnFallback(t *testing.T) {
	i18n.Init("en_US")
	ui := terminal.NewFakeUI()
	warning := usermsg.Failure("endpoint.lookup.denied", map[string]any{
		"Instance": "I", "Endpoint": "https://rc.example.com", "Message": "no access",
	}, nil)

	AnnounceEndpoint(ui, endpoint.Endpoint{URL: "U", Region: "us-east", Source: endpoint.SourceSessionRegion, Warning: warning})

	want := "The Resource Controller at https://rc.example.com denied the lookup of instance I (status 403: no access), so the instance's region is unknown. The plug-in uses the targeted region us-east instead. Pass -r REGION if the instance is in another region."
	if !strings.Contains(ui.Errors(), want) {
		t.Errorf("stderr = %q, want the warning %q", ui.Errors(), want)
	}
}

func TestMessageTranslatesNestedError(t *testing.T) {
	i18n.Init("en_US")
	reason := usermsg.Failure("endpoint.lookup.no-region", map[string]any{"Instance": "I", "Endpoint": "E"}, nil)
	err := usermsg.Failure("error.endpoint.no-region-after-lookup", map[string]any{"Reason": reason}, reason)

	got := Message(err)

	if !strings.HasPrefix(got, "The Resource Controller at E returned instance I without a region. No region is targeted either") {
		t.Errorf("message = %q, want the translated reason first", got)
	}
}
