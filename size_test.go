package socketio

import (
	"testing"
	"unsafe"
)

// Every socket holds one Socket for its lifetime: a field that takes it
// past 288 bytes moves it to the 320-byte size class, 32 bytes more per
// idle connection. Place small fields in the alignment gaps, or behind a
// pointer made only when needed.
func TestSocketSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Socket{}); n > 288 {
		t.Errorf("Socket is %d bytes, over the 288-byte size class", n)
	}
}

// Every connection holds one client: its busy state (the connect timeout,
// the handler queue) sits behind a pointer that an idle connection does
// not have, so that it stays in the 64-byte size class.
func TestClientSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(client{}); n > 64 {
		t.Errorf("client is %d bytes, over the 64-byte size class", n)
	}
}
