package i18n

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"unicode"
)

// idPattern is the shape of a message ID: dotted lower-case words, as in
// "sync.error.server".
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$`)

// placeholderPattern matches a template action such as {{.Key}}.
var placeholderPattern = regexp.MustCompile(`\{\{[^}]*\}\}`)

// sameAsEnglish lists the messages whose correct translation is the English
// text, per locale, with the reason. Any other message equal to en_US is
// reported as untranslated.
var sameAsEnglish = map[string]map[string]string{
	"de_DE": {
		"help.name":                   "NAME is also the German word for the help section heading",
		"registrations.table.service": "Service is the word IBM Cloud uses in German too",
	},
	"fr_FR": {
		"registrations.table.service": "Service is also the French word",
	},
}

// readLocaleFile returns the messages of the embedded file of locale and
// fails the test unless it is one flat JSON object of string values with
// sorted, unique keys, the layout that keeps merges of parallel changes
// simple.
func readLocaleFile(t *testing.T, locale string) map[string]string {
	t.Helper()
	name := "resources/all." + locale + ".json"
	data, err := resources.ReadFile(name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if err := checkFlatSorted(data); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var messages map[string]string
	if err := json.Unmarshal(data, &messages); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return messages
}

// checkFlatSorted reports the first key of data, a JSON object, that is out
// of order, repeated, not shaped like a message ID, or whose value is not a
// non-empty string.
func checkFlatSorted(data []byte) error {
	decoder := json.NewDecoder(strings.NewReader(string(data)))
	if token, err := decoder.Token(); err != nil || token != json.Delim('{') {
		return fmt.Errorf("not a JSON object")
	}
	previous := ""
	for decoder.More() {
		token, err := decoder.Token()
		if err != nil {
			return err
		}
		key := token.(string)
		if !idPattern.MatchString(key) {
			return fmt.Errorf("key %q is not a message ID of dotted lower-case words", key)
		}
		if key <= previous {
			return fmt.Errorf("key %q is repeated or not in sorted order after %q", key, previous)
		}
		previous = key

		var value any
		if err := decoder.Decode(&value); err != nil {
			return fmt.Errorf("value of %q: %w", key, err)
		}
		if text, ok := value.(string); !ok || text == "" {
			return fmt.Errorf("value of %q is not a non-empty string", key)
		}
	}
	return nil
}

func TestCheckFlatSortedRejects(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{name: "array", data: `["a.b"]`},
		{name: "unsorted keys", data: `{"b.c": "x", "a.b": "y"}`},
		{name: "repeated key", data: `{"a.b": "x", "a.b": "y"}`},
		{name: "nested object", data: `{"a.b": {"c": "x"}}`},
		{name: "empty text", data: `{"a.b": ""}`},
		{name: "key not an ID", data: `{"Hello": "x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkFlatSorted([]byte(tt.data)); err == nil {
				t.Errorf("checkFlatSorted(%s) = nil, want an error", tt.data)
			}
		})
	}
}

func TestLocaleFilesHaveEnglishIDs(t *testing.T) {
	english := readLocaleFile(t, DefaultLocale)
	for _, locale := range Supported() {
		messages := readLocaleFile(t, locale)
		for id := range english {
			if _, ok := messages[id]; !ok {
				t.Errorf("%s lacks %s, which en_US has", locale, id)
			}
		}
		for id := range messages {
			if _, ok := english[id]; !ok {
				t.Errorf("%s has %s, which en_US lacks", locale, id)
			}
		}
	}
}

// placeholders returns the template actions of text, sorted, with repeats.
func placeholders(text string) []string {
	found := placeholderPattern.FindAllString(text, -1)
	slices.Sort(found)
	return found
}

func TestPlaceholdersMatchEnglish(t *testing.T) {
	english := readLocaleFile(t, DefaultLocale)
	for _, locale := range Supported() {
		for id, text := range readLocaleFile(t, locale) {
			want := placeholders(english[id])
			if got := placeholders(text); !slices.Equal(got, want) {
				t.Errorf("%s %s has placeholders %v, en_US has %v", locale, id, got, want)
			}
		}
	}
}

// printfVerb matches a fmt verb such as %s or %[1]d, which would mean a
// message expects positional arguments.
var printfVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

