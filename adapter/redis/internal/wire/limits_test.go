package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func nested(open, close string, n int, inner string) []byte {
	return []byte(strings.Repeat(open, n) + inner + strings.Repeat(close, n))
}

func TestDepthLimitJSON(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		open, close, inner string
	}{
		{"[", "]", ""},
		{`{"a":`, "}", "1"},
		{`[{"a":`, "}]", "1"},
	} {
		per := strings.Count(c.open, "[") + strings.Count(c.open, "{")
		ok := nested(c.open, c.close, MaxDepth/per, c.inner)
		if _, err := AppendJSON(nil, ok, nil); err != nil {
			t.Errorf("%d levels of %s: %v", MaxDepth, c.open, err)
		}
		deep := nested(c.open, c.close, MaxDepth/per+1, c.inner)
		if _, err := AppendJSON(nil, deep, nil); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%d levels of %s: %v, want ErrTooDeep", MaxDepth+per, c.open, err)
		}
	}
}

func TestDepthLimitMsgpack(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		build func(levels int) string // hex
	}{
		{"arrays", func(n int) string { return strings.Repeat("91", n) + "c0" }},
		{"map values", func(n int) string { return strings.Repeat("81a161", n) + "c0" }},
		// keys are rendered as String(key), arrays joined, maps skipped
		{"array key", func(n int) string { return "81" + strings.Repeat("91", n-1) + "c0" + "c0" }},
		{"map keys", func(n int) string { return strings.Repeat("81", n) + "c0" + strings.Repeat("c0", n) }},
		{"map in array key", func(n int) string { return "81" + strings.Repeat("91", n-2) + "81c0c0" + "c0" }},
	} {
		msg := unhex(t, c.build(MaxDepth))
		var atts [][]byte
		if _, rest, err := AppendMsgpackAsJSON(nil, msg, &atts); err != nil || len(rest) != 0 {
			t.Errorf("%s: %d levels: %v, %d left", c.name, MaxDepth, err, len(rest))
		}
		if rest, err := Skip(msg); err != nil || len(rest) != 0 {
			t.Errorf("%s: Skip of %d levels: %v, %d left", c.name, MaxDepth, err, len(rest))
		}
		deep := unhex(t, c.build(MaxDepth+1))
		if _, _, err := AppendMsgpackAsJSON(nil, deep, &atts); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: %d levels: %v, want ErrTooDeep", c.name, MaxDepth+1, err)
		}
		if _, err := Skip(deep); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: Skip of %d levels: %v, want ErrTooDeep", c.name, MaxDepth+1, err)
		}
	}
}

