package websocket

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"testing"
	"time"
)

// lyingHeader is a masked binary frame header that announces n payload
// bytes, followed by the first len(start) of them.
func lyingHeader(n int, start []byte) []byte {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	f := binary.BigEndian.AppendUint64([]byte{0x80 | opBinary, 0x80 | 127}, uint64(n))
	f = append(f, key[:]...)
	for i, b := range start {
		f = append(f, b^key[i%4])
	}
	return f
}

// liveHeap returns the bytes of live heap objects.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// A frame header costs its sender 14 bytes and may announce a megabyte:
// the server must not set aside memory for bytes that have not come. Many
// connections each announcing a frame just under the read limit, then
// sending almost nothing, must cost about what they sent.
func TestLyingFrameLength(t *testing.T) {
	const (
		conns     = 200
		announced = 999_990 // under engineio's default limit of 1e6
		allowance = 16 << 10
	)
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 1e6, NoPoller: noPoller}, nil)
		clients := make([]*rawClient, conns)
		eps := make([]*endpoint, conns)
		for i := range conns {
			clients[i] = dialRaw(t, s, "")
			eps[i] = s.accept()
		}
		for i := range conns {
			waitRead(t, clients[i], eps[i])
		}
		before := liveHeap()

		start := []byte("0123456789")
		sent := 0
		for _, c := range clients {
			h := lyingHeader(announced, start)
			c.send(h)
			sent += len(h)
		}
		for i := range conns {
			waitRead(t, clients[i], eps[i])
		}
		grown := liveHeap() - before
		limit := int64(sent + conns*allowance)
		t.Logf("%d connections sent %d bytes announcing %d each: heap grew by %d bytes (limit %d)", conns, sent, announced, grown, limit)
		if grown > limit {
			t.Fatalf("the heap grew by %d bytes for %d bytes received; want at most %d", grown, sent, limit)
		}

		// The frames are still read: a few of them, completed, arrive
		// whole.
		payload := bytes.Repeat([]byte("0123456789"), announced/10)
		for i := range 3 {
			f := frame(0x80|opBinary, payload)
			clients[i].send(f[len(f)-announced+len(start):])
			if m := eps[i].next(t); !m.binary || !bytes.Equal(m.data, payload) {
				t.Fatalf("connection %d: got %d bytes, want the %d announced", i, len(m.data), announced)
			}
		}
		runtime.KeepAlive(clients)
	})
}

// waitRead waits until the server has read every byte c sent: none is
// left in flight or unread in the server's socket.
func waitRead(t *testing.T, c *rawClient, e *endpoint) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, okOut := unsentBytes(c.nc)
		in, okIn := unreadBytes(e.conn.nc)
		if !okOut || !okIn {
			// Nothing to ask on this system: give the server time.
			time.Sleep(500 * time.Millisecond)
			return
		}
		if out == 0 && in == 0 {
			// read(2) returned; the parse after it is next.
			time.Sleep(10 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server left %d bytes unread, %d unsent, after 10 s", in, out)
		}
		time.Sleep(time.Millisecond)
	}
}

// The bytes a client sends right behind its handshake request may end in
// the middle of a frame header.
func TestPartialFrameBehindTheHandshake(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, nil)
		short := []byte("split")
		long := bytes.Repeat([]byte("long "), 20000) // a 64-bit length
		cases := []struct {
			payload []byte
			at      int
		}{
			{short, 1}, {short, 3}, {short, 10},
			// 8 bytes: the header is cut, and a copy of them exactly
			// fills its allocation.
			{long, 8}, {long, 13}, {long, 100},
		}
		for _, tc := range cases {
			f := frame(0x80|opText, tc.payload)
			c := dialRaw(t, s, string(f[:tc.at]))
			e := s.accept()
			waitRead(t, c, e)
			c.send(f[tc.at:])
			if m := e.next(t); !bytes.Equal(m.data, tc.payload) {
				t.Fatalf("%d bytes split after %d: got %d bytes", len(tc.payload), tc.at, len(m.data))
			}
		}
	})
}

// A long frame is read into buffers of growing size; the client pausing
// just as one fills must not lose what they hold. The frame may start at
// the start of a read or behind another frame.
func TestLongFramePausedAtBufferEdges(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{ReadLimit: 1 << 20, NoPoller: noPoller}, nil)
		payload := make([]byte, 300<<10)
		for i := range payload {
			payload[i] = byte(i * 7)
		}
		for _, before := range []string{"", "first"} {
			c := dialRaw(t, s, "")
			e := s.accept()
			var lead []byte
			if before != "" {
				lead = frame(0x80|opText, []byte(before))
			}
			f := append(lead, frame(0x80|opBinary, payload)...)
			// The buffer sizes: 8 KiB, then 16, 32, 64, 64... Pause at
			// each edge, and a byte either side.
			var cuts []int
			for at, size := len(lead), bufferSize; at < len(f); size = min(2*size, maxChunk) {
				at += size
				cuts = append(cuts, at-1, at, at+1)
			}
			from := 0
			for _, at := range cuts {
				if at <= from || at >= len(f) {
					continue
				}
				c.send(f[from:at])
				waitRead(t, c, e)
				from = at
			}
			c.send(f[from:])
			if before != "" {
				if m := e.next(t); string(m.data) != before {
					t.Fatalf("got %q, want %q", m.data, before)
				}
			}
			if m := e.next(t); !m.binary || !bytes.Equal(m.data, payload) {
				t.Fatalf("got %d bytes, not the %d sent", len(m.data), len(payload))
			}
			c.send(frame(0x80|opText, []byte("after")))
			if m := e.next(t); string(m.data) != "after" {
				t.Fatalf("got %q", m.data)
			}
		}
	})
}

// Without a read limit, a header may still announce more than a slice can
// hold; the length plus the header's must not wrap around.
func TestLengthPastMaxInt(t *testing.T) {
	runModes(t, func(t *testing.T, noPoller bool) {
		s := newServer(t, UpgraderOptions{NoPoller: noPoller}, nil)
		for _, n := range []uint64{1<<63 - 1, 1<<63 - 14} { // with the 14-byte header, past math.MaxInt
			c := dialRaw(t, s, "")
			e := s.accept()
			c.send(append(binary.BigEndian.AppendUint64([]byte{0x82, 0xff}, n), 1, 2, 3, 4, 5, 6))
			c.expectClose(CloseMessageTooBig)
			if err := e.end(t); err != ErrReadLimit {
				t.Fatalf("length %d: reading ended with %v, want ErrReadLimit", n, err)
			}
		}
	})
}

// A compressed message of 64 KiB that inflates to 64 MiB stops at the read
// limit: inflating it allocates about what the limit allows, not what the
// stream would make.
func TestInflateBombMemory(t *testing.T) {
	const limit = 1 << 20
	bomb := compress(make([]byte, 64<<20))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := inflate(bomb, limit)
	runtime.ReadMemStats(&after)
	if err != ErrReadLimit {
		t.Fatalf("inflate: %v, want ErrReadLimit", err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d-byte bomb: %d bytes allocated inflating it to the %d-byte limit", len(bomb), allocated, limit)
	if allocated > 8*limit {
		t.Fatalf("inflating to a %d-byte limit allocated %d bytes", limit, allocated)
	}
}
