//go:build unix

package interop

import (
	"os/exec"
	"syscall"
)

// ownGroup puts the process in a process group of its own, so that
// killGroup ends it with anything it started.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills the process group of a process started with ownGroup.
// The process must not have been waited for yet, so that its id is still
// its own.
func killGroup(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
