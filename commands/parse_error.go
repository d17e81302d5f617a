package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

// Beginnings of the errors that urfave/cli v3.14 (command_parse.go) returns
// for an unknown option and for an option without its value. The library
// exports no error type for them, and its own flagFromError matches the
// first one the same way.
const (
	cliUnknownOption = "flag provided but not defined: -"
	cliMissingValue  = "flag needs an argument: "
)

// ParseError turns an error from parsing a command line with urfave/cli
// into an incorrect-usage error with a translated message. An error the
// plug-in does not recognise keeps the library's English text under
// error.arguments.
func ParseError(err error) *usermsg.Error {
	text := err.Error()
	if name, ok := strings.CutPrefix(text, cliUnknownOption); ok {
		return usermsg.Usage("error.option.unknown", map[string]any{"Option": optionName(name)})
	}
	if name, ok := strings.CutPrefix(text, cliMissingValue); ok {
		return usermsg.Usage("error.option.missing-value", map[string]any{"Option": optionName(name)})
	}
	return usermsg.Usage("error.arguments", map[string]any{"Error": text})
}

// optionName writes an option the way the help shows it, "-i" or
// "--instance-id", whatever dashes the library left on it, and quoted so
// that odd characters stay visible.
func optionName(name string) string {
	name = strings.TrimLeft(name, "-")
	if utf8.RuneCountInString(name) == 1 {
		return usermsg.Quote("-" + name)
	}
	return usermsg.Quote("--" + name)
}
