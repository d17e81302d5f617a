package keysync

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/models"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin/pluginfakes"
	faketerminal "github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"

	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/session"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

const (
	testKey      = "94c06f9c-a07a-4961-8548-553cf7431f18"
	testInstance = "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{"key and short instance flag", []string{testKey, "-i", testInstance}, Options{Keys: []string{testKey}, InstanceID: testInstance}, ""},
		{"flags before the key", []string{"--instance-id", testInstance, "--key-ring", "ring-a", "-o", "json", testKey}, Options{Keys: []string{testKey}, InstanceID: testInstance, KeyRing: "ring-a", Output: "json"}, ""},
		{"equals form", []string{"-i=" + testInstance, testKey}, Options{Keys: []string{testKey}, InstanceID: testInstance}, ""},
		{"alias after double dash", []string{"-i", testInstance, "--", "my-alias"}, Options{Keys: []string{"my-alias"}, InstanceID: testInstance}, ""},
		{"help flag", []string{testKey, "--help"}, Options{Help: true}, ""},
		{"no key", []string{"-i", testInstance}, Options{}, "error.key.missing"},
		{"two keys", []string{testKey, "other-key"}, Options{Keys: []string{testKey, "other-key"}}, ""},
		{"flag without value", []string{testKey, "-i"}, Options{}, "error.option.missing-value"},
		{"unknown flag", []string{testKey, "--bogus"}, Options{}, "error.option.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.args)
			if tt.wantErr != "" {
				var userErr *usermsg.Error
				if !errors.As(err, &userErr) || userErr.ID != tt.wantErr || !userErr.Usage {
					t.Fatalf("error = %v, want usage error %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

type fakeSyncer struct {
	keys []string
	err  error
}

func (f *fakeSyncer) Sync(_ context.Context, key string) error {
	f.keys = append(f.keys, key)
	return f.err
}

func TestRun(t *testing.T) {
	now := time.Date(2026, 9, 29, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		err        error
		wantExit   int
		wantOutput []string
	}{
		{"synced", nil, 0, []string{"Synchronizing key " + testKey + "...", "OK", "up to four hours"}},
		{"too early", &keyprotect.Error{Kind: keyprotect.KindTooEarly, StatusCode: 409, ReasonCode: "REQ_TOO_EARLY_ERR", NextAllowed: now.Add(30 * time.Minute)}, 3, []string{"FAILED", "(in 30 minutes)"}},
		{"too early after retry", &keyprotect.Error{Kind: keyprotect.KindTooEarly, StatusCode: 409, EarlierAttemptMayHaveSucceeded: true}, 3, []string{"most likely started the sync already"}},
		{"server error", &keyprotect.Error{Kind: keyprotect.KindServer, StatusCode: 503, Endpoint: "https://us-south.kms.cloud.ibm.com", CorrelationID: "c-1", Attempts: 5}, 1, []string{"status 503 after 5 attempts", "c-1"}},
		{"forbidden", &keyprotect.Error{Kind: keyprotect.KindForbidden, StatusCode: 403}, 1, []string{"not allowed to sync key " + testKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ui := faketerminal.NewFakeUI()
			syncer := &fakeSyncer{err: tt.err}
			opts := &Options{
				UI:         ui,
				Session:    session.Session{Context: loggedInContext(), Getenv: func(string) string { return "" }},
				Now:        func() time.Time { return now },
				NewClient:  func(keyprotect.Config) (Syncer, error) { return syncer, nil },
				Keys:       []string{testKey},
				InstanceID: testInstance,
			}

			exit := opts.Run(context.Background())

			if exit != tt.wantExit {
				t.Errorf("exit = %d, want %d", exit, tt.wantExit)
			}
			if !reflect.DeepEqual(syncer.keys, []string{testKey}) {
				t.Errorf("synced keys = %v, want [%s]", syncer.keys, testKey)
			}
			output := ui.Outputs() + ui.Errors()
			for _, want := range tt.wantOutput {
				if !strings.Contains(output, want) {
					t.Errorf("output lacks %q:\n%s", want, output)
				}
			}
		})
	}
}

func TestRunNotLoggedInSendsNothing(t *testing.T) {
	ui := faketerminal.NewFakeUI()
	hostContext := new(pluginfakes.FakePluginContext)
	hostContext.IsLoggedInReturns(false)
	created := false
	opts := &Options{
		UI:         ui,
		Session:    session.Session{Context: hostContext, Getenv: func(string) string { return "" }},
		Now:        time.Now,
		NewClient:  func(keyprotect.Config) (Syncer, error) { created = true; return &fakeSyncer{}, nil },
		Keys:       []string{testKey},
		InstanceID: testInstance,
	}

	if exit := opts.Run(context.Background()); exit != 1 {
		t.Errorf("exit = %d, want 1", exit)
	}
	if created {
		t.Error("a Key Protect client was created without a login")
	}
	if !strings.Contains(ui.Errors(), "Log in by running 'ibmcloud login'.") {
		t.Errorf("stderr lacks the login message:\n%s", ui.Errors())
	}
}

func loggedInContext() *pluginfakes.FakePluginContext {
	fake := new(pluginfakes.FakePluginContext)
	fake.IsLoggedInReturns(true)
	fake.IAMTokenReturns("Bearer test-token")
	fake.CurrentRegionReturns(models.Region{Name: "us-south"})
	return fake
}