func TestTemplatesExecute(t *testing.T) {
	for _, locale := range Supported() {
		for id, text := range readLocaleFile(t, locale) {
			if printfVerb.MatchString(text) {
				t.Errorf("%s %s contains a printf verb; use a named {{.Field}}: %q", locale, id, text)
			}
			parsed, err := template.New(id).Option("missingkey=error").Parse(text)
			if err != nil {
				t.Errorf("%s %s: %v", locale, id, err)
				continue
			}
			data := map[string]any{}
			for _, action := range placeholders(text) {
				field := strings.TrimSuffix(strings.TrimPrefix(action, "{{."), "}}")
				data[field] = "VALUE"
			}
			var b strings.Builder
			if err := parsed.Execute(&b, data); err != nil {
				t.Errorf("%s %s: %v", locale, id, err)
			}
		}
	}
}

// hasWords reports whether text has letters outside its placeholders, so
// that a translation would differ from the English.
func hasWords(text string) bool {
	return strings.IndexFunc(placeholderPattern.ReplaceAllString(text, ""), unicode.IsLetter) >= 0
}

// untranslated returns the IDs whose text in messages equals the English
// text although it has words, except the IDs allowed to be equal.
func untranslated(english, messages map[string]string, allowed map[string]string) []string {
	var ids []string
	for id, text := range messages {
		if text == english[id] && hasWords(text) && allowed[id] == "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestLocalesAreTranslated(t *testing.T) {
	english := readLocaleFile(t, DefaultLocale)
	for _, locale := range Supported() {
		if locale == DefaultLocale {
			continue
		}
		if ids := untranslated(english, readLocaleFile(t, locale), sameAsEnglish[locale]); len(ids) > 0 {
			t.Errorf("%s has the en_US text for %d messages; translate them or list them in sameAsEnglish with the reason: %v",
				locale, len(ids), ids)
		}
	}
}

func TestUntranslatedCopyFails(t *testing.T) {
	english := readLocaleFile(t, DefaultLocale)
	copied := map[string]string{}
	var want []string
	for id, text := range english {
		copied[id] = text
		if hasWords(text) {
			want = append(want, id)
		}
	}
	slices.Sort(want)

	got := untranslated(english, copied, sameAsEnglish["de_DE"])
	if len(got) == 0 {
		t.Fatal("an untranslated copy of en_US passes the check")
	}
	for _, id := range want {
		if _, excused := sameAsEnglish["de_DE"][id]; !excused && !slices.Contains(got, id) {
			t.Errorf("untranslated copy: %s not reported", id)
		}
	}
	if slices.Contains(got, "error.arguments") {
		t.Error("error.arguments, a bare placeholder, reported as untranslated")
	}
}

// fixedTermPatterns find what a translation must repeat exactly: commands
// and values in single quotes, environment variables and other names in
// capitals with underscores, URLs, and options such as -i.
var fixedTermPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?:^|[\s(])('[^'\n]+')`),
	regexp.MustCompile(`\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b`),
	regexp.MustCompile(`(https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)?)`),
	regexp.MustCompile(`(?:^|\s)(--?[a-z][a-z-]*)\b`),
}

// fixedNames are product names, protocol terms and the HTTP status text
// that stay in English in every locale.
var fixedNames = []string{"IBM Cloud", "Key Protect", "ibmcloud", "JSON", "UUID", "TLS", "429 Too Many Requests"}

// fixedTerms returns the parts of an English text that every translation
// must contain unchanged.
func fixedTerms(text string) []string {
	var terms []string
	for _, pattern := range fixedTermPatterns {
		for _, match := range pattern.FindAllStringSubmatch(text, -1) {
			terms = append(terms, match[1])
		}
	}
	for _, name := range fixedNames {
		if strings.Contains(text, name) {
			terms = append(terms, name)
		}
	}
	return terms
}

func TestFixedTerms(t *testing.T) {
	text := "Invalid {{.Variable}} value: run 'ibmcloud target -r REGION' or set KP_TARGET_ADDR to https://us-south.kms.cloud.ibm.com. The instance's Key Protect ID, -i INSTANCE_ID, '-' and '_'."
	want := []string{
		"'ibmcloud target -r REGION'", "'-'", "'_'",
		"KP_TARGET_ADDR", "INSTANCE_ID",
		"https://us-south.kms.cloud.ibm.com",
		"-r", "-i",
		"Key Protect", "ibmcloud",
	}
	if got := fixedTerms(text); !slices.Equal(got, want) {
		t.Errorf("fixedTerms() =\n%q\nwant\n%q", got, want)
	}
}

func TestTranslationsKeepFixedTerms(t *testing.T) {
	english := readLocaleFile(t, DefaultLocale)
	for _, locale := range Supported() {
		for id, text := range readLocaleFile(t, locale) {
			for _, term := range fixedTerms(english[id]) {
				if !strings.Contains(text, term) {
					t.Errorf("%s %s lacks %q, which stays as in en_US: %q", locale, id, term, text)
				}
			}
		}
	}
}
