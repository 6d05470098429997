package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"syscall"
	"unsafe"
)

// stream is the receiving side of one TCP connection: a buffer that the
// connection is read into, and a parser that consumes complete units
// (WebSocket frames, HTTP responses) from it, as many as one read brought.
//
// System calls, and the context switches around them, are most of a load
// generator's cost, so the stream reads with the connection's raw file
// descriptor inside one long syscall.RawConn.Read:
//
//   - Go's net.Conn.Read first tries a read, which fails with EAGAIN
//     whenever the reply is not there yet, and only then waits: a wasted
//     system call per message. Here each read also tells (TCP_INQ)
//     whether anything is left in the socket, data or the end of the
//     stream; when nothing is, the stream waits for the netpoller's
//     (edge-triggered) notice of new data before reading again. An error
//     the peer sends (a reset) after data still unread is only noticed at
//     the next notice, such as the one a write on the connection brings.
//   - The reads, and the writer's writes, are raw system calls, which the
//     scheduler does not hear of: they never block (the socket is
//     non-blocking). A system call the scheduler hears of wakes its
//     monitor thread (sysmon) whenever the process was idle, and lets it
//     hand the only P (GOMAXPROCS=1) to another thread when the call
//     lasts over 20µs: context switches, which cost more than the calls.
type stream struct {
	raw  syscall.RawConn
	buf  []byte // buf[head:tail] is received and not consumed yet
	head int
	tail int

	// recvmsg's arguments, here so that a read allocates nothing.
	msg syscall.Msghdr
	iov syscall.Iovec
	oob [4]uint64 // room for the TCP_INQ control message, aligned
}

// maxUnit bounds the size of one frame or response the stream buffers.
const maxUnit = 64 << 20

// tcpINQ is Linux's TCP_INQ socket option, and the type of the control
// message it adds to each recvmsg: the bytes left to read, or 1 if only
// the end of the stream is.
const tcpINQ = 36

// errDone ends a receive without an error: the parser has what it waited
// for. The bytes after it stay buffered for the next receive.
var errDone = errors.New("done")

// newStream returns the stream of conn, which must be a *net.TCPConn (or
// another net.Conn with a raw file descriptor), with a buffer of size
// bytes to start with.
func newStream(conn net.Conn, size int) (*stream, error) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("%T has no file descriptor", conn)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	s := &stream{raw: raw, buf: make([]byte, size)}
	if runtime.GOOS == "linux" {
		// Without it (before Linux 4.18), every wait costs a read that
		// fails with EAGAIN.
		raw.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpINQ, 1)
		})
	}
	return s, nil
}

// receive reads the connection until parse or the connection fails, and
// returns that error (errDone included). parse is called with the
// unconsumed bytes whenever more came: it returns how many it consumed
// (whole units only). What it consumed stays valid until it returns, or,
// when it returns errDone, until the next receive. The connection's read
// deadline applies to each wait.
func (s *stream) receive(parse func(b []byte) (int, error)) error {
	if s.head < s.tail { // left over from the last receive
		if err := s.consume(parse); err != nil {
			return err
		}
	}
	var perr error
	err := s.raw.Read(func(fd uintptr) bool {
		for {
			if perr = s.makeRoom(); perr != nil {
				return true
			}
			n, more, err := s.read(int(fd))
			switch {
			case err == syscall.EAGAIN:
				return false
			case err == syscall.EINTR:
				continue
			case err != nil:
				perr = err
				return true
			case n == 0:
				perr = io.EOF
				return true
			}
			s.tail += n
			if perr = s.consume(parse); perr != nil {
				return true
			}
			if !more {
				return false // drained: wait for the notice of new data
			}
		}
	})
	if perr != nil {
		return perr
	}
	return err
}

// read reads into the buffer's free space, and reports whether something
// is left in the socket (true when the kernel does not say).
func (s *stream) read(fd int) (n int, more bool, err error) {
	s.iov.Base = &s.buf[s.tail]
	s.iov.SetLen(len(s.buf) - s.tail)
	s.msg.Iov = &s.iov
	s.msg.Iovlen = 1
	s.msg.Control = (*byte)(unsafe.Pointer(&s.oob[0]))
	s.msg.SetControllen(int(unsafe.Sizeof(s.oob)))
	r, _, errno := syscall.RawSyscall(syscall.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&s.msg)), 0)
	if errno != 0 {
		return 0, false, errno
	}
	more = true
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&s.oob[0]))
	if int(s.msg.Controllen) >= syscall.CmsgLen(4) && h.Level == syscall.IPPROTO_TCP && h.Type == tcpINQ {
		more = *(*int32)(unsafe.Add(unsafe.Pointer(&s.oob[0]), syscall.CmsgLen(0))) != 0
	}
	return int(r), more, nil
}

func (s *stream) consume(parse func(b []byte) (int, error)) error {
	n, err := parse(s.buf[s.head:s.tail])
	s.head += n
	return err
}

// makeRoom makes space at the end of the buffer before a read: it drops
// what was consumed, moving the rest (a partial unit, usually a few bytes
// at most) to the front, and doubles the buffer when a single unit fills
// it.
func (s *stream) makeRoom() error {
	if s.head > 0 {
		s.tail = copy(s.buf, s.buf[s.head:s.tail])
		s.head = 0
	}
	if s.tail < len(s.buf) {
		return nil
	}
	if len(s.buf) >= maxUnit {
		return fmt.Errorf("a frame or response of more than %d bytes", maxUnit)
	}
	bigger := make([]byte, 2*len(s.buf))
	copy(bigger, s.buf[:s.tail])
	s.buf = bigger
	return nil
}

// writer writes whole buffers on a connection with raw system calls (see
// stream), for one goroutine: each writing goroutine has its own. Writes
// of several writers on a connection do not interleave.
type writer struct {
	raw  syscall.RawConn
	rest []byte // what is left to write
	err  error
	fn   func(fd uintptr) bool // w.writeSome, made once
}

func newWriter(raw syscall.RawConn) *writer {
	w := &writer{raw: raw}
	w.fn = w.writeSome
	return w
}

// write writes b, waiting for room in the socket if there is none.
func (w *writer) write(b []byte) error {
	w.rest, w.err = b, nil
	if err := w.raw.Write(w.fn); err != nil {
		return err
	}
	return w.err
}

func (w *writer) writeSome(fd uintptr) bool {
	for len(w.rest) > 0 {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&w.rest[0])), uintptr(len(w.rest)))
		switch errno {
		case 0:
			w.rest = w.rest[n:]
		case syscall.EAGAIN:
			return false
		case syscall.EINTR:
		default:
			w.err = errno
			return true
		}
	}
	return true
}
