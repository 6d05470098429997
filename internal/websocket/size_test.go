package websocket

import (
	"testing"
	"unsafe"
)

// Every WebSocket holds one Conn for its lifetime: a field that takes it
// past 176 bytes moves it to the 192-byte size class, 16 bytes more per
// idle connection.
func TestConnSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Conn{}); n > 176 {
		t.Errorf("Conn is %d bytes, over the 176-byte size class", n)
	}
}
