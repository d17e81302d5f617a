package keysync

import (
	"errors"
	"reflect"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestParseBatchForms(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      Options
		wantBatch bool
	}{
		{
			name: "single key",
			args: []string{keyA, "-i", "x"},
			want: Options{Keys: []string{keyA}, InstanceID: "x"},
		},
		{
			name:      "several keys",
			args:      []string{keyA, keyB, "alias-c"},
			want:      Options{Keys: []string{keyA, keyB, "alias-c"}},
			wantBatch: true,
		},
		{
			name:      "the same key twice is a batch",
			args:      []string{keyA, keyA},
			want:      Options{Keys: []string{keyA, keyA}},
			wantBatch: true,
		},
		{
			name:      "file with comma kept whole",
			args:      []string{"--file", "a,b.txt"},
			want:      Options{Files: []string{"a,b.txt"}},
			wantBatch: true,
		},
		{
			name:      "two files and stdin",
			args:      []string{"--file", "a.txt", "--file=-", "--file", "b.txt"},
			want:      Options{Files: []string{"a.txt", "-", "b.txt"}},
			wantBatch: true,
		},
		{
			name:      "all registered with parallel",
			args:      []string{"--all-registered", "--parallel", "16", "-o", "json"},
			want:      Options{AllRegistered: true, Parallel: 16, Output: "json"},
			wantBatch: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := Parse(tt.args)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(*opts, tt.want) {
				t.Errorf("options = %+v, want %+v", *opts, tt.want)
			}
			if opts.Batch() != tt.wantBatch {
				t.Errorf("Batch() = %v, want %v", opts.Batch(), tt.wantBatch)
			}
		})
	}
}

func TestParseBatchErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no key", args: []string{"-i", "x"}, want: "error.key.missing"},
		{name: "keys and file", args: []string{keyA, "--file", "k.txt"}, want: "error.key.sources-conflict"},
		{name: "keys and all registered", args: []string{keyA, "--all-registered"}, want: "error.key.sources-conflict"},
		{name: "file and all registered", args: []string{"--file", "k.txt", "--all-registered"}, want: "error.key.sources-conflict"},
		{name: "stdin twice", args: []string{"--file", "-", "--file", "-"}, want: "error.file.stdin-twice"},
		{name: "empty file name", args: []string{"--file="}, want: "error.file.empty-name"},
		{name: "parallel not a number", args: []string{keyA, "--parallel", "many"}, want: "error.parallel.invalid"},
		{name: "parallel zero", args: []string{keyA, "--parallel=0"}, want: "error.parallel.invalid"},
		{name: "parallel above max", args: []string{keyA, "--parallel", "33"}, want: "error.parallel.invalid"},
		{name: "parallel missing value", args: []string{keyA, "--parallel"}, want: "error.option.missing-value"},
		{name: "unknown flag", args: []string{keyA, "--everything"}, want: "error.option.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.args)
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) {
				t.Fatalf("error = %v, want a *usermsg.Error", err)
			}
			if userErr.ID != tt.want {
				t.Errorf("message ID = %s, want %s", userErr.ID, tt.want)
			}
			if !userErr.Usage {
				t.Error("the error is not marked as incorrect usage")
			}
		})
	}
}

func TestUniqueKeys(t *testing.T) {
	keys, dropped := uniqueKeys([]string{keyB, keyA, keyB, "alias", keyA, "Alias"})
	if want := []string{keyB, keyA, "alias", "Alias"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
	if dropped != 2 {
		t.Errorf("dropped = %d, want 2", dropped)
	}
}
