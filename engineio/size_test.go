package engineio

import (
	"testing"
	"unsafe"
)

// Every connection holds one Session for its lifetime, and a WebSocket one
// its wsTransport: a field that takes either past its size class (176 and
// 64 bytes) moves it to the next, 16 bytes more per idle connection. Place
// small fields in the alignment gaps, or behind a pointer made only when
// needed.
func TestSessionSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Session{}); n > 176 {
		t.Errorf("Session is %d bytes, over the 176-byte size class", n)
	}
	if n := unsafe.Sizeof(wsTransport{}); n > 64 {
		t.Errorf("wsTransport is %d bytes, over the 64-byte size class", n)
	}
}
