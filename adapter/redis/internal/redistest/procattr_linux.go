package redistest

import "syscall"

// sysProcAttr makes the kernel kill redis-server if the test binary dies
// without running its cleanups (a test timeout, a panic, kill -9), so that
// no server is left listening. Strictly the signal follows the death of
// the thread that started the server; the Go runtime keeps its threads
// until the process ends, unless a goroutine exits while locked to one.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
