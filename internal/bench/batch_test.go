package bench

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

// The workload the batch targets are stated for.
const (
	benchKeys     = 1000
	benchLatency  = 20 * time.Millisecond
	benchParallel = 8
	benchInstance = "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c"
)

// Targets of the batch sync, printed next to the measured figures.
const (
	maxRatioToIdeal         = 1.25
	minSpeedupOverLoop      = 20.0
	maxConnectionsPerWorker = 1.0
)

func BenchmarkBatchSync(b *testing.B) {
	plugin := testhost.Build(b)
	standinBinary := buildStandin(b)
	logMachine(b)

	for range b.N {
		batch := startStandin(b, standinBinary)
		host := newHost(b, plugin, batch)
		start := time.Now()
		result := host.Run([]string{"sync", "-i", benchInstance, "--file", batch.keysFile,
			"--parallel", strconv.Itoa(benchParallel), "-o", "json"}, "KP_TARGET_ADDR="+batch.url)
		batchWall := time.Since(start)
		if result.ExitCode != 0 {
			b.Fatalf("batch sync exited %d\nstderr:\n%s", result.ExitCode, result.Stderr)
		}
		batchCounts := batch.stop(b)

		loop := startStandin(b, standinBinary)
		loopHost := newHost(b, plugin, loop)
		loopWall := runLoop(b, plugin, loopHost, loop)
		loopCounts := loop.stop(b)

		ideal := time.Duration(benchKeys) * benchLatency / benchParallel
		ratio := batchWall.Seconds() / ideal.Seconds()
		speedup := loopWall.Seconds() / batchWall.Seconds()
		perWorker := float64(batchCounts.connections) / benchParallel

		b.ReportMetric(batchWall.Seconds(), "batch-s")
		b.ReportMetric(ratio, "x-ideal")
		b.ReportMetric(loopWall.Seconds(), "loop-s")
		b.ReportMetric(speedup, "x-speedup")
		b.ReportMetric(perWorker, "conns/worker")

		b.Logf("batch: %d keys, --parallel %d, latency %s: wall %s, ideal %s, ratio %.2f (target at most %.2f: %s)",
			benchKeys, benchParallel, benchLatency, batchWall.Round(time.Millisecond), ideal, ratio, maxRatioToIdeal, verdict(ratio <= maxRatioToIdeal))
		b.Logf("batch stand-in: requests %d, connections %d, max in flight %d; connections per worker %.2f (target at most %.0f: %s)",
			batchCounts.requests, batchCounts.connections, batchCounts.maxInFlight, perWorker, maxConnectionsPerWorker, verdict(perWorker <= maxConnectionsPerWorker))
		b.Logf("loop: %d single-key runs: wall %s; speed-up of the batch %.1fx (target at least %.0fx: %s)",
			benchKeys, loopWall.Round(time.Millisecond), speedup, minSpeedupOverLoop, verdict(speedup >= minSpeedupOverLoop))
		b.Logf("loop stand-in: requests %d, connections %d, max in flight %d",
			loopCounts.requests, loopCounts.connections, loopCounts.maxInFlight)
	}
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

func logMachine(b *testing.B) {
	b.Helper()
	model := "unknown"
	if cpuinfo, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		scanner := bufio.NewScanner(bytes.NewReader(cpuinfo))
		for scanner.Scan() {
			name, value, found := strings.Cut(scanner.Text(), ":")
			if found && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(value)
				break
			}
		}
	}
	b.Logf("machine: %d CPUs (runtime.NumCPU), %s, %s %s/%s", runtime.NumCPU(), model, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func buildStandin(b *testing.B) string {
	b.Helper()
	root, err := testhost.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	binary := filepath.Join(b.TempDir(), "kp-standin")
	cmd := exec.Command("go", "build", "-o", binary, "./internal/standin/cmd/kp-standin")
	cmd.Dir = root
	if output, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build kp-standin: %v\n%s", err, output)
	}
	return binary
}

// standinProcess is a running kp-standin with its keys and token.
type standinProcess struct {
	cmd      *exec.Cmd
	stderr   *bytes.Buffer
	url      string
	token    string
	keysFile string
}

func startStandin(b *testing.B, binary string) *standinProcess {
	b.Helper()
	dir := b.TempDir()
	p := &standinProcess{
		stderr:   &bytes.Buffer{},
		token:    standin.NewJWT(time.Now().Add(standin.TokenLifetime)),
		keysFile: filepath.Join(dir, "keys.txt"),
	}
	urlFile := filepath.Join(dir, "url.txt")
	p.cmd = exec.Command(binary, "-instance", benchInstance, "-token", p.token,
		"-keys", strconv.Itoa(benchKeys), "-latency", benchLatency.String(),
		"-keys-file", p.keysFile, "-url-file", urlFile)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("start kp-standin: %v", err)
	}
	b.Cleanup(func() { _ = p.cmd.Process.Kill() })

	deadline := time.Now().Add(30 * time.Second)
	for {
		content, err := os.ReadFile(urlFile)
		if err == nil && strings.HasSuffix(string(content), "\n") {
			p.url = strings.TrimSpace(string(content))
			return p
		}
		if time.Now().After(deadline) {
			b.Fatalf("kp-standin wrote no URL within 30 s\nstderr:\n%s", p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type standinCounts struct {
	requests, connections, maxInFlight int
}

var countsLine = regexp.MustCompile(`requests (\d+), connections (\d+), max in flight (\d+)`)

// stop stops the stand-in with SIGINT and reads the counters it prints.
func (p *standinProcess) stop(b *testing.B) standinCounts {
	b.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		b.Fatalf("stop kp-standin: %v", err)
	}
	_ = p.cmd.Wait()
	match := countsLine.FindStringSubmatch(p.stderr.String())
	if match == nil {
		b.Fatalf("kp-standin printed no counters:\n%s", p.stderr.String())
	}
	var counts standinCounts
	counts.requests, _ = strconv.Atoi(match[1])
	counts.connections, _ = strconv.Atoi(match[2])
	counts.maxInFlight, _ = strconv.Atoi(match[3])
	return counts
}

func newHost(b *testing.B, plugin string, p *standinProcess) *testhost.Host {
	b.Helper()
	return testhost.NewHost(b, testhost.HostOptions{
		Binary: plugin, IAMEndpoint: p.url, Region: "us-south", Token: p.token, Namespace: "kp key",
	})
}

// loopScript syncs the keys of a file one plug-in run at a time, as a
// script without batch support would, and stops at the first failure.
const loopScript = `while IFS= read -r key; do "$PLUGIN" sync -i "$INSTANCE" -o json "$key" >/dev/null || exit 1; done < "$KEYS"`

// runLoop runs loopScript with the environment that testhost gives the
// plug-in, and returns its wall time.
func runLoop(b *testing.B, plugin string, host *testhost.Host, p *standinProcess) time.Duration {
	b.Helper()
	cmd := exec.Command("sh", "-c", loopScript)
	cmd.Dir = host.Home
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + host.Home,
		"IBMCLOUD_HOME=" + host.Home,
		"IBMCLOUD_COLOR=false",
		"IBMCLOUD_VERSION_CHECK=false",
		"IBMCLOUD_PLUGIN_NAMESPACE=" + host.Namespace,
		"KP_TARGET_ADDR=" + p.url,
		"PLUGIN=" + plugin,
		"INSTANCE=" + benchInstance,
		"KEYS=" + p.keysFile,
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr

	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("single-key loop failed: %v\nstderr:\n%s", err, stderr.String())
	}
	return wall
}
