package benchproc

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		values []time.Duration
		want   time.Duration
	}{
		{name: "none", values: nil, want: 0},
		{name: "odd count", values: []time.Duration{5, 1, 3}, want: 3},
		{name: "even count", values: []time.Duration{4, 1, 3, 2}, want: 2},
	}
	for _, tt := range tests {
		if got := Median(tt.values); got != tt.want {
			t.Errorf("%s: Median(%v) = %v, want %v", tt.name, tt.values, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	values := []int64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}
	if got := Percentile(values, 90); got != 9 {
		t.Errorf("Percentile 90 = %d, want 9", got)
	}
	if got := Percentile(values, 100); got != 10 {
		t.Errorf("Percentile 100 = %d, want 10", got)
	}
	if got := Percentile(values, 0); got != 1 {
		t.Errorf("Percentile 0 = %d, want 1", got)
	}
}

func TestRunCountsTimedRuns(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true command on PATH")
	}
	commands := []Command{{Name: "a", Args: []string{truePath}}, {Name: "b", Args: []string{truePath}}}

	series, err := Run(commands, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range series {
		if len(s.Samples) != 3 {
			t.Errorf("%s has %d samples, want 3 (the warm-up runs are not kept)", s.Command.Name, len(s.Samples))
		}
		for _, sample := range s.Samples {
			if sample.Wall <= 0 {
				t.Errorf("%s has a sample with wall time %v", s.Command.Name, sample.Wall)
			}
		}
	}
}

func TestRunStopsOnFailure(t *testing.T) {
	falsePath, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false command on PATH")
	}
	_, err = Run([]Command{{Name: "fails", Args: []string{falsePath}}}, 0, 3)
	if err == nil || !strings.Contains(err.Error(), "fails, round 1") {
		t.Errorf("Run of a failing command returned %v, want an error naming it and its round", err)
	}
}
