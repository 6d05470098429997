package nodepeer

import (
	"os/exec"
	"syscall"
)

// dieWithTest has the kernel kill the process when the test binary dies
// without its clean-ups (a -timeout panic, a kill).
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
