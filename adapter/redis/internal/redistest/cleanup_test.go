//go:build unix

package redistest

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

// TestCleanup checks that a test's servers are gone when it ends: each
// process reaped, not a zombie, and each directory removed.
func TestCleanup(t *testing.T) {
	t.Parallel()
	var pids []int
	var dirs []string
	t.Run("single", func(t *testing.T) {
		s := Start(t)
		pids = append(pids, s.proc.cmd.Process.Pid)
		dirs = append(dirs, s.dir)
		killed := Start(t)
		pids = append(pids, killed.proc.cmd.Process.Pid)
		dirs = append(dirs, killed.dir)
		killed.Kill()
	})
	t.Run("cluster", func(t *testing.T) {
		for _, n := range StartCluster(t, 2).Nodes() {
			pids = append(pids, n.proc.cmd.Process.Pid)
			dirs = append(dirs, n.dir)
		}
	})
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d is still there (kill -0: %v)", pid, err)
		}
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there (%v)", d, err)
		}
	}
}
