package testhost

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/configuration/core_config"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

// envPrinter is a stand-in plug-in that prints what the host gave it, so
// Run can be tested before the real plug-in's main package exists.
const envPrinter = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "wait" {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT)
		fmt.Println("waiting")
		<-stop
		fmt.Println("interrupted")
		os.Exit(130)
	}
	for _, name := range []string{"HOME", "IBMCLOUD_HOME", "IBMCLOUD_PLUGIN_NAMESPACE", "IBMCLOUD_COLOR", "EXTRA"} {
		fmt.Printf("%s=%s\n", name, os.Getenv(name))
	}
	fmt.Println(os.Args[1:])
	fmt.Fprintln(os.Stderr, "to stderr")
	os.Exit(3)
}
`

func buildEnvPrinter(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	source := filepath.Join(dir, "main.go")
	if err := os.WriteFile(source, []byte(envPrinter), 0o600); err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, "envprinter")
	cmd := exec.Command("go", "build", "-o", binary, source)
	cmd.Dir = dir
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build env printer: %v\n%s", err, output)
	}
	return binary
}

func TestConfigRoundTrip(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))

	host := NewHost(t, HostOptions{
		Binary:       "/nonexistent",
		IAMEndpoint:  srv.URL,
		Region:       "eu-de",
		Token:        token,
		RefreshToken: "refresh-1",
		AccountID:    standin.TokenAccountID,
		SSLDisabled:  true,
		HTTPTimeout:  7,
		Locale:       "en_US",
	})

	config := host.Config()
	if !config.IsLoggedIn() {
		t.Error("IsLoggedIn is false with a fresh token")
	}
	if got := config.CurrentRegion().Name; got != "eu-de" {
		t.Errorf("region = %q, want eu-de", got)
	}
	if got := config.IAMEndpoint(); got != srv.URL {
		t.Errorf("IAM endpoint = %q, want %q", got, srv.URL)
	}
	if got := config.IAMToken(); got != "Bearer "+token {
		t.Errorf("IAM token = %q, want the token with Bearer prefix", got)
	}
	if got := config.IAMRefreshToken(); got != "refresh-1" {
		t.Errorf("refresh token = %q, want refresh-1", got)
	}
	if got := config.CurrentAccount().GUID; got != standin.TokenAccountID {
		t.Errorf("account = %q, want %q", got, standin.TokenAccountID)
	}
	if !config.IsSSLDisabled() || config.HTTPTimeout() != 7 || config.Locale() != "en_US" {
		t.Errorf("SSL disabled %v, timeout %d, locale %q", config.IsSSLDisabled(), config.HTTPTimeout(), config.Locale())
	}
	if config.CloudType() != "public" || config.APIEndpoint() != "https://cloud.ibm.com" {
		t.Errorf("cloud type %q, API endpoint %q", config.CloudType(), config.APIEndpoint())
	}
	if srv.RequestCount() != 0 {
		t.Errorf("reading a fresh config sent %d requests, want 0", srv.RequestCount())
	}
}

func TestConfigRefreshesExpiredToken(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	srv.AddRefreshToken("refresh-1")

	host := NewHost(t, HostOptions{
		Binary:       "/nonexistent",
		IAMEndpoint:  srv.URL,
		Token:        standin.NewJWT(time.Now().Add(-time.Minute)),
		RefreshToken: "refresh-1",
	})

	if !host.Config().IsLoggedIn() {
		t.Fatal("IsLoggedIn is false although the refresh token is accepted")
	}
	if got := len(srv.RequestsTo("/identity/token")); got != 1 {
		t.Fatalf("token requests = %d, want 1", got)
	}

	saved := host.Config()
	info := core_config.NewIAMTokenInfo(strings.TrimPrefix(saved.IAMToken(), "Bearer "))
	if info.HasExpired() {
		t.Errorf("saved token expires %v, want a fresh token", info.Expiry)
	}
	if saved.IAMRefreshToken() == "refresh-1" {
		t.Error("saved refresh token was not replaced")
	}
}

func TestNotLoggedIn(t *testing.T) {
	host := NewHost(t, HostOptions{Binary: "/nonexistent", Region: "us-south", NotLoggedIn: true})
	if host.Config().IsLoggedIn() {
		t.Error("IsLoggedIn is true without tokens")
	}
}

func TestJWTDecodes(t *testing.T) {
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	info := core_config.NewIAMTokenInfo(standin.NewJWT(exp))

	if info.HasExpired() {
		t.Error("token valid for an hour has expired")
	}
	if !info.Expiry.Equal(exp) {
		t.Errorf("expiry = %v, want %v", info.Expiry, exp)
	}
	if info.IAMID != standin.TokenIAMID || info.Subject != standin.TokenSubject {
		t.Errorf("iam_id %q, sub %q", info.IAMID, info.Subject)
	}
	if info.Accounts.AccountID != standin.TokenAccountID {
		t.Errorf("account.bss = %q, want %q", info.Accounts.AccountID, standin.TokenAccountID)
	}
	if !core_config.NewIAMTokenInfo(standin.NewJWT(time.Now().Add(-time.Minute))).HasExpired() {
		t.Error("token that expired a minute ago is not expired")
	}
}

func TestRunCleanEnvironment(t *testing.T) {
	t.Setenv("IBMCLOUD_TRACE", "true")
	host := NewHost(t, HostOptions{Binary: buildEnvPrinter(t), Namespace: "kp key"})

	result := host.Run([]string{"sync", "KEY", "-i", "X"}, "EXTRA=1", "IBMCLOUD_COLOR=true")

	if result.ExitCode != 3 {
		t.Errorf("exit code = %d, want 3", result.ExitCode)
	}
	for _, line := range []string{
		"HOME=" + host.Home,
		"IBMCLOUD_HOME=" + host.Home,
		"IBMCLOUD_PLUGIN_NAMESPACE=kp key",
		"IBMCLOUD_COLOR=true",
		"EXTRA=1",
		"[sync KEY -i X]",
	} {
		if !strings.Contains(result.Stdout, line+"\n") {
			t.Errorf("stdout lacks %q:\n%s", line, result.Stdout)
		}
	}
	if strings.Contains(result.Stdout, "TRACE") {
		t.Errorf("IBMCLOUD_TRACE leaked into the plug-in environment")
	}
	if result.Stderr != "to stderr\n" {
		t.Errorf("stderr = %q", result.Stderr)
	}

	other := host.RunAs("kp", "list")
	if !strings.Contains(other.Stdout, "IBMCLOUD_PLUGIN_NAMESPACE=kp\n") {
		t.Errorf("RunAs namespace not set:\n%s", other.Stdout)
	}
}

func TestStartAndInterrupt(t *testing.T) {
	host := NewHost(t, HostOptions{Binary: buildEnvPrinter(t)})
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	cmd := host.Start(writer, nil, []string{"wait"})
	writer.Close()
	buf := make([]byte, len("waiting\n"))
	if _, err := reader.Read(buf); err != nil || string(buf) != "waiting\n" {
		t.Fatalf("first output %q, %v", buf, err)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if got := cmd.ProcessState.ExitCode(); got != 130 {
		t.Errorf("exit code after SIGINT = %d, want 130", got)
	}
}

func TestBuildInModule(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/throwaway\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {}\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	path, err := buildIn(root)
	if err != nil {
		t.Fatalf("buildIn: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(path)) })
	if info, err := os.Stat(path); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("built binary %s is not executable: %v", path, err)
	}

	if _, err := buildIn(t.TempDir()); err == nil {
		t.Error("buildIn of an empty folder succeeded, want an error")
	}
}

func TestBuildPlugin(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "plugin.go")); err != nil {
		t.Skip("the plug-in's main package (plugin.go) does not exist yet")
	}

	path := Build(t)
	if info, err := os.Stat(path); err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("built binary %s is not executable: %v", path, err)
	}
	if again := Build(t); again != path {
		t.Errorf("second Build returned %s, want the same %s", again, path)
	}
}