// TestTruncated cuts every valid decode vector short at every byte: each
// cut is ErrMsgpack, from the decoder and from Skip alike.
func TestTruncated(t *testing.T) {
	t.Parallel()
	n := 0
	for _, v := range loadVectors(t).Decode {
		if v.Error != "" || v.Build != nil {
			continue
		}
		msg := unhex(t, v.Hex)
		for i := range len(msg) {
			var atts [][]byte
			cut := bytes.Clone(msg[:i]) // no spare capacity to read by mistake
			if _, _, err := AppendMsgpackAsJSON(nil, cut, &atts); !errors.Is(err, ErrMsgpack) {
				t.Errorf("%s cut to %d bytes: %v", v.Name, i, err)
			}
			if _, err := Skip(cut); !errors.Is(err, ErrMsgpack) {
				t.Errorf("%s cut to %d bytes: Skip: %v", v.Name, i, err)
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cuts", n)
	}
}

// TestClaimsBeyondInput checks that lengths and counts that the input
// cannot back are refused before anything is sized from them: memory
// grows with the bytes received, not with what they claim.
func TestClaimsBeyondInput(t *testing.T) {
	for _, h := range []string{
		"ddffffffff00", "dfffffffff0000", "dcffff00", "deffff0000", "8f00", "9f",
		"c6ffffffff00", "dbffffffff61", "c9ffffffff0100", "c8ffff0000",
		"9fdfffffffff", "81dfffffffff00",
		// big counts whose elements are all there but need more bytes
		"dd00010000" + strings.Repeat("00", 0xffff),
		"df00010000" + strings.Repeat("a000", 0x7fff),
	} {
		msg := unhex(t, h)
		var atts [][]byte
		dst := make([]byte, 0, 64<<10)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, _, err := AppendMsgpackAsJSON(dst, msg, &atts)
		runtime.ReadMemStats(&m1)
		if !errors.Is(err, ErrMsgpack) {
			t.Errorf("%.20s…: %v", h, err)
		}
		if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 4<<10+uint64(4*len(msg)) {
			t.Errorf("%.20s… (%d bytes): allocated %d bytes", h, len(msg), grew)
		}
		if _, err := Skip(msg); !errors.Is(err, ErrMsgpack) {
			t.Errorf("%.20s…: Skip: %v", h, err)
		}
	}
}

func TestErrorsLeaveBuffersAlone(t *testing.T) {
	t.Parallel()
	dst := []byte("keep")
	atts := [][]byte{[]byte("mine")}
	// a bin, then a truncated string
	out, rest, err := AppendMsgpackAsJSON(dst, unhex(t, "92c40101a5"), &atts)
	if !errors.Is(err, ErrMsgpack) || string(out) != "keep" || len(atts) != 1 || len(rest) != 5 {
		t.Errorf("got %q, %d attachments, %d left, %v", out, len(atts), len(rest), err)
	}
	out, err = AppendJSON(dst, []byte(`[1,2,{"a":[3,`), nil)
	if !errors.Is(err, ErrSyntax) || string(out) != "keep" {
		t.Errorf("got %q, %v", out, err)
	}
}

func TestPlaceholdersCountOn(t *testing.T) {
	t.Parallel()
	atts := [][]byte{[]byte("mine")}
	out, _, err := AppendMsgpackAsJSON(nil, unhex(t, "92c40101c7010002"), &atts)
	if err != nil || string(out) != `[{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}]` {
		t.Fatalf("got %s, %v", out, err)
	}
	if len(atts) != 3 || atts[1][0] != 1 || atts[2][0] != 2 || cap(atts[1]) != 1 {
		t.Fatalf("attachments %q", atts)
	}
	if _, _, err := AppendMsgpackAsJSON(nil, unhex(t, "c40101"), nil); !errors.Is(err, ErrAttachment) {
		t.Fatalf("bin with nil attachments: %v", err)
	}
}

// TestDeviations pins down where this package departs from notepack, as
// the package doc lists.
func TestDeviations(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ json, hex string }{
		// notepack's short-string path writes a lone surrogate as the
		// first half of a pair, swallowing what follows; U+FFFD here.
		{`"\ud800"`, "a3efbfbd"},
		{`"\ud800a"`, "a4efbfbd61"},
		{`"a\udc00"`, "a461efbfbd"},
		{`"\udc00\ud800"`, "a6efbfbdefbfbd"},
	} {
		got, err := AppendJSON(nil, []byte(c.json), nil)
		if err != nil || hex.EncodeToString(got) != c.hex {
			t.Errorf("%s: got %x, %v; want %s", c.json, got, err, c.hex)
		}
	}
	// notepack reads 12 bytes for a timestamp 96 whatever its length.
	var atts [][]byte
	if _, _, err := AppendMsgpackAsJSON(nil, unhex(t, "c705ff0000000000"), &atts); !errors.Is(err, ErrMsgpack) {
		t.Errorf("timestamp 96 of 5 bytes: %v", err)
	}
	// JSON.stringify(undefined) is no text at all.
	if got, _, err := AppendMsgpackAsJSON(nil, unhex(t, "d40000"), &atts); err != nil || string(got) != "null" {
		t.Errorf("undefined: %s, %v", got, err)
	}
}

func TestEnvelopeReaders(t *testing.T) {
	t.Parallel()
	msg := unhex(t, "93a3756964cfffffffffffffffff82a16101a162c0")
	if _, _, err := ReadMapHeader(msg); !errors.Is(err, ErrMsgpack) {
		t.Errorf("ReadMapHeader of an array: %v", err)
	}
	n, rest, err := ReadArrayHeader(msg)
	if err != nil || n != 3 {
		t.Fatalf("ReadArrayHeader: %d, %v", n, err)
	}
	if _, _, err := ReadInt(rest); !errors.Is(err, ErrMsgpack) {
		t.Errorf("ReadInt of a string: %v", err)
	}
	s, rest, err := ReadString(rest)
	if err != nil || string(s) != "uid" || cap(s) != 3 {
		t.Fatalf("ReadString: %q, %v", s, err)
	}
	if _, _, err := ReadInt(rest); !errors.Is(err, ErrMsgpack) {
		t.Errorf("ReadInt of 2^64-1: %v", err)
	}
	if rest, err = Skip(rest); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadString(rest); !errors.Is(err, ErrMsgpack) {
		t.Errorf("ReadString of a map: %v", err)
	}
	if rest, err = Skip(rest); err != nil || len(rest) != 0 {
		t.Fatalf("Skip: %v, %d left", err, len(rest))
	}
	for _, c := range []struct {
		hex  string
		want int64
	}{{"00", 0}, {"ff", -1}, {"cd03e8", 1000}, {"d38000000000000000", -1 << 63}, {"cf7fffffffffffffff", 1<<63 - 1}} {
		v, _, err := ReadInt(unhex(t, c.hex))
		if err != nil || v != c.want {
			t.Errorf("ReadInt(%s) = %d, %v; want %d", c.hex, v, err, c.want)
		}
		if got := hex.EncodeToString(AppendInt(nil, c.want)); c.want >= -1<<31 && c.want < 1<<32 && got != c.hex {
			t.Errorf("AppendInt(%d) = %s, want %s", c.want, got, c.hex)
		}
	}
}

// TestSlowPathMemory measures the worst case of the slow path, an object
// of 65535 tiny pairs, and holds it to what the package doc says: memory
// in proportion to the input, under 64 bytes for each byte.
func TestSlowPathMemory(t *testing.T) {
	name := func(i int) string { return string([]byte{'a' + byte(i%26), 'a' + byte(i/26%26), 'a' + byte(i/676%26)}) }
	var same, distinct []byte
	same = AppendMapHeader(same, 0xffff)
	distinct = AppendMapHeader(distinct, 0xffff)
	var sameJSON, distinctJSON strings.Builder
	sameJSON.WriteByte('{')
	distinctJSON.WriteByte('{')
	for i := range 0xffff {
		same = append(same, 0xa0, 0)
		distinct = append(AppendString(distinct, name(i)), 0)
		if i > 0 {
			sameJSON.WriteByte(',')
			distinctJSON.WriteByte(',')
		}
		sameJSON.WriteString(`"":0`)
		distinctJSON.WriteString(`"` + name(i) + `":0`)
	}
	sameJSON.WriteByte('}')
	distinctJSON.WriteByte('}')
	dst := make([]byte, 0, 1<<20)
	var atts [][]byte
	for _, c := range []struct {
		name string
		in   []byte
		f    func(in []byte) error
	}{
		{"decode, one key", same, func(in []byte) error { _, _, err := AppendMsgpackAsJSON(dst, in, &atts); return err }},
		{"decode, distinct keys", distinct, func(in []byte) error { _, _, err := AppendMsgpackAsJSON(dst, in, &atts); return err }},
		{"encode, one key", []byte(sameJSON.String()), func(in []byte) error { _, err := AppendJSON(dst, in, nil); return err }},
		{"encode, distinct keys", []byte(distinctJSON.String()), func(in []byte) error { _, err := AppendJSON(dst, in, nil); return err }},
	} {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		err := c.f(c.in)
		runtime.ReadMemStats(&m1)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ratio := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(len(c.in))
		t.Logf("%s: %d bytes in, %.1f bytes allocated per byte", c.name, len(c.in), ratio)
		if ratio > 64 {
			t.Errorf("%s: %.1f bytes allocated per input byte", c.name, ratio)
		}
	}
}
