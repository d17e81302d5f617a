// Package i18n translates every user-facing string of the plug-in.
//
// The translations live in resources/all.LOCALE.json, one flat JSON object of
// message ID to text per locale, embedded in the binary. Texts use Go template
// fields such as {{.Key}}, never positional arguments, so that a translation
// may reorder them. The locales are the ten that the IBM Cloud CLI ships:
// en_US, de_DE, es_ES, fr_FR, it_IT, ja_JP, ko_KR, pt_BR, zh_Hans and
// zh_Hant.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// DefaultLocale is the source locale; every other locale translates it.
const DefaultLocale = "en_US"

//go:embed resources/all.*.json
var resources embed.FS

// catalog is the parsed translation file of one locale.
type catalog struct {
	locale    string
	localizer *goi18n.Localizer
}

var (
	mu sync.Mutex
	// active is the catalog of the chosen locale, set by Init or, failing
	// that, by the first call to T.
	active *catalog
	// source is the en_US catalog that T falls back to, parsed the first
	// time a message is missing from the active locale.
	source *catalog
)

// Init selects the locale for all later calls to T: the host's configured
// locale when it names a supported one, else the POSIX locale variables,
// else en_US (see Resolve). Only the file of the chosen locale is parsed,
// and a second call for the same locale parses nothing.
func Init(hostLocale string) {
	locale := Resolve(hostLocale, os.Getenv)

	mu.Lock()
	defer mu.Unlock()
	if active != nil && active.locale == locale {
		return
	}
	active = load(locale)
}

// Locale returns the locale that T translates into.
func Locale() string {
	return activeCatalog().locale
}

// T returns the text of message id in the selected locale, with the fields
// of data filled in. A message missing from the locale, or one whose
// template fails, falls back to en_US. A message missing from en_US too is
// returned as its ID, so a gap shows up in the output instead of an empty
// line.
func T(id string, data ...map[string]any) string {
	config := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 && data[0] != nil {
		config.TemplateData = data[0]
	}

	current := activeCatalog()
	if text, err := current.localizer.Localize(config); err == nil {
		return text
	}
	if current.locale == DefaultLocale {
		return id
	}
	if text, err := sourceCatalog().localizer.Localize(config); err == nil {
		return text
	}
	return id
}

func activeCatalog() *catalog {
	mu.Lock()
	defer mu.Unlock()
	if active == nil {
		active = load(Resolve("", os.Getenv))
	}
	return active
}

func sourceCatalog() *catalog {
	mu.Lock()
	defer mu.Unlock()
	if source == nil {
		source = load(DefaultLocale)
	}
	return source
}

// load returns the catalog of locale, or of en_US when locale's file
// cannot be parsed. TestEveryLocaleParses parses every embedded file, so
// the en_US fallback serves only a locale name that Resolve never returns.
func load(locale string) *catalog {
	c, err := parse(locale)
	if err != nil {
		// The en_US file is parsed by the same test, so this cannot fail
		// in a binary whose tests pass.
		c, _ = parse(DefaultLocale)
	}
	return c
}

// parse reads the embedded file of locale into a catalog.
func parse(locale string) (*catalog, error) {
	messages, err := Messages(locale)
	if err != nil {
		return nil, err
	}
	tag := language.Make(Tag(locale))
	bundle := goi18n.NewBundle(tag)
	for id, text := range messages {
		// go-i18n rejects a tag without a plural rule.
		if err := bundle.AddMessages(tag, &goi18n.Message{ID: id, Other: text}); err != nil {
			return nil, fmt.Errorf("add %s of %s: %w", id, locale, err)
		}
	}
	return &catalog{locale: locale, localizer: goi18n.NewLocalizer(bundle, tag.String())}, nil
}

// Messages returns the message ID to text map of locale's embedded file.
func Messages(locale string) (map[string]string, error) {
	name := "resources/all." + locale + ".json"
	data, err := resources.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read translations of %s: %w", locale, err)
	}
	var messages map[string]string
	if err := json.Unmarshal(data, &messages); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return messages, nil
}

// Tag turns an ibmcloud locale name such as zh_Hans into a BCP 47 tag.
func Tag(locale string) string {
	return strings.ReplaceAll(locale, "_", "-")
}

// Supported returns the locales that have an embedded translation file,
// sorted by name.
func Supported() []string {
	entries, err := resources.ReadDir("resources")
	if err != nil {
		return nil
	}
	var locales []string
	for _, entry := range entries {
		name, ok := strings.CutPrefix(entry.Name(), "all.")
		if !ok {
			continue
		}
		if name, ok = strings.CutSuffix(name, ".json"); ok {
			locales = append(locales, name)
		}
	}
	slices.Sort(locales)
	return locales
}

// localeVariables are the POSIX variables for the language of messages, in
// the order of precedence that setlocale(3) gives them.
var localeVariables = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// Resolve picks the locale of the messages. The host's configured locale
// wins when it is near a supported locale. Otherwise the first of LC_ALL,
// LC_MESSAGES and LANG that getenv returns non-empty decides, as it does for
// other programs: its nearest supported locale, or en_US when it is C, POSIX
// or a language without a translation. With none of them set, the locale
// is en_US.
func Resolve(hostLocale string, getenv func(string) string) string {
	if locale := match(hostLocale); locale != "" {
		return locale
	}
	for _, variable := range localeVariables {
		value := getenv(variable)
		if value == "" {
			continue
		}
		if locale := match(value); locale != "" {
			return locale
		}
		return DefaultLocale
	}
	return DefaultLocale
}

// match maps a locale name such as "fr_CA.UTF-8", "zh_TW" or "pt" to the
// nearest supported locale, or returns "" when none has its language. The
// language decides, and for Chinese the script, written or implied by the
// region: zh_CN and zh_SG are Simplified, zh_TW, zh_HK and zh_MO
// Traditional.
func match(name string) string {
	if i := strings.IndexAny(name, ".@"); i >= 0 {
		name = name[:i]
	}
	if name == "" || name == "C" || name == "POSIX" {
		return ""
	}
	tag, err := language.Parse(Tag(name))
	if err != nil {
		return ""
	}
	base, _ := tag.Base()
	script, _ := tag.Script()

	var sameLanguage []string
	for _, locale := range Supported() {
		supported := language.Make(Tag(locale))
		supportedBase, _ := supported.Base()
		if supportedBase == base {
			sameLanguage = append(sameLanguage, locale)
		}
	}
	switch len(sameLanguage) {
	case 0:
		return ""
	case 1:
		return sameLanguage[0]
	}
	for _, locale := range sameLanguage {
		supportedScript, _ := language.Make(Tag(locale)).Script()
		if supportedScript == script {
			return locale
		}
	}
	return sameLanguage[0]
}
