package endpoint

import (
	"errors"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestParseTargetAddrRejects(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"http://kms.example.com", "error.target-addr.http"},
		{"http://10.0.0.1:8080", "error.target-addr.http"},
		{"ftp://127.0.0.1", "error.target-addr.scheme"},
		{"https://user:pass@us-south.kms.cloud.ibm.com", "error.target-addr.user-info"},
		{"https://us-south.kms.cloud.ibm.com/api/v2", "error.target-addr.path"},
		{"https://us-south.kms.cloud.ibm.com?x=1", "error.target-addr.query"},
		{"https://us-south.kms.cloud.ibm.com#frag", "error.target-addr.query"},
		{"https://us-south.kms.cloud.ibm.com:99999", "error.target-addr.port"},
		{"us-south.kms.cloud.ibm.com", "error.target-addr.not-url"},
		{"::garbage::", "error.target-addr.not-url"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			_, err := ParseTargetAddr(tt.addr)
			assertID(t, err, tt.want)
		})
	}
}

func TestParseTargetAddrAcceptsLoopbackHTTP(t *testing.T) {
	for _, addr := range []string{"http://127.0.0.1:9", "http://localhost:8080", "http://[::1]:8080", "https://kms.example.com"} {
		if _, err := ParseTargetAddr(addr); err != nil {
			t.Errorf("ParseTargetAddr(%q): %v", addr, err)
		}
	}
}

func assertID(t *testing.T, err error, want string) {
	t.Helper()
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) {
		t.Fatalf("got error %v, want message %s", err, want)
	}
	if userErr.ID != want {
		t.Errorf("message ID = %s, want %s", userErr.ID, want)
	}
}
