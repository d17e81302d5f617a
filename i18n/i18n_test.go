package i18n

import (
	"slices"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// ibmcloudLocales are the locales that the IBM Cloud CLI and its plug-ins
// ship, by the names `ibmcloud config --locale` takes.
var ibmcloudLocales = []string{
	"de_DE", "en_US", "es_ES", "fr_FR", "it_IT", "ja_JP", "ko_KR", "pt_BR", "zh_Hans", "zh_Hant",
}

func TestSupportedLocales(t *testing.T) {
	if got := Supported(); !slices.Equal(got, ibmcloudLocales) {
		t.Errorf("Supported() = %v, want %v", got, ibmcloudLocales)
	}
}

func environment(values map[string]string) func(string) string {
	return func(name string) string { return values[name] }
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		host string
		env  map[string]string
		want string
	}{
		{name: "host locale with encoding", host: "ja_JP.UTF-8", want: "ja_JP"},
		{name: "host locale exact", host: "ko_KR", want: "ko_KR"},
		{name: "host locale in other case", host: "ZH_hant", want: "zh_Hant"},
		{name: "Canadian French", host: "fr_CA", want: "fr_FR"},
		{name: "language only", host: "de", want: "de_DE"},
		{name: "Portuguese without region", host: "pt", want: "pt_BR"},
		{name: "European Portuguese", host: "pt_PT", want: "pt_BR"},
		{name: "Mexican Spanish", host: "es_MX", want: "es_ES"},
		{name: "Swiss Italian", host: "it_CH", want: "it_IT"},
		{name: "British English", host: "en_GB", want: "en_US"},
		{name: "Chinese of mainland China", host: "zh_CN", want: "zh_Hans"},
		{name: "Chinese of Singapore", host: "zh_SG", want: "zh_Hans"},
		{name: "Chinese of Taiwan", host: "zh_TW", want: "zh_Hant"},
		{name: "Chinese of Hong Kong", host: "zh_HK", want: "zh_Hant"},
		{name: "Chinese of Macau", host: "zh_MO", want: "zh_Hant"},
		{name: "Chinese without region", host: "zh", want: "zh_Hans"},
		{name: "Traditional script as BCP 47", host: "zh-Hant", want: "zh_Hant"},
		{name: "Traditional script with region", host: "zh-Hant-TW", want: "zh_Hant"},
		{name: "Simplified script in Hong Kong", host: "zh_Hans_HK", want: "zh_Hans"},
		{name: "locale with modifier", host: "de_DE@euro", want: "de_DE"},
		{name: "C locale", host: "C", want: "en_US"},
		{name: "C locale with encoding", host: "C.UTF-8", want: "en_US"},
		{name: "POSIX locale", host: "POSIX", want: "en_US"},
		{name: "empty", host: "", want: "en_US"},
		{name: "unknown locale", host: "xx_YY", want: "en_US"},
		{name: "language without translation", host: "ru_RU", want: "en_US"},
		{name: "malformed name", host: "not a locale", want: "en_US"},

		{name: "LANG when the host has none", env: map[string]string{"LANG": "de_DE.UTF-8"}, want: "de_DE"},
		{name: "host locale before LANG", host: "ja_JP", env: map[string]string{"LANG": "fr_FR.UTF-8"}, want: "ja_JP"},
		{name: "unknown host locale then LANG", host: "xx_YY", env: map[string]string{"LANG": "it_IT.UTF-8"}, want: "it_IT"},
		{name: "LC_MESSAGES before LANG", env: map[string]string{"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "de_DE.UTF-8"}, want: "ko_KR"},
		{name: "LC_ALL before LC_MESSAGES", env: map[string]string{"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, want: "zh_Hant"},
		{name: "LC_ALL=C overrides LANG", env: map[string]string{"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, want: "en_US"},
		{name: "unsupported LC_MESSAGES overrides LANG", env: map[string]string{"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "fr_FR.UTF-8"}, want: "en_US"},
		{name: "empty LC_ALL is unset", env: map[string]string{"LC_ALL": "", "LANG": "es_ES.UTF-8"}, want: "es_ES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resolve(tt.host, environment(tt.env)); got != tt.want {
				t.Errorf("Resolve(%q, %v) = %q, want %q", tt.host, tt.env, got, tt.want)
			}
		})
	}
}

// useCatalogs replaces the package state for one test and restores it after.
func useCatalogs(t *testing.T, current, english *catalog) {
	t.Helper()
	mu.Lock()
	savedActive, savedSource := active, source
	active, source = current, english
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		active, source = savedActive, savedSource
		mu.Unlock()
	})
}

func TestInitParsesOnlyChosenLocale(t *testing.T) {
	useCatalogs(t, nil, nil)
	t.Setenv("LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")

	Init("fr_FR")

	if got := Locale(); got != "fr_FR" {
		t.Fatalf("Locale() = %q, want fr_FR", got)
	}
	if got := T("sync.progress", map[string]any{"Key": "k1"}); got != "Synchronisation de la clé k1..." {
		t.Errorf("T(sync.progress) = %q", got)
	}
	mu.Lock()
	parsedEnglish := source != nil
	mu.Unlock()
	if parsedEnglish {
		t.Error("the en_US file was parsed although no message was missing from fr_FR")
	}
}

func TestInitSameLocaleParsesNothing(t *testing.T) {
	useCatalogs(t, nil, nil)

	Init("ja_JP")
	mu.Lock()
	first := active
	mu.Unlock()
	Init("ja_JP.UTF-8")
	mu.Lock()
	second := active
	mu.Unlock()

	if first != second {
		t.Error("a second Init for ja_JP parsed the file again")
	}
}

func TestInitFromEnvironment(t *testing.T) {
	useCatalogs(t, nil, nil)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "pt_PT.UTF-8")

	Init("")

	if got := Locale(); got != "pt_BR" {
		t.Errorf("Locale() = %q, want pt_BR", got)
	}
}

// partialCatalog returns a catalog of locale that holds only messages.
func partialCatalog(t *testing.T, locale string, messages map[string]string) *catalog {
	t.Helper()
	tag := language.Make(Tag(locale))
	bundle := goi18n.NewBundle(tag)
	for id, text := range messages {
		if err := bundle.AddMessages(tag, &goi18n.Message{ID: id, Other: text}); err != nil {
			t.Fatal(err)
		}
	}
	return &catalog{locale: locale, localizer: goi18n.NewLocalizer(bundle, tag.String())}
}

func TestTFallsBackToEnglish(t *testing.T) {
	useCatalogs(t, partialCatalog(t, "fr_FR", map[string]string{"help.name": "NOM :"}), nil)

	if got := T("help.name"); got != "NOM :" {
		t.Errorf("T(help.name) = %q, want the French text", got)
	}
	got := T("sync.done", map[string]any{"Key": "k1"})
	if !strings.HasPrefix(got, "Key Protect notified the resources associated with key k1 again.") {
		t.Errorf("T(sync.done) missing from fr_FR = %q, want the en_US text", got)
	}
}

func TestTFallsBackOnBrokenTemplate(t *testing.T) {
	useCatalogs(t, partialCatalog(t, "de_DE", map[string]string{"sync.progress": "{{.Key"}), nil)

	if got := T("sync.progress", map[string]any{"Key": "k1"}); got != "Synchronizing key k1..." {
		t.Errorf("T(sync.progress) with a broken German template = %q, want the en_US text", got)
	}
}

func TestTReturnsUnknownID(t *testing.T) {
	useCatalogs(t, load("ja_JP"), nil)

	if got := T("no.such.message"); got != "no.such.message" {
		t.Errorf("T(no.such.message) = %q, want the ID", got)
	}
}

func TestTWithoutData(t *testing.T) {
	useCatalogs(t, load("en_US"), nil)

	if got := T("error.incorrect-usage"); got != "Incorrect Usage." {
		t.Errorf("T(error.incorrect-usage) = %q", got)
	}
	if got := T("error.incorrect-usage", nil); got != "Incorrect Usage." {
		t.Errorf("T(error.incorrect-usage, nil) = %q", got)
	}
}

func TestEveryLocaleParses(t *testing.T) {
	for _, locale := range Supported() {
		c, err := parse(locale)
		if err != nil {
			t.Errorf("parse(%s): %v", locale, err)
			continue
		}
		messages, err := Messages(locale)
		if err != nil {
			t.Fatal(err)
		}
		for id := range messages {
			if _, err := c.localizer.Localize(&goi18n.LocalizeConfig{MessageID: id}); err != nil {
				t.Errorf("%s %s: %v", locale, id, err)
			}
		}
	}
}

func TestLoadUnknownLocaleUsesEnglish(t *testing.T) {
	c := load("xx_YY")
	if c.locale != DefaultLocale {
		t.Errorf("load(xx_YY).locale = %q, want %q", c.locale, DefaultLocale)
	}
}
