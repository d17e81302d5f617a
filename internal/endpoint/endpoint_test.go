package endpoint

import "testing"

func TestHideUserInfo(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"https://user:secret@kp.example.com", "https://***@kp.example.com"},
		{"https://user:secret@kp.example.com/path@x", "https://***@kp.example.com/path@x"},
		{"https://a@b@kp.example.com?q=@", "https://***@kp.example.com?q=@"},
		{"//user:secret@kp.example.com", "//***@kp.example.com"},
		{"https://user:sec ret@kp example", "https://***@kp example"},
		{"https://kp.example.com", "https://kp.example.com"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := hideUserInfo(tt.addr); got != tt.want {
			t.Errorf("hideUserInfo(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestParseTargetAddrKeepsIPv6Zone(t *testing.T) {
	got, err := ParseTargetAddr("https://[fe80::1%25en0]:8443/")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://[fe80::1%25en0]:8443"; got != want {
		t.Errorf("ParseTargetAddr = %q, want %q", got, want)
	}
}
