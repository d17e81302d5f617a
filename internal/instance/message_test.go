package instance

import (
	"strings"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"resource controller error", `{"message":"Instance not found","status_code":404}`, 404, "Instance not found"},
		{"message with escape sequence", `{"message":"denied\u001b[31m now"}`, 403, "denied [31m now"},
		{"html page", "<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "502 Bad Gateway"},
		{"empty body", "", 503, "Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorMessage([]byte(tt.body), tt.status); got != tt.want {
				t.Errorf("errorMessage(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestErrorMessageLongBody(t *testing.T) {
	got := errorMessage([]byte(strings.Repeat("x", 1<<20)), 500)

	if len(got) > 400 {
		t.Errorf("errorMessage of 1 MiB has %d bytes, want at most about 300", len(got))
	}
}
