package keysync

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
	faketerminal "github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
	"github.com/key-protect-sync/kp-sync/metadata"
)

const (
	benchKeyID    = "0f3a6b7c-1d2e-4f50-8a9b-c0d1e2f3a4b5"
	benchInstance = "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c"
)

// BenchmarkSyncInProcess runs, per iteration, what one plug-in process does
// after package init for "kp key sync KEY -i INSTANCE": select the locale,
// load the host config through the SDK, and run the command against the
// stand-in. It is the harness for CPU and allocation profiles:
//
//	go test ./commands/keysync -run '^$' -bench SyncInProcess -cpuprofile cpu.prof -memprofile mem.prof
func BenchmarkSyncInProcess(b *testing.B) {
	srv := standin.New()
	b.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(standin.TokenLifetime))
	srv.AcceptToken(token)
	srv.AddInstance(benchInstance)
	srv.AddKey(benchInstance, standin.Key{ID: benchKeyID})
	// Every sync of the key must get 204, not the too-early 409.
	start := time.Now()
	readings := 0
	srv.SetClock(func() time.Time {
		readings++
		return start.Add(time.Duration(readings) * 2 * time.Hour)
	})

	home := b.TempDir()
	err := testhost.WriteConfig(filepath.Join(home, ".ibmcloud", "config.json"), testhost.HostOptions{
		IAMEndpoint: srv.URL, Region: "us-south", Token: token,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("HOME", home)
	b.Setenv("IBMCLOUD_HOME", home)
	b.Setenv("IBMCLOUD_CONFIG_HOME", "")
	getenv := func(name string) string {
		if name == endpoint.EnvTargetAddr {
			return srv.URL
		}
		return ""
	}
	args := []string{benchKeyID, "-i", benchInstance}

	b.ReportAllocs()
	for b.Loop() {
		i18n.Init("")
		pluginContext := plugin.InitPluginContext(metadata.PluginName)
		ui := faketerminal.NewFakeUI()
		env := commands.Env{UI: ui, Context: pluginContext, Getenv: getenv}
		if code := Run(context.Background(), env, args); code != commands.ExitOK {
			b.Fatalf("sync exited with %d\nstdout:\n%s\nstderr:\n%s", code, ui.Outputs(), ui.Errors())
		}
	}
}

func BenchmarkParse(b *testing.B) {
	args := []string{benchKeyID, "-i", benchInstance, "--key-ring", "ring-1", "-o", "json"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(args); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateOptions(b *testing.B) {
	opts := &Options{Keys: []string{"payroll-root-key"}, InstanceID: benchInstance, KeyRing: "ring-1", Output: "json"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := opts.validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	req := request{key: benchKeyID, instanceID: benchInstance, json: true}
	ep := endpoint.Endpoint{URL: "https://us-south.kms.cloud.ibm.com", Region: "us-south"}
	failure := &keyprotect.Error{Kind: keyprotect.KindTooEarly, StatusCode: 409, ReasonCode: "REQ_TOO_EARLY_ERR",
		Message: "The key was updated recently", NextAllowed: time.Now().Add(time.Hour), Attempts: 1}
	result := newResult(req, ep, failure)
	ui := faketerminal.NewFakeUI()
	b.ReportAllocs()
	for b.Loop() {
		if err := writeJSON(ui.Writer(), result); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescribeTooEarly(b *testing.B) {
	req := request{key: benchKeyID, instanceID: benchInstance}
	now := time.Now()
	failure := &keyprotect.Error{Kind: keyprotect.KindTooEarly, StatusCode: 409, ReasonCode: "REQ_TOO_EARLY_ERR",
		NextAllowed: now.Add(time.Hour), Attempts: 1}
	b.ReportAllocs()
	for b.Loop() {
		if describe(req, failure, now) == "" {
			b.Fatal("describe returned no message")
		}
	}
}

func BenchmarkHelp(b *testing.B) {
	command, _ := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)
	b.ReportAllocs()
	for b.Loop() {
		_ = metadata.Help(command)
	}
}
