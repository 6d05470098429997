package websocket

import (
	"testing"
	"unsafe"
)

// Every WebSocket holds one Conn for its lifetime: a field that takes it
// past 160 bytes moves it to the 176-byte size class, 16 bytes more per
// idle connection. State that only some moments need (a long frame, a
// fragmented message) goes behind a pointer.
func TestConnSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 160 {
		t.Errorf("Conn is %d bytes, over the 160-byte size class", n)
	}
}
