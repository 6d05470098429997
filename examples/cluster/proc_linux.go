package main

import "syscall"

// sysProcAttr puts a child in a process group of its own, and has the
// kernel kill it if the launcher dies first (kill -9, a panic, a test
// timeout). Strictly the signal follows the death of the thread that
// started the child; the Go runtime keeps its threads until the process
// ends, unless a goroutine exits while locked to one.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
