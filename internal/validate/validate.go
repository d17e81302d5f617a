// Package validate checks user input before anything is sent to Key Protect.
//
// keyprotect-go-client formats key IDs and aliases into the URL path without
// escaping, so these checks are what keeps "../", "?", "#" and "%2F" out of
// the requests. Each check returns a *usermsg.Error that names the value and
// states what is expected.
package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func newError(id, value string, data map[string]any) *usermsg.Error {
	if data == nil {
		data = map[string]any{}
	}
	data["Value"] = usermsg.Quote(value)
	return usermsg.Usage(id, data)
}

// Alias limits from the Key Protect API reference.
const (
	aliasMinLength   = 2
	aliasMaxLength   = 90
	keyRingMinLength = 2
	keyRingMaxLength = 100
)

// reservedAliases are words that Key Protect does not accept as an alias
// because they clash with routes of its API.
var reservedAliases = map[string]bool{
	"allowed_ip": true, "key": true, "keys": true, "metadata": true,
	"policy": true, "policies": true, "registration": true,
	"registrations": true, "ring": true, "rings": true, "rotate": true,
	"wrap": true, "unwrap": true, "rewrap": true, "version": true,
	"versions": true,
}

// IsUUID reports whether s is a UUID in its canonical 8-4-4-4-12 hexadecimal
// form, the only form Key Protect uses for key and instance IDs.
func IsUUID(s string) bool {
	if !isUUIDShaped(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isHyphenPosition(i) {
			continue
		}
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// KeyIDOrAlias checks a key given by ID or alias.
func KeyIDOrAlias(s string) error {
	switch {
	case s == "":
		return newError("error.key.missing", s, nil)
	case IsUUID(s):
		return nil
	case isUUIDShaped(s):
		return newError("error.key.bad-uuid", s, nil)
	case len(s) < aliasMinLength || len(s) > aliasMaxLength:
		return newError("error.key.alias-length", s, map[string]any{
			"Length": len(s), "Min": aliasMinLength, "Max": aliasMaxLength,
		})
	}
	position := 0
	for _, r := range s {
		position++
		if r >= utf8.RuneSelf || !isAliasByte(byte(r)) {
			return newError("error.key.alias-character", s, map[string]any{
				"Position":  position,
				"Character": strconv.QuoteRune(r),
			})
		}
	}
	if reservedAliases[s] {
		return newError("error.key.alias-reserved", s, nil)
	}
	return nil
}

// InstanceID checks a Key Protect instance ID.
func InstanceID(s string) error {
	if s == "" {
		return newError("error.instance.missing", s, nil)
	}
	if !IsUUID(s) {
		return newError("error.instance.invalid", s, nil)
	}
	return nil
}

// KeyRing checks a key ring ID: 2 to 100 letters, digits and hyphens, as the
// Key Protect API reference gives it.
func KeyRing(s string) error {
	if len(s) < keyRingMinLength || len(s) > keyRingMaxLength {
		return newError("error.key-ring.invalid", s, nil)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetterOrDigit(c) && c != '-' {
			return newError("error.key-ring.invalid", s, nil)
		}
	}
	return nil
}

// OutputFormat checks the value of -o and returns it in lower case. The empty
// string and "table" select the text output.
func OutputFormat(s string) (string, error) {
	format := strings.ToLower(s)
	switch format {
	case "", "table":
		return "table", nil
	case "json":
		return "json", nil
	}
	return "", newError("error.output.invalid", s, nil)
}

func isUUIDShaped(s string) bool {
	if len(s) != 36 {
		return false
	}
	for _, i := range []int{8, 13, 18, 23} {
		if s[i] != '-' {
			return false
		}
	}
	return true
}

func isHyphenPosition(i int) bool {
	return i == 8 || i == 13 || i == 18 || i == 23
}

func isHexDigit(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func isLetterOrDigit(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isAliasByte(c byte) bool {
	return isLetterOrDigit(c) || c == '-' || c == '_'
}
