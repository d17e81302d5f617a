// Package testhost runs the built kp-sync plug-in binary the way the ibmcloud
// host does: with a config.json that `ibmcloud login` and
// `ibmcloud target -r REGION` would leave, a clean environment and the
// IBMCLOUD_PLUGIN_NAMESPACE of the command. End-to-end tests pair it with
// package standin.
package testhost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/configuration/core_config"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/models"
)

// RunTimeout is how long Run lets the plug-in run before it kills it and
// fails the test.
const RunTimeout = 60 * time.Second

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// BuildOnce builds the plug-in binary from the module root with
// `go build -o DIR/kp-sync .` the first time it is called in a test
// process, and returns the path of that binary on every call. The binary
// lives in a temporary folder that is not removed, because tests of one
// process share it; TestMain can remove filepath.Dir(path) when done.
func BuildOnce() (string, error) {
	buildOnce.Do(func() {
		buildPath, buildErr = build()
	})
	return buildPath, buildErr
}

func build() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return buildIn(root)
}

// buildIn runs `go build -o DIR/kp-sync .` in root, a folder with a main
// package, and returns the path of the binary in a new temporary folder.
func buildIn(root string) (string, error) {
	dir, err := os.MkdirTemp("", "kp-sync-build-")
	if err != nil {
		return "", fmt.Errorf("create build folder: %w", err)
	}
	path := filepath.Join(dir, "kp-sync")

	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Dir = root
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s failed: %w\n%s", root, err, output)
	}
	return path, nil
}

// Build is BuildOnce for a test: it fails the test when the build fails.
func Build(t testing.TB) string {
	t.Helper()
	path, err := BuildOnce()
	if err != nil {
		t.Fatalf("build plug-in: %v", err)
	}
	return path
}

// ModuleRoot returns the folder of the go.mod that `go env GOMOD` names
// for the current directory.
func ModuleRoot() (string, error) {
	output, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(output))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD names no go.mod: run the tests inside the kp-sync module")
	}
	return filepath.Dir(gomod), nil
}

// HostOptions describes the logged-in session that NewHost writes.
type HostOptions struct {
	// Binary is the plug-in to run; "" builds it with Build.
	Binary string
	// IAMEndpoint is the stand-in URL that RefreshIAMToken posts to, stored
	// as the public IAM endpoint.
	IAMEndpoint string
	// Region is the targeted region name; "" targets none.
	Region string
	// Token is the IAM access token without "Bearer "; it is stored with
	// the prefix, as `ibmcloud login` does.
	Token        string
	RefreshToken string
	// AccountID is the targeted account GUID.
	AccountID string
	// Private stores the private endpoint flag, as
	// `ibmcloud login --cr-token ... --vpc` or a private API endpoint does.
	Private     bool
	SSLDisabled bool
	// HTTPTimeout is in seconds; 0 leaves the SDK default.
	HTTPTimeout int
	Locale      string
	// Trace is the config's trace setting: "true", "false" or a file path.
	Trace string
	// NotLoggedIn writes a config with the API endpoint and region but no
	// tokens, as after `ibmcloud logout`.
	NotLoggedIn bool
	// Namespace is the IBMCLOUD_PLUGIN_NAMESPACE that Run sets, such as
	// "kp key"; "" sets none.
	Namespace string
}

// Host is a temporary IBMCLOUD_HOME with a config.json and a plug-in
// binary to run in it.
type Host struct {
	// Home is both HOME and IBMCLOUD_HOME of the plug-in.
	Home      string
	Binary    string
	Namespace string
	// Stdin, when not nil, is the standard input of the next Run.
	Stdin io.Reader

	t testing.TB
}

// NewHost writes a config.json for opts under a temporary home, with the
// SDK's own config writer, and returns a Host that runs opts.Binary there.
func NewHost(t testing.TB, opts HostOptions) *Host {
	t.Helper()
	binary := opts.Binary
	if binary == "" {
		binary = Build(t)
	}

	h := &Host{Home: t.TempDir(), Binary: binary, Namespace: opts.Namespace, t: t}
	if err := writeConfig(h.ConfigPath(), opts); err != nil {
		t.Fatalf("write config %s: %v", h.ConfigPath(), err)
	}
	return h
}

// ConfigPath returns $IBMCLOUD_HOME/.ibmcloud/config.json, the file that
// plugin.Start reads when IBMCLOUD_CONFIG_HOME is unset and the .ibmcloud
// folder exists (config_helpers.ConfigDir in ibm-cloud-cli-sdk v1.12.1).
func (h *Host) ConfigPath() string {
	return filepath.Join(h.Home, ".ibmcloud", "config.json")
}

// Config reads the config file as the plug-in would see it now, for
// example to check that a refreshed token was saved. A read error fails
// the test.
func (h *Host) Config() core_config.Repository {
	h.t.Helper()
	return ReadConfig(h.t, h.ConfigPath())
}

// ReadConfig opens the config file at path with the SDK's reader.
func ReadConfig(t testing.TB, path string) core_config.Repository {
	t.Helper()
	return core_config.NewCoreConfigFromPath(path, func(err error) {
		t.Errorf("read config %s: %v", path, err)
	})
}

