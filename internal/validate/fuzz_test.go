package validate

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func FuzzKeyIDOrAlias(f *testing.F) {
	for _, seed := range []string{
		"8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5f60", "payroll-root", "a_b", "ab",
		"../keys", "a%2Fb", "a/b", "a?b", "a#b", "a b", "a\nb", "schlüssel",
		"..", "keys", "8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5fzz", strings.Repeat("a", 91), "",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, key string) {
		err := KeyIDOrAlias(key)
		if err != nil {
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) || !userErr.Usage {
				t.Errorf("KeyIDOrAlias(%q) = %v, want an incorrect-usage error", key, err)
			}
			return
		}

		if len(key) < aliasMinLength || len(key) > aliasMaxLength {
			t.Errorf("accepted %q of length %d", key, len(key))
		}
		if strings.ContainsAny(key, "/?#% .\\") {
			t.Errorf("accepted %q with a character that changes a URL path", key)
		}
		for i := 0; i < len(key); i++ {
			if key[i] <= ' ' || key[i] >= 0x7f {
				t.Errorf("accepted %q with byte %#x at %d", key, key[i], i)
			}
		}
		if escaped := url.PathEscape(key); escaped != key {
			t.Errorf("accepted %q, which url.PathEscape changes to %q", key, escaped)
		}
		if !IsUUID(key) && reservedAliases[key] {
			t.Errorf("accepted the reserved word %q", key)
		}
	})
}

func FuzzInstanceID(f *testing.F) {
	for _, seed := range []string{"8e3f4c8a-2b1d-4c5e-9f7a-1b2c3d4e5f60", "../x", "8e3f4c8a 2b1d 4c5e 9f7a 1b2c3d4e5f60", ""} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, instance string) {
		if InstanceID(instance) != nil {
			return
		}
		if !IsUUID(instance) || url.PathEscape(instance) != instance {
			t.Errorf("accepted instance ID %q", instance)
		}
	})
}
