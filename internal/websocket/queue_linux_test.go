package websocket

import (
	"net"
	"syscall"
	"unsafe"
)

// unsentBytes returns how many bytes nc's socket has not yet had
// acknowledged by the peer.
func unsentBytes(nc net.Conn) (int, bool) { return sockQueue(nc, syscall.TIOCOUTQ) }

// unreadBytes returns how many received bytes nc's socket holds that were
// not read.
func unreadBytes(nc net.Conn) (int, bool) { return sockQueue(nc, syscall.TIOCINQ) }

func sockQueue(nc net.Conn, req uintptr) (int, bool) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return 0, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var n int32
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&n)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(n), true
}
