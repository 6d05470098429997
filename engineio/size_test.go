package engineio

import (
	"testing"
	"unsafe"
)

// Every connection holds one Session for its lifetime, and a WebSocket one
// its wsTransport: a field that takes either past its size class (176 and
// 80 bytes) moves it to the next, 16 bytes more per idle connection. Place
// small fields in the alignment gaps, or behind a pointer made only when
// needed. (wsTransport was 64 bytes until it held the work its reader runs
// once released, Session.Defer: a WebSocket session is 256 bytes in all,
// against 288 before the transports had types of their own.)
func TestSessionSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Session{}); n > 176 {
		t.Errorf("Session is %d bytes, over the 176-byte size class", n)
	}
	if n := unsafe.Sizeof(wsTransport{}); n > 80 {
		t.Errorf("wsTransport is %d bytes, over the 80-byte size class", n)
	}
}
