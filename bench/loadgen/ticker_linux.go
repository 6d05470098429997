package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// ticker fires every interval, precisely: a timerfd read through the
// runtime's poller. A goroutine that sleeps with time.Sleep wakes, when the
// process is otherwise idle, on the next whole millisecond (the poller
// waits in milliseconds): an open-loop generator paced that way sends in
// bursts once a millisecond whenever the server answers faster than the
// schedule, and bursts are what a fast server then sees.
type ticker struct{ f *os.File }

const (
	clockMonotonic = 1
	tfdNonblock    = syscall.O_NONBLOCK
	tfdCloexec     = syscall.O_CLOEXEC
)

type itimerspec struct {
	interval, value syscall.Timespec
}

func newTicker(interval time.Duration) (*ticker, error) {
	fd, _, errno := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, tfdNonblock|tfdCloexec, 0)
	if errno != 0 {
		return nil, fmt.Errorf("timerfd_create: %w", errno)
	}
	ts := syscall.NsecToTimespec(int64(interval))
	spec := itimerspec{interval: ts, value: ts}
	if _, _, errno := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); errno != 0 {
		syscall.Close(int(fd))
		return nil, fmt.Errorf("timerfd_settime: %w", errno)
	}
	return &ticker{f: os.NewFile(fd, "timerfd")}, nil
}

// wait blocks until the timer has fired and returns how many times it has
// since the last wait; it fails once the ticker is closed.
func (t *ticker) wait() (uint64, error) {
	var b [8]byte
	if _, err := io.ReadFull(t.f, b[:]); err != nil {
		return 0, err
	}
	return binary.NativeEndian.Uint64(b[:]), nil
}

func (t *ticker) Close() error { return t.f.Close() }
