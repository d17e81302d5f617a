//go:build !unix

package benchproc

import "os"

func maxRSS(*os.ProcessState) int64 {
	return -1
}
