package keysync

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
)

// StdinName is the --file value that reads the keys from standard input.
const StdinName = "-"

// maxKeyFileBytes bounds a key file. A line is at most 90 characters plus
// its line end, so 64 MiB allows more than 600,000 keys while a wrong file,
// such as a disk image, fails fast instead of filling memory.
const maxKeyFileBytes = 64 << 20

// maxLineErrorsShown is how many invalid lines the usage error lists; the
// message counts the others.
const maxLineErrorsShown = 20

// utf8BOM is the byte order mark some Windows editors put at the start of a
// UTF-8 file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// LineError is an invalid line of a key file.
type LineError struct {
	File string // the --file value, "-" for stdin
	Line int
	Err  *usermsg.Error
}

// KeyFileError lists the invalid lines of the key files of one run. Run
// reports it as incorrect usage before any request is sent.
type KeyFileError struct {
	Lines []LineError
}

func (e *KeyFileError) Error() string {
	return fmt.Sprintf("%d invalid lines in the key files", len(e.Lines))
}

// UsageError returns the incorrect-usage message that lists the first
// invalid lines with their file and line number, and counts the rest.
func (e *KeyFileError) UsageError() *usermsg.Error {
	listed := e.Lines[:min(len(e.Lines), maxLineErrorsShown)]
	lines := make([]string, 0, len(listed)+1)
	for _, invalid := range listed {
		lines = append(lines, i18n.T("error.file.invalid-line", map[string]any{
			"File": displayName(invalid.File), "Line": invalid.Line, "Error": commands.Message(invalid.Err),
		}))
	}
	if hidden := len(e.Lines) - len(listed); hidden > 0 {
		lines = append(lines, i18n.T("error.file.more-invalid-lines", map[string]any{"Count": hidden}))
	}
	return usermsg.Usage("error.file.invalid-lines", map[string]any{
		"Count": len(e.Lines), "Lines": strings.Join(lines, "\n"),
	})
}

// readKeyFiles reads the keys of every file in order. stdin is read for
// the name "-". Every line of every file is validated, and the invalid ones
// come back together in a *KeyFileError.
func readKeyFiles(names []string, stdin io.Reader) ([]string, error) {
	var keys []string
	var invalid []LineError
	for _, name := range names {
		content, err := readKeyFile(name, stdin)
		if err != nil {
			return nil, err
		}
		fileKeys, fileInvalid := parseKeyFile(name, content)
		keys = append(keys, fileKeys...)
		invalid = append(invalid, fileInvalid...)
	}

	if len(invalid) > 0 {
		return nil, &KeyFileError{Lines: invalid}
	}
	return keys, nil
}

// displayName shows a --file value in a message.
func displayName(name string) string {
	if name == StdinName {
		return i18n.T("file.stdin")
	}
	// The whole path is shown, unlike other values, which usermsg.Quote
	// cuts at 60 characters.
	return strconv.Quote(name)
}

func readKeyFile(name string, stdin io.Reader) ([]byte, error) {
	var reader io.Reader = stdin
	if name != StdinName {
		file, err := os.Open(name)
		if err != nil {
			return nil, usermsg.Usage("error.file.unreadable", map[string]any{
				"File": displayName(name), "Error": errorText(err),
			})
		}
		defer file.Close()
		reader = file
	}

	content, err := io.ReadAll(io.LimitReader(reader, maxKeyFileBytes+1))
	if err != nil {
		return nil, usermsg.Usage("error.file.unreadable", map[string]any{
			"File": displayName(name), "Error": errorText(err),
		})
	}
	if len(content) > maxKeyFileBytes {
		return nil, usermsg.Usage("error.file.too-large", map[string]any{
			"File": displayName(name), "MaxMiB": maxKeyFileBytes >> 20,
		})
	}
	return content, nil
}

// errorText drops the "open NAME:" prefix of a *os.PathError, because the
// message names the file already.
func errorText(err error) string {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	return err.Error()
}

// parseKeyFile splits content into keys, one per line. It accepts LF and
// CRLF line ends and a leading UTF-8 byte order mark, trims spaces and tabs,
// and skips blank lines and comments. A '#' starts a comment that runs to
// the end of the line. Neither key IDs nor aliases contain '#', so a comment
// never cuts a key short.
func parseKeyFile(file string, content []byte) ([]string, []LineError) {
	content = bytes.TrimPrefix(content, utf8BOM)

	var keys []string
	var invalid []LineError
	for i, line := range strings.Split(string(content), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if comment := strings.IndexByte(line, '#'); comment >= 0 {
			line = line[:comment]
		}
		line = strings.Trim(line, " \t")
		if line == "" {
			continue
		}

		if err := validate.KeyIDOrAlias(line); err != nil {
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) {
				userErr = usermsg.Usage("error.arguments", map[string]any{"Error": err.Error()})
			}
			invalid = append(invalid, LineError{File: file, Line: i + 1, Err: userErr})
			continue
		}
		keys = append(keys, line)
	}
	return keys, invalid
}
