// Package rawio makes one non-blocking read(2) or write(2) through a
// syscall.RawConn: no wait for readiness, no deadline, no allocation.
package rawio

import (
	"sync"
	"syscall"
)

// op is one read or write. The function handed to RawConn escapes, so a
// closure made per call would be an allocation per message (and per
// broadcast recipient): ops are pooled with their function bound once.
type op struct {
	write bool
	b     []byte
	n     int
	errno error
	fn    func(fd uintptr) bool
}

var ops = sync.Pool{New: func() any {
	o := new(op)
	o.fn = o.do
	return o
}}

func (o *op) do(fd uintptr) bool {
	for {
		if o.write {
			o.n, o.errno = syscall.Write(int(fd), o.b)
		} else {
			o.n, o.errno = syscall.Read(int(fd), o.b)
		}
		if o.errno != syscall.EINTR {
			return true
		}
	}
}

// Read reads once into b without waiting: it returns the system call's
// count and errno (syscall.EAGAIN when nothing is there), and err if rc
// could not be used (closed, or past its deadline).
func Read(rc syscall.RawConn, b []byte) (n int, errno, err error) { return do(rc, false, b) }

// Write writes b once without waiting, as Read reads.
func Write(rc syscall.RawConn, b []byte) (n int, errno, err error) { return do(rc, true, b) }

func do(rc syscall.RawConn, write bool, b []byte) (n int, errno, err error) {
	o := ops.Get().(*op)
	o.write, o.b = write, b
	if write {
		err = rc.Write(o.fn)
	} else {
		err = rc.Read(o.fn)
	}
	n, errno = o.n, o.errno
	o.b, o.n, o.errno = nil, 0, nil
	ops.Put(o)
	return n, errno, err
}
