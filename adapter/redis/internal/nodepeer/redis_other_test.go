//go:build !linux

package nodepeer

import "os/exec"

func dieWithTest(cmd *exec.Cmd) {}
