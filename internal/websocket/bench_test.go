package websocket

import (
	"fmt"
	"testing"
)

// BenchmarkRead feeds the reader a stream of masked client frames as a
// socket hands them over, in reads of at most 64 KiB, and delivers them to
// a callback that keeps nothing; each op is one message. It measures the
// parser and its buffering alone: no system calls.
func BenchmarkRead(b *testing.B) {
	for _, size := range []int{32, 1 << 10, 16 << 10, 256 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			u := NewUpgrader(UpgraderOptions{ReadLimit: 4 << 20})
			f := frame(0x80|opBinary, make([]byte, size))
			// Enough frames that a read of small ones spans many.
			var stream []byte
			for len(stream) < 256<<10 || len(stream) < 2*len(f) {
				stream = append(stream, f...)
			}
			pos := 0
			read := func(p []byte) (int, error) {
				n := copy(p[:min(len(p), 64<<10)], stream[pos:])
				if pos += n; pos == len(stream) {
					pos = 0
				}
				return n, nil
			}
			c := newConn(u, discard{}, false)
			got := 0
			c.h = Funcs{Message: func(bool, []byte) bool { got++; return true }}.Handler()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for got < b.N {
				if _, stop, err := c.readAndParse(read); stop || err != nil {
					b.Fatal(stop, err)
				}
			}
		})
	}
}
