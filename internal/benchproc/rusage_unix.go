//go:build unix

package benchproc

import (
	"os"
	"runtime"
	"syscall"
)

func maxRSS(state *os.ProcessState) int64 {
	usage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return -1
	}
	// getrusage reports ru_maxrss in bytes on Darwin and in KiB elsewhere.
	if runtime.GOOS == "darwin" {
		return int64(usage.Maxrss)
	}
	return int64(usage.Maxrss) * 1024
}
