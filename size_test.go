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
