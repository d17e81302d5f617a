// Package benchproc times whole processes for `make bench`: each command is
// started, waited for and measured from outside, so start-up, config
// loading and exit count as the user sees them. Commands run interleaved
// (A B A B ...), so that a slow spell of a shared machine hits every command
// alike instead of one command's whole series.
package benchproc

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"time"
)

// Command is one process to time.
type Command struct {
	Name string
	Args []string // Args[0] is the program
	// Env, when not nil, is the whole environment of the process.
	Env []string
}

// Sample is the measurement of one run.
type Sample struct {
	Wall time.Duration
	// MaxRSS is the peak resident set size in bytes from getrusage, or -1
	// where the platform does not report it.
	MaxRSS int64
}

// Series is every timed run of one command.
type Series struct {
	Command Command
	Samples []Sample
}

// Run runs every command warmup times untimed, then runs times timed, in
// turns: one run of each command per round. A run that exits with a status
// other than 0 stops the benchmark; the error then carries the output of
// one more run of that command, to show why.
func Run(commands []Command, warmup, runs int) ([]Series, error) {
	if len(commands) == 0 {
		return nil, errors.New("no command to time")
	}
	series := make([]Series, len(commands))
	for i, command := range commands {
		series[i] = Series{Command: command, Samples: make([]Sample, 0, runs)}
	}

	for round := range warmup + runs {
		for i, command := range commands {
			sample, err := runOnce(command)
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w%s", command.Name, round+1, err, diagnose(command))
			}
			if round >= warmup {
				series[i].Samples = append(series[i].Samples, sample)
			}
		}
	}
	return series, nil
}

// runOnce sends the output to the null device, so that neither command
// pays for a pipe and a copying goroutine of the harness.
func runOnce(command Command) (Sample, error) {
	cmd := exec.Command(command.Args[0], command.Args[1:]...)
	cmd.Env = command.Env

	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Sample{}, err
	}
	return Sample{Wall: wall, MaxRSS: maxRSS(cmd.ProcessState)}, nil
}

func diagnose(command Command) string {
	cmd := exec.Command(command.Args[0], command.Args[1:]...)
	cmd.Env = command.Env
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	_ = cmd.Run()
	return "\noutput of another run:\n" + output.String()
}

// Walls returns the wall times of s in the order they were measured.
func (s Series) Walls() []time.Duration {
	walls := make([]time.Duration, len(s.Samples))
	for i, sample := range s.Samples {
		walls[i] = sample.Wall
	}
	return walls
}

// MaxRSSes returns the peak resident set sizes of s in bytes.
func (s Series) MaxRSSes() []int64 {
	sizes := make([]int64, len(s.Samples))
	for i, sample := range s.Samples {
		sizes[i] = sample.MaxRSS
	}
	return sizes
}

// Median returns the middle value of values, or the mean of the two middle
// values when their count is even; 0 for none.
func Median[T ~int64](values []T) T {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	middle := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[middle]
	}
	return (sorted[middle-1] + sorted[middle]) / 2
}

// Percentile returns the value below which p percent of values lie, by the
// nearest-rank method; 0 for none.
func Percentile[T ~int64](values []T, p float64) T {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
