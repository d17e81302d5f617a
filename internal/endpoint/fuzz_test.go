package endpoint

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func FuzzParseTargetAddr(f *testing.F) {
	for _, seed := range []string{
		"https://us-south.kms.cloud.ibm.com", "https://us-south.kms.cloud.ibm.com/",
		"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:443",
		"http://kp.example.com", "https://user:secret@kp.example.com",
		"https://kp.example.com/api/v2", "https://kp.example.com?x", "https://kp.example.com#x",
		"https://kp.example.com:99999", "ftp://kp.example.com", "not a url", "https://",
		"http://127.0.0.1.example.com", "https://%6bp.example.com", "https://kp.example.com:",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, addr string) {
		base, err := ParseTargetAddr(addr)
		if err != nil {
			checkRejection(t, addr, err)
			return
		}

		u, parseErr := url.Parse(base)
		if parseErr != nil {
			t.Fatalf("ParseTargetAddr(%q) = %q, which does not parse: %v", addr, base, parseErr)
		}
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http" && IsLoopback(u.Hostname()):
		default:
			t.Errorf("ParseTargetAddr(%q) = %q: scheme %q to host %q", addr, base, u.Scheme, u.Hostname())
		}
		if u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
			t.Errorf("ParseTargetAddr(%q) = %q, which has user info, a path, a query or a fragment", addr, base)
		}
		if u.Host == "" || base != (&url.URL{Scheme: u.Scheme, Host: u.Host}).String() {
			t.Errorf("ParseTargetAddr(%q) = %q, not SCHEME://HOST", addr, base)
		}
		if strings.IndexFunc(base, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			t.Errorf("ParseTargetAddr(%q) = %q, which contains white space or a control character", addr, base)
		}
		if again, err := ParseTargetAddr(base); err != nil || again != base {
			t.Errorf("ParseTargetAddr(%q) = %q, %v; want the same base URL back", base, again, err)
		}
	})
}

// checkRejection checks that a rejected address gets an incorrect-usage
// error whose message does not repeat a password from the address.
func checkRejection(t *testing.T, addr string, err error) {
	t.Helper()
	var userErr *usermsg.Error
	if !errors.As(err, &userErr) || !userErr.Usage {
		t.Fatalf("ParseTargetAddr(%q) = %v, want an incorrect-usage error", addr, err)
	}
	u, parseErr := url.Parse(addr)
	if parseErr != nil || u.User == nil {
		return
	}
	password, set := u.User.Password()
	if !set || len(password) < 4 || strings.Count(addr, password) != 1 {
		return
	}
	// The value is shown Go-quoted, and an escape such as \xb0 next to
	// digits could spell the password by chance, so compare the text the
	// quoting stands for.
	quoted, _ := userErr.Data["Value"].(string)
	shown, unquoteErr := strconv.Unquote(strings.TrimSuffix(quoted, "..."))
	if unquoteErr != nil {
		shown = quoted
	}
	if strings.Contains(shown, password) {
		t.Errorf("message value %s repeats the password of %q", quoted, addr)
	}
}

func FuzzParseServiceURL(f *testing.F) {
	for _, seed := range []string{
		"https://resource-controller.cloud.ibm.com", "http://127.0.0.1:8080/rc/", "https://gw.example.com/a%2Fb/",
		"https://user:secret@gw.example.com/x", "https://gw.example.com/x?y", "http://gw.example.com/x", "//x/y",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, value string) {
		base, err := ParseServiceURL("IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT", value)
		if err != nil {
			checkRejection(t, value, err)
			return
		}

		u, parseErr := url.Parse(base)
		if parseErr != nil {
			t.Fatalf("ParseServiceURL(%q) = %q, which does not parse: %v", value, base, parseErr)
		}
		if u.Scheme != "https" && (u.Scheme != "http" || !IsLoopback(u.Hostname())) {
			t.Errorf("ParseServiceURL(%q) = %q: scheme %q to host %q", value, base, u.Scheme, u.Hostname())
		}
		if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
			t.Errorf("ParseServiceURL(%q) = %q, which has user info, a query or a fragment", value, base)
		}
		if strings.HasSuffix(base, "/") {
			t.Errorf("ParseServiceURL(%q) = %q, which ends in a slash", value, base)
		}
		if strings.IndexFunc(base, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			t.Errorf("ParseServiceURL(%q) = %q, which contains white space or a control character", value, base)
		}
		if again, err := ParseServiceURL("IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT", base); err != nil || again != base {
			t.Errorf("ParseServiceURL(%q) = %q, %v; want the same base URL back", base, again, err)
		}
	})
}
