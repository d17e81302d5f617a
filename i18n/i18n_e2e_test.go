package i18n_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if path, err := testhost.BuildOnce(); err == nil && path != "" {
		_ = os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

// render returns message id of locale's file with data filled in, so that
// a test compares the output with the translation in place, not a copy of
// it.
func render(t *testing.T, locale, id string, data map[string]any) string {
	t.Helper()
	messages, err := i18n.Messages(locale)
	if err != nil {
		t.Fatal(err)
	}
	text, ok := messages[id]
	if !ok {
		t.Fatalf("all.%s.json has no %s", locale, id)
	}
	parsed, err := template.New(id).Parse(text)
	if err != nil {
		t.Fatalf("%s %s: %v", locale, id, err)
	}
	var b strings.Builder
	if err := parsed.Execute(&b, data); err != nil {
		t.Fatalf("%s %s: %v", locale, id, err)
	}
	return b.String()
}

// syncSession is a stand-in with one key and a host logged in to it with
// the host locale set to locale.
type syncSession struct {
	srv      *standin.Server
	host     *testhost.Host
	key      string
	instance string
}

func newSyncSession(t *testing.T, locale string) syncSession {
	t.Helper()
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	srv.AcceptToken(token)
	instance := standin.NewUUID()
	keys := srv.AddKeys(instance, 1)

	host := testhost.NewHost(t, testhost.HostOptions{
		IAMEndpoint: srv.URL,
		Region:      "us-south",
		Token:       token,
		Namespace:   "kp key",
		Locale:      locale,
	})
	return syncSession{srv: srv, host: host, key: keys[0], instance: instance}
}

// standinEnv points Key Protect and the Resource Controller at the
// stand-in, so that no run reaches for an IBM Cloud host.
func (s syncSession) standinEnv(extra ...string) []string {
	return append(extra, "KP_TARGET_ADDR="+s.srv.URL, "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT="+s.srv.URL)
}

func (s syncSession) sync(t *testing.T, key string, env ...string) testhost.Result {
	t.Helper()
	return s.host.Run([]string{"sync", key, "-i", s.instance}, s.standinEnv(env...)...)
}

// checkSyncTranslated syncs a key with the host locale set to locale and
// checks that the progress line and the result are in that locale.
func checkSyncTranslated(t *testing.T, locale, wantFragment string) {
	session := newSyncSession(t, locale)

	result := session.sync(t, session.key)

	if result.ExitCode != 0 {
		t.Fatalf("exit code = %d, want 0\nstdout:\n%s\nstderr:\n%s", result.ExitCode, result.Stdout, result.Stderr)
	}
	data := map[string]any{"Key": session.key}
	for _, id := range []string{"sync.progress", "sync.done"} {
		want := render(t, locale, id, data)
		if want == render(t, i18n.DefaultLocale, id, data) {
			t.Fatalf("%s of %s is the English text", id, locale)
		}
		if !strings.Contains(result.Stdout, want) {
			t.Errorf("stdout lacks the %s text of %s %q:\n%s", locale, id, want, result.Stdout)
		}
	}
	if !strings.Contains(result.Stdout, wantFragment) {
		t.Errorf("stdout lacks %q:\n%s", wantFragment, result.Stdout)
	}
	if strings.Contains(result.Stdout, "Synchronizing") {
		t.Errorf("stdout has English text:\n%s", result.Stdout)
	}
}

func TestSyncInFrench(t *testing.T) {
	checkSyncTranslated(t, "fr_FR", "Synchronisation de la clé")
}

func TestSyncInJapanese(t *testing.T) {
	checkSyncTranslated(t, "ja_JP", "を同期しています")
}

// checkUsageErrorTranslated runs a sync with an invalid alias and checks
// the incorrect-usage message, the reason and the help headings in locale,
// exit status 2, and that nothing reached the stand-in.
func checkUsageErrorTranslated(t *testing.T, locale string) {
	session := newSyncSession(t, locale)

	result := session.sync(t, "bad/alias")

	if result.ExitCode != 2 {
		t.Errorf("exit code = %d, want 2\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	wants := []string{
		render(t, locale, "error.incorrect-usage", nil),
		render(t, locale, "error.key.alias-character", map[string]any{"Value": `"bad/alias"`, "Position": 4, "Character": `'/'`}),
		render(t, locale, "help.name", nil),
		render(t, locale, "help.usage", nil),
		render(t, locale, "help.options", nil),
		render(t, locale, "flag.instance-id.description", nil),
	}
	for _, want := range wants {
		if !strings.Contains(result.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, result.Stderr)
		}
	}
	if strings.Contains(result.Stderr, "Incorrect Usage.") {
		t.Errorf("stderr has English text:\n%s", result.Stderr)
	}
	if requests := session.srv.Requests(); len(requests) != 0 {
		t.Errorf("the stand-in got %d requests, want 0: %+v", len(requests), requests)
	}
}

func TestUsageErrorInFrench(t *testing.T) {
	checkUsageErrorTranslated(t, "fr_FR")
}

func TestUsageErrorInJapanese(t *testing.T) {
	checkUsageErrorTranslated(t, "ja_JP")
}

func TestUnknownOptionInFrench(t *testing.T) {
	session := newSyncSession(t, "fr_FR")

	result := session.host.Run([]string{"sync", session.key, "-i", session.instance, "--regionn", "eu-de"},
		session.standinEnv()...)

	if result.ExitCode != 2 {
		t.Errorf("exit code = %d, want 2\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	want := render(t, "fr_FR", "error.option.unknown", map[string]any{"Option": `"--regionn"`})
	if !strings.Contains(result.Stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, result.Stderr)
	}
	if strings.Contains(result.Stderr, "flag provided but not defined") {
		t.Errorf("stderr has the parser's English text:\n%s", result.Stderr)
	}
	if requests := session.srv.Requests(); len(requests) != 0 {
		t.Errorf("the stand-in got %d requests, want 0", len(requests))
	}
}

func TestUnknownLocaleFallsBackToEnglish(t *testing.T) {
	session := newSyncSession(t, "xx_YY")

	result := session.sync(t, session.key)

	if result.ExitCode != 0 {
		t.Fatalf("exit code = %d, want 0\nstdout:\n%s\nstderr:\n%s", result.ExitCode, result.Stdout, result.Stderr)
	}
	for _, want := range []string{
		"Synchronizing key " + session.key + "...",
		"Key Protect notified the resources associated with key " + session.key + " again.",
	} {
		if !strings.Contains(result.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, result.Stdout)
		}
	}

	usage := session.sync(t, "bad/alias")
	if !strings.Contains(usage.Stderr, "Incorrect Usage.") {
		t.Errorf("usage error stderr lacks %q:\n%s", "Incorrect Usage.", usage.Stderr)
	}
}

func TestLocaleFromLANG(t *testing.T) {
	session := newSyncSession(t, "")

	result := session.sync(t, session.key, "LANG=de_DE.UTF-8")

	want := render(t, "de_DE", "sync.done", map[string]any{"Key": session.key})
	if !strings.Contains(result.Stdout, want) {
		t.Errorf("stdout lacks the German result %q:\n%s", want, result.Stdout)
	}
}

func TestSDKWordsFollowLANG(t *testing.T) {
	session := newSyncSession(t, "")

	// A missing key fails, and the SDK prints FAILED in its own words.
	result := session.sync(t, standin.NewUUID(), "LANG=fr_FR.UTF-8")

	if result.ExitCode != 1 {
		t.Fatalf("exit code = %d, want 1\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	if !strings.Contains(result.Stderr, "ECHEC") {
		t.Errorf("stderr lacks the SDK's French FAILED:\n%s", result.Stderr)
	}
	if strings.Contains(result.Stderr, "FAILED") {
		t.Errorf("stderr has the English FAILED:\n%s", result.Stderr)
	}
}

func TestMissingConfigInLANGLocale(t *testing.T) {
	session := newSyncSession(t, "")
	if err := os.Remove(session.host.ConfigPath()); err != nil {
		t.Fatal(err)
	}

	result := session.sync(t, session.key, "LANG=fr_FR.UTF-8")

	if result.ExitCode != 1 {
		t.Fatalf("exit code = %d, want 1\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	want := render(t, "fr_FR", "error.config.missing", map[string]any{"Path": session.host.ConfigPath()})
	if !strings.Contains(result.Stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, result.Stderr)
	}
	if !strings.Contains(result.Stderr, "ECHEC") || strings.Contains(result.Stderr, "FAILED") {
		t.Errorf("stderr lacks the SDK's French FAILED, ECHEC:\n%s", result.Stderr)
	}
	if requests := session.srv.Requests(); len(requests) != 0 {
		t.Errorf("the stand-in got %d requests, want 0", len(requests))
	}
}

func TestHostLocaleBeforeLANG(t *testing.T) {
	session := newSyncSession(t, "zh_Hant")

	result := session.sync(t, session.key, "LANG=de_DE.UTF-8")

	want := render(t, "zh_Hant", "sync.done", map[string]any{"Key": session.key})
	if !strings.Contains(result.Stdout, want) {
		t.Errorf("stdout lacks the Traditional Chinese result %q:\n%s", want, result.Stdout)
	}
}

func TestMetadataInHostLocale(t *testing.T) {
	host := testhost.NewHost(t, testhost.HostOptions{Locale: "ja_JP"})

	result := host.RunAs("", "SendMetadata")

	if result.ExitCode != 0 {
		t.Fatalf("exit code = %d, want 0\nstderr:\n%s", result.ExitCode, result.Stderr)
	}
	var metadata plugin.PluginMetadata
	if err := json.Unmarshal([]byte(result.Stdout), &metadata); err != nil {
		t.Fatalf("SendMetadata output is not PluginMetadata JSON: %v\n%s", err, result.Stdout)
	}

	var descriptions []string
	for _, namespace := range metadata.Namespaces {
		descriptions = append(descriptions, namespace.Description)
	}
	for _, command := range metadata.Commands {
		descriptions = append(descriptions, command.Description)
		for _, flag := range command.Flags {
			descriptions = append(descriptions, flag.Description)
		}
	}
	if len(metadata.Namespaces) == 0 || len(metadata.Commands) == 0 {
		t.Fatalf("metadata lists %d namespaces and %d commands, want some of each", len(metadata.Namespaces), len(metadata.Commands))
	}

	japanese := textsOf(t, "ja_JP")
	english := textsOf(t, i18n.DefaultLocale)
	for _, description := range descriptions {
		if !japanese[description] || english[description] {
			t.Errorf("description %q is not a ja_JP text", description)
		}
	}
}

// textsOf returns the set of message texts of locale.
func textsOf(t *testing.T, locale string) map[string]bool {
	t.Helper()
	messages, err := i18n.Messages(locale)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	for _, text := range messages {
		texts[text] = true
	}
	return texts
}

func TestRegistrationsTableInJapanese(t *testing.T) {
	session := newSyncSession(t, "ja_JP")
	session.srv.AddRegistration(session.instance, standin.Registration{
		KeyID:       session.key,
		ResourceCRN: "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:cos-1:bucket:photos",
	})

	session.host.Namespace = "kp"

	result := session.host.Run([]string{"registrations", "-i", session.instance, "-k", session.key},
		session.standinEnv()...)

	if result.ExitCode != 0 {
		t.Fatalf("exit code = %d, want 0\nstdout:\n%s\nstderr:\n%s", result.ExitCode, result.Stdout, result.Stderr)
	}
	for _, id := range []string{
		"registrations.table.key-id", "registrations.table.service", "registrations.table.resource",
		"registrations.table.prevent-deletion", "registrations.table.key-version", "registrations.table.last-updated",
	} {
		if want := render(t, "ja_JP", id, nil); !strings.Contains(result.Stdout, want) {
			t.Errorf("stdout lacks the ja_JP table heading %s %q:\n%s", id, want, result.Stdout)
		}
	}
	if !strings.Contains(result.Stdout, "cloud-object-storage") {
		t.Errorf("stdout lacks the registered service:\n%s", result.Stdout)
	}
}
