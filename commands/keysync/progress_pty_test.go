//go:build linux

package keysync_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal, so a test can give
// the plug-in a terminal as its stderr.
func openPTY(t *testing.T) (master, terminal *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	number, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("number of the pseudo-terminal: %v", err)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the terminal end: %v", err)
	}
	return master, terminal
}

// runOnTerminal runs a batch sync with stderr on a pseudo-terminal and
// returns what reached stdout and the terminal.
func runOnTerminal(t *testing.T, e env, args ...string) (stdout, terminalOutput string) {
	t.Helper()
	master, terminal := openPTY(t)

	// The terminal is read while the plug-in runs, so that a full terminal
	// buffer cannot block its writes. Reading ends with EIO once every
	// copy of the terminal end is closed.
	var screen bytes.Buffer
	read := make(chan error, 1)
	go func() {
		_, err := io.Copy(&screen, master)
		read <- err
	}()

	var out bytes.Buffer
	cmd := e.host.Start(&out, terminal, append([]string{"sync", "-i", instanceID}, args...), "KP_TARGET_ADDR="+e.srv.URL)
	waitErr := cmd.Wait()
	terminal.Close()
	if err := <-read; err != nil && !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("read the terminal: %v", err)
	}
	if waitErr != nil {
		t.Fatalf("batch sync: %v\nstdout:\n%s\nterminal:\n%q", waitErr, out.String(), screen.String())
	}
	return out.String(), screen.String()
}

func TestBatchProgressLineOnTerminal(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 3)

	stdout, screen := runOnTerminal(t, e, keys...)

	if !strings.Contains(screen, "3/3 done, 0 failed") {
		t.Errorf("terminal lacks the final progress line:\n%q", screen)
	}
	if strings.Contains(stdout, "done, 0 failed") {
		t.Errorf("stdout has the progress line, which belongs on stderr:\n%s", stdout)
	}
}

func TestBatchNoProgressLineWithJSON(t *testing.T) {
	e := newEnv(t)
	keys := e.srv.AddKeys(instanceID, 3)

	_, screen := runOnTerminal(t, e, append(keys, "-o", "json")...)

	if strings.Contains(screen, "done,") {
		t.Errorf("terminal has a progress line with -o json:\n%q", screen)
	}
}
