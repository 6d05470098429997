package websocket

import (
	"sync"
	"syscall"
)

// rawOp is one non-blocking read(2) or write(2) through a
// syscall.RawConn. The function handed to RawConn escapes, so a closure
// made per call would be an allocation per message (and per broadcast
// recipient): ops are pooled with their function bound once.
type rawOp struct {
	write bool
	b     []byte
	n     int
	errno error
	fn    func(fd uintptr) bool
}

var rawOps = sync.Pool{New: func() any {
	o := new(rawOp)
	o.fn = o.do
	return o
}}

func (o *rawOp) do(fd uintptr) bool {
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

// rawIO makes one read or write of b on rc without waiting: it returns the
// system call's count and errno, and err if rc could not be used (closed,
// or past its deadline).
func rawIO(rc syscall.RawConn, write bool, b []byte) (n int, errno, err error) {
	o := rawOps.Get().(*rawOp)
	o.write, o.b = write, b
	if write {
		err = rc.Write(o.fn)
	} else {
		err = rc.Read(o.fn)
	}
	n, errno = o.n, o.errno
	o.b, o.n, o.errno = nil, 0, nil
	rawOps.Put(o)
	return n, errno, err
}
