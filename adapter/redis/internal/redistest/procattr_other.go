//go:build !linux

package redistest

import "syscall"

// sysProcAttr has nothing to add outside Linux, which alone has
// Pdeathsig: a test binary killed there can leave servers running.
func sysProcAttr() *syscall.SysProcAttr { return nil }
