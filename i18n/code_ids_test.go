package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Message IDs reach T in many ways: directly, through usermsg.Usage and
// usermsg.Failure, validate's newError, the descriptionID fields of the
// metadata, and whatever helper comes next. Rather than follow each path,
// the test takes every string literal shaped like an ID in the source of
// the plug-in binary for a message ID, so a new path cannot hide one. A
// literal of that shape that is not a message ID belongs in notMessageIDs.

// notMessageIDs are string literals in the plug-in's source that have the
// shape of a message ID but are something else, with what they are.
var notMessageIDs = map[string]string{}

// idPartPattern matches a literal that looks like the start or the end of a
// message ID, such as "sync.error." or ".description", or an ID with a
// printf verb, such as "sync.error.%s". Such literals mark an ID built at
// run time, which no test could check.
var idPartPattern = regexp.MustCompile(`^([a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.|\.[a-z0-9-]+(\.[a-z0-9-]+)*|[a-z][a-z0-9-]*(\.[a-z0-9%-]+)*\.[a-z0-9-]*%[a-z][a-z0-9%-]*)$`)

// literalScan is what scanSource found in Go source files.
type literalScan struct {
	ids   map[string][]string // message ID to the positions that use it
	parts map[string][]string // literal shaped like part of an ID to its positions
}

func newLiteralScan() *literalScan {
	return &literalScan{ids: map[string][]string{}, parts: map[string][]string{}}
}

// builtIDs returns the positions of the literals that are the start or the
// end of one of ids, so that an ID is probably built from them at run
// time. Other literals of that shape, such as ".json", are left alone.
func (s *literalScan) builtIDs(ids []string) []string {
	var found []string
	for part, positions := range s.parts {
		head, _, _ := strings.Cut(part, "%")
		for _, id := range ids {
			isHead := strings.HasSuffix(head, ".") && strings.HasPrefix(id, head)
			isTail := strings.HasPrefix(part, ".") && strings.HasSuffix(id, part)
			if isHead || isTail {
				found = append(found, positions[0]+": "+part)
				break
			}
		}
	}
	slices.Sort(found)
	return found
}

// scanSource records the ID-shaped string literals of one file.
func (s *literalScan) scanSource(fset *token.FileSet, file *ast.File) {
	ast.Inspect(file, func(node ast.Node) bool {
		literal, ok := node.(*ast.BasicLit)
		if !ok || literal.Kind != token.STRING {
			return true
		}
		value, err := strconv.Unquote(literal.Value)
		if err != nil {
			return true
		}
		position := fset.Position(literal.Pos()).String()
		switch {
		case idPattern.MatchString(value):
			s.ids[value] = append(s.ids[value], position)
		case idPartPattern.MatchString(value):
			s.parts[value] = append(s.parts[value], position)
		}
		return true
	})
}

// binarySources returns the Go files of the plug-in's own packages that go
// into the binary, as `go list -deps` reports them for the module's main
// package, with the files that build constraints leave out on this system.
// Test files, the stand-in and testhost are not among them.
func binarySources(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=Dir,GoFiles,CgoFiles,IgnoredGoFiles,Module", "..")
	output, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}

	var files []string
	decoder := json.NewDecoder(strings.NewReader(string(output)))
	for decoder.More() {
		var pkg struct {
			Dir                               string
			GoFiles, CgoFiles, IgnoredGoFiles []string
			Module                            *struct{ Main bool }
		}
		if err := decoder.Decode(&pkg); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		if pkg.Module == nil || !pkg.Module.Main {
			continue
		}
		for _, name := range slices.Concat(pkg.GoFiles, pkg.CgoFiles, pkg.IgnoredGoFiles) {
			if !strings.HasSuffix(name, "_test.go") {
				files = append(files, filepath.Join(pkg.Dir, name))
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("go list -deps found no source file of the plug-in")
	}
	return files
}

// scanBinarySources scans every source file of the plug-in binary.
func scanBinarySources(t *testing.T) *literalScan {
	t.Helper()
	scan := newLiteralScan()
	fset := token.NewFileSet()
	for _, path := range binarySources(t) {
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		scan.scanSource(fset, file)
	}
	return scan
}

func TestScanSourceFindsEveryForm(t *testing.T) {
	const source = `package p

var commands = []spec{{descriptionID: "command.sync.description"}}

const progressID = "sync.progress"

func f() {
	T("sync.done", map[string]any{"Key": "k"})
	_ = usermsg.Usage("error.key.missing", nil)
	_ = newError("error.key.bad-uuid", s, nil)
	_ = T(` + "`error.internal`" + `)
	_ = T("sync.error." + kind)
	_ = T(fmt.Sprintf("sync.error.%s", kind))
	_ = T(kind + ".description")
	_ = "not an id"
	_ = "all." + locale + ".json"
	_ = "OK"
}
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", source, 0)
	if err != nil {
		t.Fatal(err)
	}
	scan := newLiteralScan()
	scan.scanSource(fset, file)

	var ids []string
	for id := range scan.ids {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want := []string{
		"command.sync.description", "error.internal", "error.key.bad-uuid",
		"error.key.missing", "sync.done", "sync.progress",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("IDs = %v, want %v", ids, want)
	}
	built := scan.builtIDs([]string{"sync.error.server", "command.sync.description"})
	if len(built) != 3 {
		t.Errorf("built IDs = %v, want the 3 parts joined at run time", built)
	}
}

func TestCodeIDsMatchLocaleFiles(t *testing.T) {
	scan := scanBinarySources(t)

	var english []string
	for id := range readLocaleFile(t, DefaultLocale) {
		english = append(english, id)
	}
	for _, part := range scan.builtIDs(english) {
		t.Errorf("%s: a message ID is built at run time; write each ID as one literal so the tests can check it", part)
	}
	used := map[string][]string{}
	for id, positions := range scan.ids {
		if notMessageIDs[id] == "" {
			used[id] = positions
		}
	}

	for _, locale := range Supported() {
		messages := readLocaleFile(t, locale)
		for id, positions := range used {
			if _, ok := messages[id]; !ok {
				t.Errorf("%s: message %s is missing from all.%s.json (or, if it is no message ID, belongs in notMessageIDs)",
					positions[0], id, locale)
			}
		}
		for id := range messages {
			if _, ok := used[id]; !ok {
				t.Errorf("all.%s.json has %s, which no source file of the plug-in uses", locale, id)
			}
		}
	}
}
