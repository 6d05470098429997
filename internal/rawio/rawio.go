// Package rawio makes one non-blocking read(2) or write(2) through a
// syscall.RawConn: no wait for readiness, no deadline, no allocation; and
// a blocking write that reports each write(2) that took some bytes.
package rawio

import (
	"os"
	"sync"
	"syscall"
)

// op is one read or write. The function handed to RawConn escapes, so a
// closure made per call would be an allocation per message (and per
// broadcast recipient): ops are pooled with their function bound once.
type op struct {
	write bool
	all   bool      // WriteAll: until b is written, waiting for the socket
	wrote func(int) // WriteAll's
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
	if o.all {
		return o.writeAll(fd)
	}
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

// writeAll writes what is left of o.b. It returns false, for rc to wait
// until the socket is writable and call it again, when the socket takes
// no more.
func (o *op) writeAll(fd uintptr) bool {
	for o.n < len(o.b) {
		n, errno := syscall.Write(int(fd), o.b[o.n:])
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN:
			return false
		case errno != nil:
			o.errno = errno
			return true
		}
		o.n += n
		o.wrote(n)
	}
	return true
}

// WriteAll writes b, waiting for the socket to take it until rc's write
// deadline, as net.Conn's Write does; unlike it, it calls wrote with the
// count of each write(2) that took some of b, as it goes. A socket that
// takes a large write slowly, a client reading slowly, is so told from
// one that takes nothing.
func WriteAll(rc syscall.RawConn, b []byte, wrote func(n int)) (int, error) {
	o := ops.Get().(*op)
	o.write, o.all, o.wrote, o.b = true, true, wrote, b
	err := rc.Write(o.fn)
	n, errno := o.n, o.errno
	o.all, o.wrote, o.b, o.n, o.errno = false, nil, nil, 0, nil
	ops.Put(o)
	if err == nil && errno != nil {
		err = os.NewSyscallError("write", errno)
	}
	return n, err
}
