package keysync

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	keyA = "0b6f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b"
	keyB = "1c7a0d2f-3b4e-4f60-9b0c-1d2e3f4a5b6c"
)

func TestParseKeyFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
		invalid []int // line numbers
	}{
		{name: "one key per line", content: keyA + "\n" + keyB + "\n", want: []string{keyA, keyB}},
		{name: "no final line end", content: keyA + "\n" + keyB, want: []string{keyA, keyB}},
		{name: "crlf line ends", content: keyA + "\r\n" + keyB + "\r\n", want: []string{keyA, keyB}},
		{name: "utf-8 byte order mark", content: "\uFEFF" + keyA + "\n", want: []string{keyA}},
		{name: "blank lines and spaces", content: "\n  \n\t" + keyA + "  \n\n", want: []string{keyA}},
		{name: "comment lines", content: "# keys of bucket logs\n" + keyA + "\n  # " + keyB + "\n", want: []string{keyA}},
		{name: "comment after key", content: keyA + " # deleted on Monday\nmy-alias#note\n", want: []string{keyA, "my-alias"}},
		{name: "aliases", content: "payroll-root\nlogs_2026\n", want: []string{"payroll-root", "logs_2026"}},
		{name: "duplicates kept for dedup later", content: keyA + "\n" + keyA + "\n", want: []string{keyA, keyA}},
		{name: "only comments", content: "# nothing\n\n", want: nil},
		{name: "empty file", content: "", want: nil},
		{
			name:    "invalid lines numbered",
			content: keyA + "\n../etc/passwd\n\nkey\n" + keyB + "\na b\n",
			want:    []string{keyA, keyB},
			invalid: []int{2, 4, 6},
		},
		{name: "bom not at start is invalid", content: keyA + "\n\uFEFF" + keyB + "\n", want: []string{keyA}, invalid: []int{2}},
		{name: "bad uuid", content: "0b6f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5z\n", invalid: []int{1}},
		{name: "lone carriage return inside line", content: keyA + "\r" + keyB + "\n", invalid: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, invalid := parseKeyFile("keys.txt", []byte(tt.content))
			if !reflect.DeepEqual(keys, tt.want) {
				t.Errorf("keys = %q, want %q", keys, tt.want)
			}
			var lines []int
			for _, lineErr := range invalid {
				lines = append(lines, lineErr.Line)
				if lineErr.File != "keys.txt" {
					t.Errorf("line %d: file = %q, want keys.txt", lineErr.Line, lineErr.File)
				}
				if !lineErr.Err.Usage {
					t.Errorf("line %d: error %v is not a usage error", lineErr.Line, lineErr.Err)
				}
			}
			if !reflect.DeepEqual(lines, tt.invalid) {
				t.Errorf("invalid lines = %v, want %v", lines, tt.invalid)
			}
		})
	}
}

func TestReadKeyFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first, with comma.txt")
	if err := os.WriteFile(first, []byte(keyA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	keys, err := readKeyFiles([]string{first, StdinName}, strings.NewReader("alias-from-stdin\n"))
	if err != nil {
		t.Fatalf("readKeyFiles: %v", err)
	}
	if want := []string{keyA, "alias-from-stdin"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
}

func TestReadKeyFilesCollectsEveryFile(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "a.txt")
	second := filepath.Join(dir, "b.txt")
	if err := os.WriteFile(first, []byte("x\n"+keyA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, []byte(keyB+"\nnot/valid\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	_, err := readKeyFiles([]string{first, second}, nil)
	fileErr, ok := err.(*KeyFileError)
	if !ok {
		t.Fatalf("error = %v (%T), want *KeyFileError", err, err)
	}
	got := []LineError{}
	for _, line := range fileErr.Lines {
		got = append(got, LineError{File: line.File, Line: line.Line})
	}
	want := []LineError{{File: first, Line: 1}, {File: second, Line: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("invalid lines = %+v, want %+v", got, want)
	}
}

func TestReadKeyFilesMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.txt")
	_, err := readKeyFiles([]string{missing}, nil)
	if err == nil {
		t.Fatal("no error for a missing file")
	}
	if !strings.Contains(err.Error(), "error.file.unreadable") {
		t.Errorf("error = %v, want error.file.unreadable", err)
	}
}

func TestKeyFileErrorListsFirstLines(t *testing.T) {
	var lines []string
	for range maxLineErrorsShown + 5 {
		lines = append(lines, "bad/key")
	}
	_, invalid := parseKeyFile(StdinName, []byte(strings.Join(lines, "\n")))
	usage := (&KeyFileError{Lines: invalid}).UsageError()

	if !usage.Usage {
		t.Error("the error is not marked as incorrect usage")
	}
	if usage.Data["Count"] != maxLineErrorsShown+5 {
		t.Errorf("Count = %v, want %d", usage.Data["Count"], maxLineErrorsShown+5)
	}
	listed, _ := usage.Data["Lines"].(string)
	if got := strings.Count(listed, "standard input line "); got != maxLineErrorsShown {
		t.Errorf("%d lines listed, want %d:\n%s", got, maxLineErrorsShown, listed)
	}
	if !strings.Contains(listed, "5 more invalid lines") {
		t.Errorf("the hidden lines are not counted:\n%s", listed)
	}
}
