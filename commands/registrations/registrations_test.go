package registrations

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/models"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin/pluginfakes"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"
	kp "github.com/IBM/keyprotect-go-client"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/session"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

const testInstance = "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Options
	}{
		{"no options", nil, Options{}},
		{"short options", []string{"-k", "payroll-root", "-c", "crn:v1:x", "-r", "finance", "-i", "inst", "-o", "json"},
			Options{Key: "payroll-root", CRNQuery: "crn:v1:x", KeyRing: "finance", InstanceID: "inst", Output: "json"}},
		{"long options with equals", []string{"--key-id=k1", "--crn-query=crn:v1:y", "--key-ring=hr", "--instance-id=i2", "--output=JSON"},
			Options{Key: "k1", CRNQuery: "crn:v1:y", KeyRing: "hr", InstanceID: "i2", Output: "JSON"}},
		{"help after options", []string{"-k", "k1", "--help"}, Options{Help: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.args)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.args, err)
			}

			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.args, *got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		wantID string
	}{
		{"positional key", []string{"payroll-root"}, "error.registrations.arguments"},
		{"empty key", []string{"-k", ""}, "error.flag.empty"},
		{"empty CRN query", []string{"--crn-query="}, "error.flag.empty"},
		{"unknown flag", []string{"--all-keys"}, "error.arguments"},
		{"flag without value", []string{"-k"}, "error.arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.args)

			var userErr *usermsg.Error
			if !errors.As(err, &userErr) {
				t.Fatalf("Parse(%q) error = %v, want a *usermsg.Error", tt.args, err)
			}
			if userErr.ID != tt.wantID {
				t.Errorf("message ID = %s, want %s", userErr.ID, tt.wantID)
			}
			if !userErr.Usage {
				t.Error("error is not marked as incorrect usage")
			}
		})
	}
}

func TestResourceAndService(t *testing.T) {
	tests := []struct {
		crn, service, resource string
	}{
		{"crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:photos", "cloud-object-storage", "bucket:photos"},
		{"crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:pg-1::", "databases-for-postgresql", "pg-1"},
		{"crn:v1:bluemix:public:is:us-south:a/acct::volume:r006-1", "is", "volume:r006-1"},
		{"crn:v1:bluemix:public:svc:us-south:a/acct:inst::only-resource", "svc", "only-resource"},
		{"crn:v1:bluemix:public:svc:us-south:a/acct:inst:only-type:", "svc", "only-type"},
		{"crn:v1:bluemix:public:containers-kubernetes:us-south:a/acct:c1:worker:pool:a", "containers-kubernetes", "worker:pool:a"},
		{"not-a-crn", "", "not-a-crn"},
	}
	for _, tt := range tests {
		if got := serviceOf(tt.crn); got != tt.service {
			t.Errorf("serviceOf(%q) = %q, want %q", tt.crn, got, tt.service)
		}
		if got := resourceOf(tt.crn); got != tt.resource {
			t.Errorf("resourceOf(%q) = %q, want %q", tt.crn, got, tt.resource)
		}
	}
}

