package engineio

import (
	"testing"
	"unsafe"
)

// Every connection holds one Session for its lifetime: a field that takes
// it past 256 bytes moves it to the 288-byte size class, 32 bytes more per
// idle connection. Place small fields in the alignment gaps, or behind a
// pointer made only when needed.
func TestSessionSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Session{}); n > 256 {
		t.Errorf("Session is %d bytes, over the 256-byte size class", n)
	}
}
