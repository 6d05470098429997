package main

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// proc is a child process of the cluster: redis-server, nginx or node.
// It runs in a process group of its own, so that the terminal's Ctrl-C
// reaches the launcher alone, which stops the children in order (nginx
// first, Redis last); and on Linux the kernel kills it if the launcher
// dies without stopping it.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed once cmd.Wait returned; then err is set
	err  error
}

// startProc starts cmd. A goroutine waits for it, so that it never stays
// a zombie; it ends when the process does.
func startProc(name string, cmd *exec.Cmd) (*proc, error) {
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited is closed when the process has exited.
func (p *proc) exited() <-chan struct{} { return p.done }

// stop sends sig and waits for the process to exit; one still running
// after timeout is killed. It returns how the process ended, nil for a
// clean exit after sig.
func (p *proc) stop(sig syscall.Signal, timeout time.Duration) error {
	select {
	case <-p.done:
		return fmt.Errorf("%s had exited: %v", p.name, p.err)
	default:
	}
	_ = p.cmd.Process.Signal(sig) // fails only if it is exiting already
	select {
	case <-p.done:
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within %v of %v: killed", p.name, timeout, sig)
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == sig {
			return nil // it did not catch sig, and died of it
		}
	}
	if p.err != nil {
		return fmt.Errorf("%s: %w", p.name, p.err)
	}
	return nil
}
