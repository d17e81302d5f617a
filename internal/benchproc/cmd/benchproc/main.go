// Command benchproc times whole processes interleaved, for bin/bench.sh:
//
//	benchproc [-runs 30] [-warmup 3] [-summary FILE] -- NAME PROGRAM ARGS... --- NAME PROGRAM ARGS...
//
// Each command after "--" starts with a name for the report; "---" separates
// the commands. Every round runs each command once, in the order given. It
// prints the median, 90th percentile, minimum and maximum wall time and the
// peak resident memory of each command, and the ratio of the first
// command's median wall time to each other's. -summary also writes those
// figures as "KEY VALUE" lines for scripts.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/benchproc"
)

func main() {
	flags := flag.NewFlagSet("benchproc", flag.ContinueOnError)
	runs := flags.Int("runs", 30, "timed runs of each command")
	warmup := flags.Int("warmup", 3, "untimed runs of each command before the timed ones")
	summaryPath := flags.String("summary", "", "`FILE` to write the figures to as KEY VALUE lines")
	err := flags.Parse(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	var commands []benchproc.Command
	if err == nil {
		commands, err = parseCommands(flags.Args())
	}
	if err == nil && (*runs < 1 || *warmup < 0) {
		err = errors.New("-runs must be 1 or more and -warmup 0 or more")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchproc:", err)
		os.Exit(2)
	}

	series, err := benchproc.Run(commands, *warmup, *runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchproc:", err)
		os.Exit(1)
	}

	report(os.Stdout, series, *warmup)
	if *summaryPath != "" {
		var summary strings.Builder
		writeSummary(&summary, series)
		if err := os.WriteFile(*summaryPath, []byte(summary.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "benchproc:", err)
			os.Exit(1)
		}
	}
}

// parseCommands splits "NAME PROGRAM ARGS... --- NAME PROGRAM ARGS..." into
// commands; the environment of this process is theirs.
func parseCommands(args []string) ([]benchproc.Command, error) {
	var commands []benchproc.Command
	group := []string{}
	for i := 0; i <= len(args); i++ {
		if i < len(args) && args[i] != "---" {
			group = append(group, args[i])
			continue
		}
		if len(group) < 2 {
			return nil, fmt.Errorf("command %q needs a name and a program, as in NAME PROGRAM ARGS", strings.Join(group, " "))
		}
		commands = append(commands, benchproc.Command{Name: group[0], Args: group[1:], Env: os.Environ()})
		group = []string{}
	}
	return commands, nil
}

func report(w io.Writer, series []benchproc.Series, warmup int) {
	for _, s := range series {
		walls := s.Walls()
		rss := s.MaxRSSes()
		fmt.Fprintf(w, "%-10s %d runs after %d warm-up: median %s, p90 %s, min %s, max %s; peak RSS median %s, max %s\n",
			s.Command.Name, len(walls), warmup,
			milliseconds(benchproc.Median(walls)), milliseconds(benchproc.Percentile(walls, 90)),
			milliseconds(slices.Min(walls)), milliseconds(slices.Max(walls)),
			mebibytes(benchproc.Median(rss)), mebibytes(slices.Max(rss)))
	}
	first := series[0]
	for _, other := range series[1:] {
		fmt.Fprintf(w, "ratio %s/%s of median wall times: %.2f\n",
			first.Command.Name, other.Command.Name, ratio(first, other))
	}
}

func writeSummary(w io.Writer, series []benchproc.Series) {
	for i, s := range series {
		walls := s.Walls()
		rss := s.MaxRSSes()
		prefix := fmt.Sprintf("%d.", i+1)
		fmt.Fprintf(w, "%sname %s\n", prefix, s.Command.Name)
		fmt.Fprintf(w, "%sruns %d\n", prefix, len(walls))
		fmt.Fprintf(w, "%smedian_ms %.2f\n", prefix, ms(benchproc.Median(walls)))
		fmt.Fprintf(w, "%sp90_ms %.2f\n", prefix, ms(benchproc.Percentile(walls, 90)))
		fmt.Fprintf(w, "%smin_ms %.2f\n", prefix, ms(slices.Min(walls)))
		fmt.Fprintf(w, "%smax_ms %.2f\n", prefix, ms(slices.Max(walls)))
		fmt.Fprintf(w, "%smedian_rss_mib %.1f\n", prefix, mib(benchproc.Median(rss)))
		fmt.Fprintf(w, "%smax_rss_mib %.1f\n", prefix, mib(slices.Max(rss)))
		if i > 0 {
			fmt.Fprintf(w, "ratio.1.%d %.2f\n", i+1, ratio(series[0], s))
		}
	}
}

func ratio(a, b benchproc.Series) float64 {
	return float64(benchproc.Median(a.Walls())) / float64(benchproc.Median(b.Walls()))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mib(bytes int64) float64 { return float64(bytes) / (1 << 20) }

func milliseconds(d time.Duration) string { return fmt.Sprintf("%.2f ms", ms(d)) }

func mebibytes(bytes int64) string {
	if bytes < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", mib(bytes))
}
