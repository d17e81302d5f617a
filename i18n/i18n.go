// Package i18n translates every user-facing string of the plug-in.
//
// The translations live in resources/all.LOCALE.json, one flat JSON object of
// message ID to text per locale, embedded in the binary. Texts use Go template
// fields such as {{.Key}}, never positional arguments, so that a translation
// may reorder them.
package i18n

import (
	"embed"
	"encoding/json"
	"os"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// DefaultLocale is the source locale; every other locale translates it.
const DefaultLocale = "en_US"

//go:embed resources/all.*.json
var resources embed.FS

var (
	mu        sync.Mutex
	localizer *goi18n.Localizer
	current   string
)

// Init selects the locale for all later calls to T. The host's configured
// locale wins; when it is empty or not supported, the POSIX locale
// variables decide, and en_US is the last resort. Only the file of the
// chosen locale is parsed.
func Init(hostLocale string) {
	locale := Resolve(hostLocale, os.Getenv)

	mu.Lock()
	defer mu.Unlock()
	load(locale)
}

// Locale returns the locale that T translates into.
func Locale() string {
	mu.Lock()
	defer mu.Unlock()
	if localizer == nil {
		load(Resolve("", os.Getenv))
	}
	return current
}

// T returns the text of message id in the selected locale, with the fields
// of data filled in. A message missing from the locale falls back to en_US,
// and a message missing from en_US too is returned as its ID, so a gap shows
// up in the output instead of an empty line.
func T(id string, data ...map[string]any) string {
	mu.Lock()
	if localizer == nil {
		load(Resolve("", os.Getenv))
	}
	l := localizer
	mu.Unlock()

	config := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		config.TemplateData = data[0]
	}
	text, err := l.Localize(config)
	if err != nil || text == "" {
		return fallback(id, config)
	}
	return text
}

// fallback translates id from en_US, parsing that file only when a message
// is missing from the selected locale.
func fallback(id string, config *goi18n.LocalizeConfig) string {
	mu.Lock()
	defer mu.Unlock()
	if current == DefaultLocale {
		return id
	}
	bundle := goi18n.NewBundle(language.AmericanEnglish)
	if err := parse(bundle, DefaultLocale); err != nil {
		return id
	}
	text, err := goi18n.NewLocalizer(bundle, "en-US").Localize(config)
	if err != nil {
		return id
	}
	return text
}

// load must be called with mu held.
func load(locale string) {
	bundle := goi18n.NewBundle(language.AmericanEnglish)
	if err := parse(bundle, locale); err != nil {
		locale = DefaultLocale
		// The en_US file is embedded and checked by the tests, so this
		// cannot fail in a released binary.
		_ = parse(bundle, locale)
	}
	localizer = goi18n.NewLocalizer(bundle, Tag(locale))
	current = locale
}

func parse(bundle *goi18n.Bundle, locale string) error {
	data, err := resources.ReadFile("resources/all." + locale + ".json")
	if err != nil {
		return err
	}
	var messages map[string]string
	if err := json.Unmarshal(data, &messages); err != nil {
		return err
	}
	tag := language.Make(Tag(locale))
	for id, text := range messages {
		if err := bundle.AddMessages(tag, &goi18n.Message{ID: id, Other: text}); err != nil {
			return err
		}
	}
	return nil
}

// Tag turns an ibmcloud locale name such as zh_Hans into a BCP 47 tag.
func Tag(locale string) string {
	return strings.ReplaceAll(locale, "_", "-")
}

// Supported returns the locales that have a translation file.
func Supported() []string {
	entries, err := resources.ReadDir("resources")
	if err != nil {
		return nil
	}
	var locales []string
	for _, entry := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(entry.Name(), "all."), ".json")
		locales = append(locales, name)
	}
	return locales
}

// Resolve picks the supported locale for the host's configured locale, else
// for LC_ALL, LC_MESSAGES or LANG as getenv returns them, else en_US.
func Resolve(hostLocale string, getenv func(string) string) string {
	candidates := []string{hostLocale, getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG")}
	for _, candidate := range candidates {
		if locale := match(candidate); locale != "" {
			return locale
		}
	}
	return DefaultLocale
}

// match maps a locale name such as "fr_CA.UTF-8", "zh-TW" or "pt" to the
// nearest supported locale, or returns "" when none is near enough.
func match(name string) string {
	if i := strings.IndexAny(name, ".@"); i >= 0 {
		name = name[:i]
	}
	if name == "" || name == "C" || name == "POSIX" {
		return ""
	}
	name = strings.ReplaceAll(name, "-", "_")

	supported := Supported()
	for _, locale := range supported {
		if strings.EqualFold(locale, name) {
			return locale
		}
	}

	language, region, _ := strings.Cut(name, "_")
	language = strings.ToLower(language)
	if language == "zh" {
		switch strings.ToUpper(region) {
		case "TW", "HK", "MO", "HANT":
			return pick(supported, "zh_Hant")
		default:
			return pick(supported, "zh_Hans")
		}
	}
	for _, locale := range supported {
		if strings.HasPrefix(strings.ToLower(locale), language+"_") {
			return locale
		}
	}
	return ""
}

func pick(supported []string, locale string) string {
	for _, candidate := range supported {
		if candidate == locale {
			return locale
		}
	}
	return ""
}
