//go:build unix && !linux

package main

import "syscall"

// sysProcAttr puts a child in a process group of its own. Only Linux can
// have the kernel end it when the launcher dies: elsewhere a launcher
// killed with SIGKILL leaves its children running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
