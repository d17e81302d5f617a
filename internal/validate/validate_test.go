package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestKeyIDOrAlias(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string // message ID, "" for accepted
	}{
		{"lower-case UUID", "94c06f9c-a07a-4961-8548-553cf7431f18", ""},
		{"upper-case UUID", "94C06F9C-A07A-4961-8548-553CF7431F18", ""},
		{"alias with dash and underscore", "my-root_key2", ""},
		{"two-character alias", "ab", ""},
		{"90-character alias", strings.Repeat("a", 90), ""},
		{"empty", "", "error.key.missing"},
		{"one character", "a", "error.key.alias-length"},
		{"91 characters", strings.Repeat("a", 91), "error.key.alias-length"},
		{"10,000 characters", strings.Repeat("k", 10000), "error.key.alias-length"},
		{"UUID shape with non-hex", "94c06f9c-a07a-4961-8548-553cf7431fzz", "error.key.bad-uuid"},
		{"path traversal", "../keys", "error.key.alias-character"},
		{"encoded slash", "a%2Fb", "error.key.alias-character"},
		{"query", "key?x=1", "error.key.alias-character"},
		{"fragment", "key#1", "error.key.alias-character"},
		{"space", "my key", "error.key.alias-character"},
		{"control character", "key\x00", "error.key.alias-character"},
		{"non-ASCII", "schlüssel", "error.key.alias-character"},
		{"reserved word", "keys", "error.key.alias-reserved"},
		{"reserved word rotate", "rotate", "error.key.alias-reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := KeyIDOrAlias(tt.input)
			assertMessage(t, err, tt.want)
		})
	}
}

func TestInstanceID(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"UUID", "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c", ""},
		{"empty", "", "error.instance.missing"},
		{"name instead of ID", "my-kp-instance", "error.instance.invalid"},
		{"UUID without hyphens", "8d4f1b2a5c3e4f6a9b7c0d1e2f3a4b5c", "error.instance.invalid"},
		{"UUID in braces", "{8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c}", "error.instance.invalid"},
		{"CRN", "crn:v1:bluemix:public:kms:us-south:a/1:8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c::", "error.instance.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertMessage(t, InstanceID(tt.input), tt.want)
		})
	}
}

func TestKeyRing(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"default ring", "default", ""},
		{"ring with hyphen", "payments-ring-1", ""},
		{"one character", "a", "error.key-ring.invalid"},
		{"underscore", "my_ring", "error.key-ring.invalid"},
		{"header injection", "ring\r\nX-Evil: 1", "error.key-ring.invalid"},
		{"101 characters", strings.Repeat("r", 101), "error.key-ring.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertMessage(t, KeyRing(tt.input), tt.want)
		})
	}
}

func TestOutputFormat(t *testing.T) {
	tests := []struct {
		input string
		want  string
		err   bool
	}{
		{"", "table", false},
		{"json", "json", false},
		{"JSON", "json", false},
		{"table", "table", false},
		{"yaml", "", true},
	}
	for _, tt := range tests {
		got, err := OutputFormat(tt.input)
		if (err != nil) != tt.err {
			t.Errorf("OutputFormat(%q) error = %v, want error %v", tt.input, err, tt.err)
		}
		if got != tt.want {
			t.Errorf("OutputFormat(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}

func TestErrorShowsValueQuotedAndCut(t *testing.T) {
	err := KeyIDOrAlias("bad\x1bkey" + strings.Repeat("x", 200))
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) {
		t.Fatalf("error %v is not a *usermsg.Error", err)
	}
	shown := userErr.Data["Value"].(string)
	if strings.ContainsRune(shown, '\x1b') {
		t.Errorf("shown value %q contains the raw escape character", shown)
	}
	if len(shown) > 80 {
		t.Errorf("shown value has %d characters, want it cut to about 60", len(shown))
	}
	if !userErr.Usage {
		t.Error("Usage = false, want true for invalid input")
	}
}

func assertMessage(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) {
		t.Fatalf("got error %v, want message %s", err, want)
	}
	if userErr.ID != want {
		t.Errorf("message ID = %s, want %s", userErr.ID, want)
	}
}

func TestAliasCharacterNamesRune(t *testing.T) {
	err := KeyIDOrAlias("schlüssel")
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) {
		t.Fatalf("error %v is not a *usermsg.Error", err)
	}
	if got := userErr.Data["Position"]; got != 5 {
		t.Errorf("Position = %v, want 5, counted in characters", got)
	}
	if got := userErr.Data["Character"]; got != "'ü'" {
		t.Errorf("Character = %v, want 'ü'", got)
	}
}
