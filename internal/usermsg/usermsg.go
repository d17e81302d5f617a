// Package usermsg carries errors that are meant for the user: an i18n message
// ID with its template fields, translated only at the top of a command.
package usermsg

import (
	"strconv"
)

// Error is a failure explained to the user by the message ID with Data
// filled in. Usage marks input the user must correct, which ends the command
// with the incorrect-usage exit status and sends no request.
type Error struct {
	ID    string
	Data  map[string]any
	Usage bool
	Err   error // the underlying cause, if any, for errors.Is and errors.As
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.ID + ": " + e.Err.Error()
	}
	return e.ID
}

func (e *Error) Unwrap() error {
	return e.Err
}

// Usage returns an incorrect-usage error for message id.
func Usage(id string, data map[string]any) *Error {
	return &Error{ID: id, Data: data, Usage: true}
}

// Failure returns an error for message id that is not the user's input.
func Failure(id string, data map[string]any, cause error) *Error {
	return &Error{ID: id, Data: data, Err: cause}
}

// maxShown is how much of a value a message repeats: enough to recognise it,
// short enough that a 10,000-character value keeps the message readable.
const maxShown = 60

// Quote returns s quoted the Go way, so that control characters, invalid
// UTF-8 and trailing spaces are visible, and cut to about 60 characters.
func Quote(s string) string {
	runes := []rune(s)
	if len(runes) > maxShown {
		return strconv.Quote(string(runes[:maxShown])) + "..."
	}
	return strconv.Quote(s)
}