func TestDescribe(t *testing.T) {
	i18n.Init("en_US")
	forKey := request{key: "payroll-root", instanceID: testInstance}
	inRing := request{key: "payroll-root", instanceID: testInstance, keyRing: "finance"}
	allKeys := request{instanceID: testInstance}

	tests := []struct {
		name    string
		req     request
		failure keyprotect.Error
		want    string
	}{
		{"key not found", forKey, keyprotect.Error{Kind: keyprotect.KindNotFound, StatusCode: 404}, "Key payroll-root was not found in instance " + testInstance},
		{"key not found in ring", inRing, keyprotect.Error{Kind: keyprotect.KindNotFound, StatusCode: 404}, "was not found in key ring finance of instance"},
		{"route not found", allKeys, keyprotect.Error{Kind: keyprotect.KindNotFound, StatusCode: 404, Message: "Not Found"}, "Key Protect rejected the request for registrations with status 404: Not Found"},
		{"forbidden", allKeys, keyprotect.Error{Kind: keyprotect.KindForbidden, StatusCode: 403}, "You are not allowed to list the registrations in instance " + testInstance},
		{"interrupted", allKeys, keyprotect.Error{Kind: keyprotect.KindInterrupted}, "Listing the registrations was interrupted"},
		{"no status", allKeys, keyprotect.Error{Kind: keyprotect.KindOther, Endpoint: "https://kp.example", Message: "Key Protect returned the same registrations again at offset 5000"}, "Listing the registrations at https://kp.example failed: Key Protect returned the same registrations again"},
		{"shared server message", allKeys, keyprotect.Error{Kind: keyprotect.KindServer, StatusCode: 500, Attempts: 5}, "failed with status 500 after 5 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(tt.req, &tt.failure)

			if !strings.Contains(got, tt.want) {
				t.Errorf("describe = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// fakeLister returns regs, or err, and records the queries it got.
type fakeLister struct {
	regs    []kp.Registration
	err     error
	queries []keyprotect.RegistrationQuery
}

func (f *fakeLister) ListRegistrations(_ context.Context, q keyprotect.RegistrationQuery) ([]kp.Registration, error) {
	f.queries = append(f.queries, q)
	return f.regs, f.err
}

func newOptions(lister *fakeLister) (*Options, *terminal.FakeUI) {
	ui := terminal.NewFakeUI()
	pluginContext := &pluginfakes.FakePluginContext{}
	pluginContext.IsLoggedInReturns(true)
	pluginContext.IAMTokenReturns("Bearer token")
	pluginContext.CurrentRegionReturns(models.Region{Name: "us-south"})
	return &Options{
		UI:         ui,
		Session:    session.Session{Context: pluginContext, Getenv: func(string) string { return "" }},
		NewClient:  func(keyprotect.Config) (Lister, error) { return lister, nil },
		Location:   time.FixedZone("CET", 3600),
		InstanceID: testInstance,
	}, ui
}

func TestRunLocalTime(t *testing.T) {
	i18n.Init("en_US")
	updated := time.Date(2026, 11, 3, 14, 5, 9, 0, time.UTC)
	lister := &fakeLister{regs: []kp.Registration{{
		KeyID:          "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
		ResourceCrn:    "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:photos",
		LastUpdateDate: &updated,
		KeyVersion:     kp.KeyVersion{ID: "v2"},
	}}}
	opts, ui := newOptions(lister)
	opts.Key = "payroll-root"
	opts.CRNQuery = "crn:v1:bluemix:public:*:*:*:*:*:*"

	code := opts.Run(context.Background())

	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, ui.Errors())
	}
	if !strings.Contains(ui.Outputs(), "2026-11-03 15:05:09 CET") {
		t.Errorf("output lacks the time in the user's zone:\n%s", ui.Outputs())
	}
	want := keyprotect.RegistrationQuery{KeyIDOrAlias: "payroll-root", CRNPattern: "crn:v1:bluemix:public:*:*:*:*:*:*"}
	if len(lister.queries) != 1 || lister.queries[0] != want {
		t.Errorf("queries = %+v, want [%+v]", lister.queries, want)
	}
}

func TestRunInterrupted(t *testing.T) {
	i18n.Init("en_US")
	lister := &fakeLister{err: &keyprotect.Error{Kind: keyprotect.KindInterrupted, Cause: context.Canceled}}
	opts, ui := newOptions(lister)
	opts.Output = "json"

	code := opts.Run(context.Background())

	if code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if ui.Outputs() != "" {
		t.Errorf("stdout = %q, want nothing with -o json", ui.Outputs())
	}
	if !strings.Contains(ui.Errors(), "Listing the registrations was interrupted") {
		t.Errorf("stderr = %q", ui.Errors())
	}
}