// WriteConfig writes the config.json that NewHost writes for opts to path,
// with the SDK's own config writer, for tools outside tests such as
// cmd/write-host-config. opts.Binary and opts.Namespace are not used.
func WriteConfig(path string, opts HostOptions) error {
	return writeConfig(path, opts)
}

func writeConfig(path string, opts HostOptions) error {
	// The .ibmcloud folder must exist before the first write, or the SDK's
	// plugin.Start would look in .bluemix instead.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}

	var writeErr error
	config := core_config.NewCoreConfigFromPath(path, func(err error) {
		writeErr = errors.Join(writeErr, err)
	})

	config.SetAPIEndpoint("https://cloud.ibm.com")
	config.SetCloudName("bluemix")
	config.SetCloudType("public")
	config.SetConsoleEndpoints(models.Endpoints{
		PublicEndpoint:  "https://cloud.ibm.com",
		PrivateEndpoint: "https://private.cloud.ibm.com",
	})
	config.SetIAMEndpoints(models.Endpoints{PublicEndpoint: opts.IAMEndpoint, PrivateEndpoint: opts.IAMEndpoint})
	config.SetPrivateEndpointEnabled(opts.Private)
	config.SetSSLDisabled(opts.SSLDisabled)
	if opts.Region != "" {
		config.SetRegion(models.Region{Name: opts.Region})
	}
	if opts.HTTPTimeout != 0 {
		config.SetHTTPTimeout(opts.HTTPTimeout)
	}
	if opts.Locale != "" {
		config.SetLocale(opts.Locale)
	}
	if opts.Trace != "" {
		config.SetTrace(opts.Trace)
	}

	if !opts.NotLoggedIn {
		config.SetAccount(models.Account{GUID: opts.AccountID, Name: "Stand-in Account", Owner: "standin@example.com"})
		config.SetLoginAt(time.Now())
		if opts.Token != "" {
			config.SetIAMToken("Bearer " + opts.Token)
		}
		if opts.RefreshToken != "" {
			config.SetIAMRefreshToken(opts.RefreshToken)
		}
	}
	return writeErr
}

// Result is the outcome of one plug-in run.
type Result struct {
	Stdout   string
	Stderr   string
	ExitCode int
}

// Run runs the plug-in with args, as the host passes them (the command
// first, never the namespace), with h.Namespace and the extra env entries
// (NAME=VALUE). It kills the plug-in and fails the test after RunTimeout.
func (h *Host) Run(args []string, env ...string) Result {
	h.t.Helper()
	return h.run(h.Namespace, args, env)
}

// RunAs runs the plug-in like Run with the given IBMCLOUD_PLUGIN_NAMESPACE.
func (h *Host) RunAs(namespace string, args ...string) Result {
	h.t.Helper()
	return h.run(namespace, args, nil)
}

// RunIn runs the plug-in like Run with the given IBMCLOUD_PLUGIN_NAMESPACE
// and extra env entries.
func (h *Host) RunIn(namespace string, args []string, env ...string) Result {
	h.t.Helper()
	return h.run(namespace, args, env)
}

func (h *Host) run(namespace string, args, env []string) Result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()

	cmd := h.command(ctx, namespace, args, env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.Stdin = h.Stdin
	h.Stdin = nil

	err := cmd.Run()
	result := Result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		h.t.Fatalf("kp-sync %s timed out after %s and was killed\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), RunTimeout, result.Stdout, result.Stderr)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		h.t.Fatalf("run kp-sync %s: %v", strings.Join(args, " "), err)
	}
	return result
}

// Start starts the plug-in without waiting, for tests that send it a
// signal. Its output goes to stdout and stderr, which may be nil, and the
// caller must call Wait. The process is killed if it still runs when the
// test ends.
func (h *Host) Start(stdout, stderr io.Writer, args []string, env ...string) *exec.Cmd {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := h.command(ctx, h.Namespace, args, env)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.Stdin = h.Stdin
	h.Stdin = nil

	if err := cmd.Start(); err != nil {
		cancel()
		h.t.Fatalf("start kp-sync %s: %v", strings.Join(args, " "), err)
	}
	h.t.Cleanup(cancel)
	return cmd
}

// command builds the plug-in command with a clean environment. Only PATH
// is taken from this process, so IBMCLOUD_* variables and the developer's
// own ibmcloud config stay out of a test, as TestRunCleanEnvironment checks.
func (h *Host) command(ctx context.Context, namespace string, args, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, h.Binary, args...)
	cmd.Dir = h.Home
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + h.Home,
		"IBMCLOUD_HOME=" + h.Home,
		"IBMCLOUD_COLOR=false",
		"IBMCLOUD_VERSION_CHECK=false",
	}
	if namespace != "" {
		cmd.Env = append(cmd.Env, "IBMCLOUD_PLUGIN_NAMESPACE="+namespace)
	}
	// Later entries win in os/exec, so env can override the defaults above.
	cmd.Env = append(cmd.Env, env...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}
