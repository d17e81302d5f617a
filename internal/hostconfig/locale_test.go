package hostconfig

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocale(t *testing.T) {
	tests := []struct {
		name    string
		content string // "" writes no file
		want    string
	}{
		{name: "locale set", content: `{"APIEndpoint": "https://cloud.ibm.com", "Locale": "ja_JP"}`, want: "ja_JP"},
		{name: "locale unset", content: `{"APIEndpoint": "https://cloud.ibm.com"}`, want: ""},
		{name: "locale not a string", content: `{"Locale": 7}`, want: ""},
		{name: "file not JSON", content: `{"Locale": "ja_JP"`, want: ""},
		{name: "file missing", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.json")
			if tt.content != "" {
				if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if got := Locale(path); got != tt.want {
				t.Errorf("Locale() = %q, want %q", got, tt.want)
			}
		})
	}
}
