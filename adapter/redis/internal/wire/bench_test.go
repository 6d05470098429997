package wire

import (
	"testing"
)

// A typical broadcast packet, as the classic adapter publishes it.
const benchPacket = `{"type":2,"data":["chat message",{"text":"hello","n":42}],"nsp":"/"}`

func benchMsg(tb testing.TB) []byte {
	msg, err := AppendJSON(nil, []byte(benchPacket), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return msg
}

func BenchmarkAppendJSON(b *testing.B) {
	in := []byte(benchPacket)
	dst := make([]byte, 0, 256)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = AppendJSON(dst[:0], in, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendMsgpackAsJSON(b *testing.B) {
	msg := benchMsg(b)
	dst := make([]byte, 0, 256)
	atts := make([][]byte, 0, 4)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, _, err = AppendMsgpackAsJSON(dst[:0], msg, &atts); err != nil {
			b.Fatal(err)
		}
		atts = atts[:0]
	}
}

// TestNoAllocs holds the hot path to zero allocations with a reused dst,
// for the benchmark's packet and one with a binary attachment.
func TestNoAllocs(t *testing.T) {
	bin := `["H2V8hc",{"type":2,"data":["bin",{"_placeholder":true,"num":0},1.5,-7,"é\n"],"nsp":"/"},{"rooms":["r"],"except":[],"flags":{"volatile":true}}]`
	for _, text := range []string{benchPacket, bin} {
		in := []byte(text)
		atts := [][]byte{{1, 2, 3}}
		dst := make([]byte, 0, 512)
		var msg []byte
		if n := testing.AllocsPerRun(100, func() {
			var err error
			if msg, err = AppendJSON(dst[:0], in, atts); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("AppendJSON(%s): %v allocations", in, n)
		}
		back := make([][]byte, 0, 4)
		out := make([]byte, 0, 512)
		if n := testing.AllocsPerRun(100, func() {
			var err error
			if out, _, err = AppendMsgpackAsJSON(out[:0], msg, &back); err != nil {
				t.Fatal(err)
			}
			back = back[:0]
		}); n != 0 {
			t.Errorf("AppendMsgpackAsJSON(%s): %v allocations", in, n)
		}
		if string(out) != text {
			t.Errorf("round trip: %s", out)
		}
	}
}
