package websocket

import (
	"net"
	"testing"
	"time"
)

// discard is the network side of a fuzzed Conn: what the parser writes
// (pongs, close frames) goes nowhere.
type discard struct{ net.Conn }

func (discard) Write(b []byte) (int, error)        { return len(b), nil }
func (discard) SetWriteDeadline(t time.Time) error { return nil }
func (discard) Close() error                       { return nil }

// FuzzParse feeds the frame parser arbitrary bytes, whole and in small
// pieces: it must never panic, never deliver more than the read limit, and
// deliver the same messages either way.
func FuzzParse(f *testing.F) {
	f.Add(frame(0x80|opText, []byte("hello")))
	f.Add(append(frame(opBinary, []byte{1, 2}), frame(0x80|opContinuation, []byte{3})...))
	f.Add(append(frame(0x80|opPing, []byte("p")), frame(0x80|opClose, []byte{3, 232})...))
	f.Add(frame(0x80|0x40|opText, []byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}))
	f.Add(frame(0x80|opBinary, make([]byte, 300)))
	// Above the read buffer's size, so that frames may be read in pieces
	// into buffers of growing size (see longFrame).
	const limit = 3 * bufferSize
	u := NewUpgrader(UpgraderOptions{ReadLimit: limit, Compression: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		// run feeds data to the reader as a socket would, in reads of at
		// most step bytes.
		run := func(step int) (msgs [][]byte, failed bool) {
			c := newConn(u, discard{}, true)
			defer c.releaseBuffer()
			c.h = Funcs{Message: func(binary bool, m []byte) bool {
				if len(m) > limit {
					t.Fatalf("a %d-byte message passed the %d-byte limit", len(m), limit)
				}
				msgs = append(msgs, m)
				return true
			}}.Handler()
			rest := data
			read := func(p []byte) (int, error) {
				n := copy(p[:min(len(p), step)], rest)
				rest = rest[n:]
				return n, nil
			}
			for len(rest) > 0 {
				if _, stop, err := c.readAndParse(read); stop || err != nil {
					return msgs, true
				}
			}
			return msgs, false
		}
		whole, wholeFailed := run(len(data) + 1)
		pieces, piecesFailed := run(3)
		if wholeFailed != piecesFailed || len(whole) != len(pieces) {
			t.Fatalf("whole: %d messages, failed %v; in pieces: %d, failed %v", len(whole), wholeFailed, len(pieces), piecesFailed)
		}
		for i := range whole {
			if string(whole[i]) != string(pieces[i]) {
				t.Fatalf("message %d differs: %q against %q", i, whole[i], pieces[i])
			}
		}
	})
}
