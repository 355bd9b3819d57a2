package store

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// lockHolder names the process holding the lock on path, for the error a
// user sees when the database is busy ("pid 4242: feedfold serve"). It
// reads /proc/locks (Linux); elsewhere, or when the holder cannot be seen,
// it returns "".
func lockHolder(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		return ""
	}
	suffix := fmt.Sprintf(":%d", sys.Ino)
	for _, line := range strings.Split(string(locks), "\n") {
		f := strings.Fields(line)
		// "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF"
		if len(f) < 6 || f[1] != "FLOCK" || !strings.HasSuffix(f[5], suffix) {
			continue
		}
		pid := f[4]
		cmd, _ := os.ReadFile("/proc/" + pid + "/cmdline")
		name := strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " "))
		if name == "" {
			return "pid " + pid
		}
		return "pid " + pid + ": " + name
	}
	return ""
}
