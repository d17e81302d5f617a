package commands

import (
	"context"
	"io"
	"reflect"
	"testing"

	"github.com/urfave/cli/v3"
)

// parse runs a urfave/cli command with one option that takes a value, as
// the plug-in's commands do, and returns its error.
func parse(args ...string) error {
	command := &cli.Command{
		Name:           "sync",
		HideHelp:       true,
		Writer:         io.Discard,
		ErrWriter:      io.Discard,
		Flags:          []cli.Flag{&cli.StringFlag{Name: "instance-id", Aliases: []string{"i"}}},
		OnUsageError:   func(_ context.Context, _ *cli.Command, err error, _ bool) error { return err },
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Action:         func(context.Context, *cli.Command) error { return nil },
	}
	return command.Run(context.Background(), append([]string{"sync"}, args...))
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantID   string
		wantData map[string]any
	}{
		{name: "unknown long option", args: []string{"KEY", "--instance"}, wantID: "error.option.unknown", wantData: map[string]any{"Option": `"--instance"`}},
		{name: "unknown short option", args: []string{"KEY", "-x"}, wantID: "error.option.unknown", wantData: map[string]any{"Option": `"-x"`}},
		{name: "unknown option with value", args: []string{"KEY", "--region=us-south"}, wantID: "error.option.unknown", wantData: map[string]any{"Option": `"--region"`}},
		{name: "long option without value", args: []string{"KEY", "--instance-id"}, wantID: "error.option.missing-value", wantData: map[string]any{"Option": `"--instance-id"`}},
		{name: "short option without value", args: []string{"KEY", "-i"}, wantID: "error.option.missing-value", wantData: map[string]any{"Option": `"-i"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parse(tt.args...)
			if err == nil {
				t.Fatalf("parse(%q) = nil, want an error", tt.args)
			}

			got := ParseError(err)

			if got.ID != tt.wantID {
				t.Errorf("ID = %q, want %q (library error %q)", got.ID, tt.wantID, err)
			}
			if !reflect.DeepEqual(got.Data, tt.wantData) {
				t.Errorf("Data = %v, want %v", got.Data, tt.wantData)
			}
			if !got.Usage {
				t.Error("Usage = false, want true")
			}
		})
	}
}

func TestParseErrorKeepsOtherErrors(t *testing.T) {
	err := ParseError(io.ErrUnexpectedEOF)

	if err.ID != "error.arguments" {
		t.Errorf("ID = %q, want error.arguments", err.ID)
	}
	if got := err.Data["Error"]; got != io.ErrUnexpectedEOF.Error() {
		t.Errorf("Data[Error] = %v, want the library's text", got)
	}
}
