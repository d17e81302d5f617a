package hostconfig

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	tests := []struct {
		name string
		path string
		want string
	}{
		{"valid object", write("valid.json", `{"Region": "us-south"}`), ""},
		{"missing", filepath.Join(dir, "absent.json"), "error.config.missing"},
		{"truncated", write("truncated.json", `{"Region": "us-so`), "error.config.corrupt"},
		{"empty", write("empty.json", ""), "error.config.corrupt"},
		{"array instead of object", write("array.json", `[]`), "error.config.corrupt"},
		{"folder instead of file", dir, "error.config.unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) || userErr.ID != tt.want {
				t.Fatalf("error = %v, want %s", err, tt.want)
			}
			if userErr.Data["Path"] != tt.path {
				t.Errorf("Path = %v, want %s", userErr.Data["Path"], tt.path)
			}
		})
	}
}
