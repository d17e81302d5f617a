package keyprotect

import (
	"html"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMessageRunes bounds the service message that an Error carries. Key
// Protect's own messages are one sentence. A longer body comes from a proxy
// or a broken server, and its start is enough to recognise it.
const maxMessageRunes = 300

// ReadableMessage turns the message of a failed call into one line that is
// safe to print. An HTML page is reduced to its text. Control and format
// characters, which include terminal escape sequences, and invalid UTF-8
// become spaces, and runs of white space become one space. The result is cut
// at maxMessageRunes, and an empty message becomes the status text.
func ReadableMessage(message string, status int) string {
	if looksLikeMarkup(message) {
		message = html.UnescapeString(stripTags(message))
	}

	words := strings.FieldsFunc(message, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
	})
	text := strings.Join(words, " ")

	if utf8.RuneCountInString(text) > maxMessageRunes {
		text = string([]rune(text)[:maxMessageRunes]) + "..."
	}
	if text == "" {
		text = http.StatusText(status)
	}
	return text
}

func looksLikeMarkup(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "<") && strings.Contains(s, ">")
}

// stripTags replaces each <...> tag with a space. It is enough to read the
// text of an error page, but it is not an HTML parser.
func stripTags(s string) string {
	var b strings.Builder
	for {
		start := strings.IndexByte(s, '<')
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:start])
		b.WriteByte(' ')
		end := strings.IndexByte(s[start:], '>')
		if end < 0 {
			return b.String()
		}
		s = s[start+end+1:]
	}
}
