package packet

import (
	"bytes"
	"encoding/base64"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// form returns p's v3 text form with invalid UTF-8 replaced as a reader
// decodes it: how the differential tables write packets.
func form(p Packet) string {
	return string(jsval.AppendValid(nil, AppendTextV3(nil, p)))
}

// fromForm builds a packet from its v3 text form, independently of
// DecodeTextV3.
func fromForm(t *testing.T, s string) Packet {
	t.Helper()
	if s[0] == 'b' {
		data, err := base64.StdEncoding.DecodeString(s[2:])
		if err != nil {
			t.Fatalf("bad vector %q: %v", s, err)
		}
		return Packet{Type: Type(s[1] - '0'), Data: data, Binary: true}
	}
	return Packet{Type: Type(s[0] - '0'), Data: []byte(s[1:])}
}

func samePacket(a, b Packet) bool {
	return a.Type == b.Type && a.Binary == b.Binary && bytes.Equal(a.Data, b.Data)
}

// decodeAll runs next over payload as the server does and returns the
// packets before the first error.
func decodeAll(payload []byte, next func([]byte) (Packet, []byte, error)) ([]Packet, error) {
	var got []Packet
	for rest := payload; ; {
		var p Packet
		var err error
		if p, rest, err = next(rest); err != nil {
			return got, err
		}
		got = append(got, p)
		if rest == nil {
			return got, nil
		}
	}
}

func TestTextV3(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Packet
		want string
	}{
		{Packet{Type: Open, Data: []byte(`{"sid":"x"}`)}, `0{"sid":"x"}`},
		{Packet{Type: Ping, Data: []byte("probe")}, "2probe"},
		{Packet{Type: Pong}, "3"},
		{Packet{Type: Message, Data: []byte("€")}, "4€"},
		{Packet{Type: Noop}, "6"},
		{Packet{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}, "b4AQIDBA=="},
		{Packet{Type: Ping, Data: []byte{0xff}, Binary: true}, "b2/w=="},
		{Packet{Type: Message, Data: []byte{}, Binary: true}, "b4"},
	}
	for _, tt := range tests {
		got := AppendTextV3(nil, tt.p)
		if string(got) != tt.want {
			t.Errorf("AppendTextV3(%+v) = %q, want %q", tt.p, got, tt.want)
		}
		back, err := DecodeTextV3(got)
		if err != nil || !samePacket(back, tt.p) {
			t.Errorf("DecodeTextV3(%q) = %+v, %v, want %+v", got, back, err, tt.p)
		}
		// A text WebSocket frame is the text form.
		if !tt.p.Binary {
			if f := AppendFrameV3(nil, tt.p); string(f) != tt.want {
				t.Errorf("AppendFrameV3(%+v) = %q, want %q", tt.p, f, tt.want)
			}
		}
	}
	for _, in := range []string{"", "7", "9x", "x", "b", "b7AQ==", "bxAQ==", "b/", "b4!!", "b4AQ", "b4AQID==", "\xff"} {
		if _, err := DecodeTextV3([]byte(in)); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("DecodeTextV3(%q) error = %v, want ErrInvalidPacket", in, err)
		}
	}
}

func TestFrameV3(t *testing.T) {
	t.Parallel()
	bin := Packet{Type: Message, Data: []byte{1, 2, 3}, Binary: true}
	f := AppendFrameV3(nil, bin)
	if !bytes.Equal(f, []byte{4, 1, 2, 3}) {
		t.Fatalf("AppendFrameV3 = %x, want 04010203", f)
	}
	if p, err := DecodeFrameV3(f, true); err != nil || !samePacket(p, bin) {
		t.Fatalf("DecodeFrameV3(%x) = %+v, %v", f, p, err)
	}
	if p, err := DecodeFrameV3([]byte{2}, true); err != nil || p.Type != Ping || !p.Binary || len(p.Data) != 0 {
		t.Fatalf("DecodeFrameV3(02) = %+v, %v", p, err)
	}
	if p, err := DecodeFrameV3([]byte("4hi"), false); err != nil || !samePacket(p, Packet{Type: Message, Data: []byte("hi")}) {
		t.Fatalf("DecodeFrameV3(text) = %+v, %v", p, err)
	}
	// The reference ignores these; we refuse them.
	for _, in := range [][]byte{{}, {7}, {0xff, 1}} {
		if _, err := DecodeFrameV3(in, true); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("DecodeFrameV3(%x, true) error = %v, want ErrInvalidPacket", in, err)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"€", 1},
		{"😀", 2},
		{"a😀b€c", 6},
		{strings.Repeat("x", 17) + "😀" + strings.Repeat("y", 9), 28},
		{"\xe2\x82A", 2},
		{"\xff\xff", 2},
	}
	for _, tt := range tests {
		if got := UTF16Len([]byte(tt.in)); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	for _, tt := range diffUTF16Len {
		if got := UTF16Len([]byte(tt.in)); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, Node says %d", tt.in, got, tt.want)
		}
	}
}

// The vectors of the protocol notes (socketio.md §1.2).
func TestPayloadV3Spec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		packets []Packet
		want    string
	}{
		{[]Packet{{Type: Message, Data: []byte("hello")}, {Type: Message, Data: []byte("€")}}, "6:4hello2:4€"},
		{[]Packet{{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}}, "10:b4AQIDBA=="},
		{nil, "0:"},
		{[]Packet{{Type: Message, Data: []byte("😀")}}, "3:4😀"},
		{[]Packet{{Type: Ping, Data: []byte("probe")}, {Type: Close}}, "6:2probe1:1"},
		{[]Packet{{Type: Message, Data: []byte(strings.Repeat("é", 12))}}, "13:4" + strings.Repeat("é", 12)},
	}
	for _, tt := range tests {
		got := AppendPayloadV3(nil, tt.packets)
		if string(got) != tt.want {
			t.Errorf("AppendPayloadV3 = %q, want %q", got, tt.want)
		}
		if n := PayloadLenV3(tt.packets); n != len(got) {
			t.Errorf("PayloadLenV3 = %d, want %d", n, len(got))
		}
		back, err := decodeAll(got, NextPayloadV3)
		if err != nil {
			t.Fatalf("decode %q: %v", got, err)
		}
		if len(tt.packets) == 0 {
			if len(back) != 1 || back[0].Type != Noop {
				t.Errorf("decode %q = %+v, want one Noop", got, back)
			}
			continue
		}
		if len(back) != len(tt.packets) {
			t.Fatalf("decode %q: %d packets, want %d", got, len(back), len(tt.packets))
		}
		for i := range back {
			if !samePacket(back[i], tt.packets[i]) {
				t.Errorf("decode %q: packet %d = %+v, want %+v", got, i, back[i], tt.packets[i])
			}
		}
	}

	bin := AppendBinaryPayloadV3(nil, []Packet{{Type: Message, Data: []byte("hello")}, {Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}})
	want := []byte{0x00, 0x06, 0xff, 0x34, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x01, 0x05, 0xff, 0x04, 0x01, 0x02, 0x03, 0x04}
	if !bytes.Equal(bin, want) {
		t.Errorf("AppendBinaryPayloadV3 = % x, want % x", bin, want)
	}
}

func TestNextPayloadV3(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string // text forms of the packets before the error
		err  bool
	}{
		// Empty packets are skipped; nothing but empty packets is a Noop.
		{"0:", []string{"6"}, false},
		{"0:0:000:", []string{"6"}, false},
		{"5:4abcd0:", []string{"4abcd"}, false},
		{"0:5:4abcd0:0:", []string{"4abcd"}, false},
		{"1:30:1:2", []string{"3", "2"}, false},
		{"5:4abcd0:x", []string{"4abcd"}, true},
		{"1:6", []string{"6"}, false},
		// Lengths count UTF-16 code units.
		{"2:4€", []string{"4€"}, false},
		{"3:4😀1:3", []string{"4😀", "3"}, false},
		{"3:4\xe2\x82A", []string{"4\uFFFDA"}, false},
		{"2:4😀", nil, true}, // ends inside the surrogate pair
		{"1:4😀", []string{"4"}, true},
		{"4:4€", nil, true}, // € is 1, not 3
		{"4:4😀", nil, true},
		// Lying or malformed lengths.
		{"", nil, true},
		{":", nil, true},
		{":4", nil, true},
		{"1", nil, true},
		{"1:", nil, true},
		{"6:4hello", []string{"4hello"}, false},
		{"7:4hello", nil, true},
		{"5:4hello", []string{"4hell"}, true},
		{"1:41", []string{"4"}, true},
		{"99999999999999999999:4", nil, true},
		{"99999999999999999999999999999999999999999:4", nil, true},
		{"9223372036854775808:4", nil, true},
		{"-1:4", nil, true},
		{" 1:4", nil, true},  // the reference's Number() accepts this
		{"0x1:4", nil, true}, // and this
		{"1.0:4", nil, true}, // and this
		{"1:7", nil, true},
		{"1:b", nil, true},  // the reference passes on a packet of undefined type
		{"2:b9", nil, true}, // likewise
		{"3:b4A", nil, true},
		{"6:b4AQ=", nil, true}, // the reference decodes base64 leniently
		{"2:b4", []string{"b4"}, false},
		{"6:b2AQ==", []string{"b2AQ=="}, false},
	}
	for _, tt := range tests {
		got, err := decodeAll([]byte(tt.in), NextPayloadV3)
		if (err != nil) != tt.err {
			t.Errorf("%q: error = %v, want error %v", tt.in, err, tt.err)
		}
		if err != nil && !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("%q: error %v does not wrap ErrInvalidPacket", tt.in, err)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d packets %v, want %q", tt.in, len(got), got, tt.want)
			continue
		}
		for i := range got {
			if f := form(got[i]); f != tt.want[i] {
				t.Errorf("%q: packet %d = %q, want %q", tt.in, i, f, tt.want[i])
			}
		}
	}
}

// A text packet's data aliases the payload; the rest after the last
// non-empty packet is nil.
func TestNextPayloadV3Rest(t *testing.T) {
	t.Parallel()
	in := []byte("5:4abcd0:1:3")
	p, rest, err := NextPayloadV3(in)
	if err != nil || string(rest) != "1:3" || &p.Data[0] != &in[3] {
		t.Fatalf("NextPayloadV3 = %+v, %q, %v", p, rest, err)
	}
	p, rest, err = NextPayloadV3(rest)
	if err != nil || rest != nil || p.Type != Pong {
		t.Fatalf("NextPayloadV3 = %+v, %q, %v", p, rest, err)
	}
}

// Decoding a text payload allocates nothing, and never by a claimed
// length: an error takes a few small values.
func TestNextPayloadV3Allocs(t *testing.T) {
	for _, in := range []string{"5:4abcd", strings.Repeat("1:3", 100) + "0:", "2:4€3:4😀", "99999999999999999999:4", "1000000:4a", "9:4abc"} {
		b := []byte(in)
		decode := func() {
			for rest := b; rest != nil; {
				var err error
				if _, rest, err = NextPayloadV3(rest); err != nil {
					break
				}
			}
		}
		if _, err := decodeAll(b, NextPayloadV3); err == nil {
			if n := testing.AllocsPerRun(100, decode); n != 0 {
				t.Errorf("%q: %v allocations", in, n)
			}
			continue
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			decode()
		}
		runtime.ReadMemStats(&after)
		if n := (after.TotalAlloc - before.TotalAlloc) / 100; n > 512 {
			t.Errorf("%q: %d bytes allocated", in, n)
		}
	}
}

// Decoding a payload of one long packet takes time linear in its size: the
// UTF-16 count is not rescanned.
func TestNextPayloadV3Linear(t *testing.T) {
	t.Parallel()
	data := []byte(strings.Repeat("é😀a", 1<<16))
	payload := AppendPayloadV3(nil, []Packet{{Type: Message, Data: data}, {Type: Message, Data: data}})
	got, err := decodeAll(payload, NextPayloadV3)
	if err != nil || len(got) != 2 || !bytes.Equal(got[1].Data, data) {
		t.Fatalf("decode: %d packets, %v", len(got), err)
	}
}

func TestBinaryPayloadV3(t *testing.T) {
	t.Parallel()
	long := bytes.Repeat([]byte{7}, 16) // 17 with the type byte
	tests := []struct {
		packets []Packet
		want    []byte
	}{
		{nil, nil},
		{[]Packet{{Type: Message, Data: long, Binary: true}}, append([]byte{1, 1, 7, 0xff, 4}, long...)},
		{[]Packet{{Type: Message, Data: []byte("€")}}, []byte("\x00\x04\xff4€")},
		{[]Packet{{Type: Close}}, []byte("\x00\x01\xff1")},
		{[]Packet{{Type: Message, Data: []byte("😀"), Binary: false}, {Type: Ping, Binary: true}}, []byte("\x00\x05\xff4😀\x01\x01\xff\x02")},
		// Invalid UTF-8 goes out as U+FFFD, one per maximal subpart.
		{[]Packet{{Type: Message, Data: []byte("a\xe2\x82\xff")}}, []byte("\x00\x08\xff4a\uFFFD\uFFFD")},
	}
	for _, tt := range tests {
		got := AppendBinaryPayloadV3(nil, tt.packets)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("AppendBinaryPayloadV3(%+v) = %q, want %q", tt.packets, got, tt.want)
		}
		back, err := decodeAll(got, NextBinaryPayloadV3)
		if err != nil {
			t.Fatalf("decode %q: %v", got, err)
		}
		if len(tt.packets) == 0 {
			if len(back) != 1 || back[0].Type != Noop {
				t.Errorf("decode %q = %+v, want one Noop", got, back)
			}
			continue
		}
		for i := range back {
			if form(back[i]) != form(tt.packets[i]) {
				t.Errorf("decode %q: packet %d = %+v, want %+v", got, i, back[i], tt.packets[i])
			}
		}
	}
}

func TestNextBinaryPayloadV3(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", []string{"6"}, false},
		{"\x00\x06\xff4hello\x01\x05\xff\x04\x01\x02\x03\x04", []string{"4hello", "b4AQIDBA=="}, false},
		{"\x00\x00\x06\xff4hello", []string{"4hello"}, false}, // a leading zero digit
		{"\x00\x06\xffb4AQID", []string{"b4AQID"}, false},     // base64 in a string packet
		{"\x01\x01\xff\x06", []string{"b6"}, false},
		{"\x00\x01\xff3\x00", []string{"3"}, true},     // cut in the header
		{"\x00\x01\xff3\x00\x01", []string{"3"}, true}, // no 0xFF
		{"\x00\x06\xff4hell", nil, true},               // the reference takes what is there
		{"\x00\x00\xff", nil, true},                    // empty string packet (the reference fails too)
		{"\x01\x00\xff", nil, true},                    // empty binary packet (the reference: undefined type)
		{"\x01\x01\xff\x07", nil, true},                // unknown type (likewise)
		{"\x02\x01\xff\x04", nil, true},                // the reference takes any non-zero kind as binary
		{"\x00\x0a\xff4hello", nil, true},              // a length byte above 9
		{"\x00\xff4", nil, true},                       // no digits
		{"\x00\x01", nil, true},                        // no 0xFF
		{"\x00\x02\xff4\xff", nil, true},               // invalid UTF-8
		{"\x00\x04\xff4\xed\xa0\x80", nil, true},       // an encoded surrogate (the reference: U+FFFD)
		{"\x00\x01\xff7", nil, true},                   // unknown type
		{"\x00\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\xff4", nil, true},
	}
	for _, tt := range tests {
		got, err := decodeAll([]byte(tt.in), NextBinaryPayloadV3)
		if (err != nil) != tt.err {
			t.Errorf("%q: error = %v, want error %v", tt.in, err, tt.err)
		}
		if err != nil && !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("%q: error %v does not wrap ErrInvalidPacket", tt.in, err)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d packets %v, want %q", tt.in, len(got), got, tt.want)
			continue
		}
		for i := range got {
			if f := form(got[i]); f != tt.want[i] {
				t.Errorf("%q: packet %d = %q, want %q", tt.in, i, f, tt.want[i])
			}
		}
	}
}

// Differential tests against the reference parser; the tables are at the
// end of the file.

type diffDecode struct {
	in   string
	want []string // the reference's packets, each in v3 text form
	err  bool     // whether the reference reported a parser error
	// dev names a deliberate deviation the reference cannot show by its
	// output: "number" for a length prefix that only Number() accepts.
	dev string
}

type diffEncode struct {
	packets []string // text forms
	want    string
}

// A packet the reference hands on but we refuse: one whose type is
// undefined or whose base64 is not canonical (both binary, "b..."), or
// one holding half a surrogate pair (written as 0xff).
func refusedByUs(ref string) bool {
	return ref[0] == 'b' || strings.IndexByte(ref, 0xff) >= 0
}

func checkDiffDecode(t *testing.T, tables []diffDecode, next func([]byte) (Packet, []byte, error)) {
	t.Helper()
	var exact, deviations int
	for _, v := range tables {
		got, err := decodeAll([]byte(v.in), next)
		if err == nil && len(v.want) == 0 && !v.err && len(got) == 1 && got[0].Type == Noop {
			exact++ // nothing but empty packets
			continue
		}
		if len(got) > len(v.want) {
			t.Errorf("%q: got %d packets, the reference %d", v.in, len(got), len(v.want))
			continue
		}
		for i := range got {
			if f := form(got[i]); f != v.want[i] {
				t.Errorf("%q: packet %d = %q, the reference's %q", v.in, i, f, v.want[i])
			}
		}
		if (err != nil) == v.err && len(got) == len(v.want) {
			exact++
			continue
		}
		// Where we differ, we fail earlier, and only on a known deviation.
		if err == nil || (v.dev == "" && (len(got) == len(v.want) || !refusedByUs(v.want[len(got)]))) {
			t.Errorf("%q: got %d packets %v, error %v; the reference %q, error %v", v.in, len(got), got, err, v.want, v.err)
			continue
		}
		deviations++
	}
	t.Logf("%d vectors as the reference, %d known deviations", exact, deviations)
}

func TestDiffNextPayloadV3(t *testing.T) {
	t.Parallel()
	checkDiffDecode(t, diffDecodePayloadV3, NextPayloadV3)
}

func TestDiffNextBinaryPayloadV3(t *testing.T) {
	t.Parallel()
	checkDiffDecode(t, diffDecodeBinaryPayloadV3, NextBinaryPayloadV3)
}

func TestDiffAppendPayloadV3(t *testing.T) {
	t.Parallel()
	for _, v := range diffAppendPayloadV3 {
		packets := make([]Packet, len(v.packets))
		for i, s := range v.packets {
			packets[i] = fromForm(t, s)
		}
		if got := AppendPayloadV3(nil, packets); string(got) != v.want {
			t.Errorf("AppendPayloadV3(%q) = %q, the reference %q", v.packets, got, v.want)
		}
		if n := PayloadLenV3(packets); n != len(v.want) {
			t.Errorf("PayloadLenV3(%q) = %d, want %d", v.packets, n, len(v.want))
		}
	}
	for _, v := range diffAppendBinaryPayloadV3 {
		packets := make([]Packet, len(v.packets))
		for i, s := range v.packets {
			packets[i] = fromForm(t, s)
		}
		if got := AppendBinaryPayloadV3(nil, packets); string(got) != v.want {
			t.Errorf("AppendBinaryPayloadV3(%q) = %q, the reference %q", v.packets, got, v.want)
		}
	}
}

func BenchmarkAppendPayloadV3(b *testing.B) {
	b.ReportAllocs()
	pkts := benchPayload()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = AppendPayloadV3(buf[:0], pkts)
	}
}

func BenchmarkNextPayloadV3(b *testing.B) {
	b.ReportAllocs()
	enc := AppendPayloadV3(nil, benchPayload())
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		for rest := enc; rest != nil; {
			var err error
			if _, rest, err = NextPayloadV3(rest); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchNonASCII is a message of mixed scripts and emoji, where counting
// UTF-16 units cannot take the ASCII fast path.
var benchNonASCII = []Packet{{Type: Message, Data: []byte(`2["chat","héllo wörld, привет мир, 你好世界 😀👍🎉"]`)}}

func BenchmarkNextPayloadV3NonASCII(b *testing.B) {
	b.ReportAllocs()
	enc := AppendPayloadV3(nil, benchNonASCII)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, _, err := NextPayloadV3(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendBinaryPayloadV3(b *testing.B) {
	b.ReportAllocs()
	pkts := benchPayload()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = AppendBinaryPayloadV3(buf[:0], pkts)
	}
}

func BenchmarkNextBinaryPayloadV3(b *testing.B) {
	b.ReportAllocs()
	enc := AppendBinaryPayloadV3(nil, benchPayload())
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		for rest := enc; rest != nil; {
			var err error
			if _, rest, err = NextBinaryPayloadV3(rest); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The tables below were produced by running the reference parser
// (engine.io 6.6, build/parser-v3) under Node 20 on inputs from a seeded
// generator:
//
//   - diffUTF16Len: Buffer.from(in).toString("utf8").length.
//   - diffDecodePayloadV3: decodePayload(Buffer.from(in).toString("utf8"), cb),
//     collecting packets until cb receives the parser error.
//   - diffAppendPayloadV3: encodePayload(packets, false, cb), as UTF-8.
//   - diffAppendBinaryPayloadV3: encodePayload(packets, true, cb).
//   - diffDecodeBinaryPayloadV3: decodePayloadAsBinary on what
//     encodePayload(packets, true, cb) wrote.
//
// Packets are in v3 text form: "b", the type digit and base64 for binary
// data; "?" for a type the reference left undefined; a lone surrogate in a
// reference string is the byte 0xff.

var diffUTF16Len = []struct {
	in   string
	want int
}{
	{"\xf0\x9f\x98\xe2\x82\xac\xef\xbf\xbf\xf0\x9f\x98\x80\xff\xe2\x82\xac", 7},
	{"\xc0\xaf\xf0\x9f\x98\x80", 4},
	{"a", 1},
	{"", 0},
	{"5a", 2},
	{"\xe0\x80", 2},
	{"\xef\xbf\xbd\xf4\x90\x80\x800\xc0\xaf\xef\xbf\xbdb", 10},
	{"\x22\xed\xa0\x80\xf4\x90\x80\x80\xef\xbf\xbd\xef\xbf\xbd\x22", 11},
	{"\xf4\x90\x80\x80\x80", 5},
	{"a\xc0\xaf", 3},
	{"", 0},
	{"\xf0\x9f\x98\x80\xff5\xe2\x82\xac", 5},
	{"\xef\xbf\xbf", 1},
	{"\x220\xf0\x9f\x98\xf0\x9f\x98\x80\x80:\xe2\x82\xac", 8},
	{"5\xe2\x82\xac\xed\xa0\x80\xff\x80\xe0\x80\xef\xbf\xbd", 10},
	{"\xf0\x9f\x98\xc3\xa9", 2},
	{"\xe2\x82\xac", 1},
	{"\xef\xbf\xbd", 1},
	{"", 0},
	{"\x80\xf0\x9f\x98\xed\xa0\x80\x80\xc0\xaf\xe0\x80\xef\xbf\xbf", 11},
	{"\xf0\x9f\x98\x80", 2},
	{"\xff\x22\xef\xbf\xbfa\x22\xe0\x80", 7},
	{"\xed\xa0\x80\xe2\x82\xc0\xaf\x80\xe2\x82", 8},
	{"0\xef\xbf\xbd", 2},
	{"b\xef\xbf\xbf\xf0\x9f\x98\x80\xef\xbf\xbfa", 6},
	{" \xe0\x8005\xf0\x9f\x98\xff", 7},
	{"\xff\xf0\x9f\x98", 2},
	{"\x80", 1},
	{"\xe0\x80::\xef\xbf\xbf\xf4\x90\x80\x80", 9},
	{" ", 1},
	{" \xed\xa0\x80", 4},
	{"\xf0\x9f\x98\x80b\xe2\x82\xac", 4},
	{"", 0},
	{"\x22\xf0\x9f\x98\xf0\x9f\x98\x80a", 5},
	{"\xff\xe2\x82\xe0\x80::\xe0\x80", 8},
	{"\xc3\xa9\xc0\xaf", 3},
	{"", 0},
	{"\xe0\x80\xe2\x82\xc3\xa9", 4},
	{"5a\xe0\x805\xef\xbf\xbf", 6},
	{"\xf0\x9f\x98\xc0\xaf\xf4\x90\x80\x80\xe2\x82\xac\xf0\x9f\x98\x8050", 12},
	{"\x80 \x22", 3},
	{"5\xef\xbf\xbd\xe2\x82\xac55\xf0\x9f\x98", 6},
	{"", 0},
	{"\xc3\xa9\xf0\x9f\x98", 2},
	{"a", 1},
	{"", 0},
	{"b\xf4\x90\x80\x80\xf0\x9f\x98 \xed\xa0\x80", 10},
	{"", 0},
	{"b\xe2\x82\xef\xbf\xbd\xed\xa0\x80\xe2\x82\xe2\x82\xed\xa0\x80", 11},
	{"\x80\x80", 2},
	{":\xe2\x82\xac\x805", 4},
	{"5\xed\xa0\x80", 4},
	{"::\xf0\x9f\x98\x80", 4},
	{"a0:5\xff", 5},
	{" \xf0\x9f\x98\x80\xe0\x80a\xf0\x9f\x98\xf4\x90\x80\x80", 11},
	{"\xef\xbf\xbd", 1},
	{"", 0},
	{"\xc0\xaf\xc0\xaf", 4},
	{"\xc0\xaf \xc0\xaf\xef\xbf\xbf\xf4\x90\x80\x80", 10},
	{"\xef\xbf\xbd\xf0\x9f\x98\xc0\xaf\xe2\x82\xac\xe2\x82\xac\xe2\x825", 8},
	{"", 0},
	{"\xc0\xaf\x22", 3},
	{"0\xe0\x80", 3},
	{"\xf0\x9f\x98\x80\xe2\x82a\xe0\x80\xf0\x9f\x98", 7},
	{"5a\xff\x80", 4},
	{"\xc3\xa9\x22\xf0\x9f\x98\x80", 4},
	{"\xf4\x90\x80\x805b\x80\xc0\xaf", 9},
	{"\xed\xa0\x80a\xe2\x82:\xe0\x80", 8},
	{"", 0},
	{"5\xe2\x82\xac\xe0\x80\xf0\x9f\x98\xe2\x82\xac", 6},
	{"\xe0\x80\xf4\x90\x80\x80\xc3\xa9 \xef\xbf\xbf", 9},
	{"\xf4\x90\x80\x80\xc0\xaf:\xf0\x9f\x985\xef\xbf\xbf\xe2\x82", 11},
	{"", 0},
	{":\xef\xbf\xbf\x80b", 4},
	{"\x80\xf4\x90\x80\x80", 5},
	{"\xe2\x82\xac\xc3\xa9\x80", 3},
	{"\xe2\x82\xac\x80\xe2\x82\xac\x80", 4},
	{"\xf0\x9f\x98", 1},
	{"\xff\xf4\x90\x80\x805", 6},
	{"0", 1},
	{"", 0},
	{"\xe0\x80\xef\xbf\xbd\xff\xef\xbf\xbd\xed\xa0\x80\xed\xa0\x80", 11},
	{"\xef\xbf\xbf5\xf0\x9f\x98", 3},
	{"", 0},
	{"", 0},
	{":\xf0\x9f\x98\x80\xef\xbf\xbd", 4},
	{"\xc0\xaf\xef\xbf\xbdb", 4},
	{"a5\xc3\xa905\xef\xbf\xbd", 6},
	{"\x80\xef\xbf\xbd\xf4\x90\x80\x80", 6},
	{"\xc3\xa9\xff\xe2\x82\xff\xf0\x9f\x985\xf0\x9f\x98\x80", 8},
	{"\xf4\x90\x80\x80\xef\xbf\xbf\xef\xbf\xbd", 6},
	{"\xe2\x82\xf4\x90\x80\x80b ", 7},
	{"", 0},
	{"\xff\xf0\x9f\x985\xe2\x82\xac", 4},
	{"\xe2\x82\x22\xc3\xa9\xff5", 5},
	{" \xe0\x80\xe2\x82\xac\x80", 5},
	{"\xe0\x80\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\xf0\x9f\x98\x80:0", 10},
	{"\xe2\x82\xacb\xef\xbf\xbf", 3},
	{"", 0},
	{"", 0},
	{"b\xf4\x90\x80\x80\xef\xbf\xbd", 6},
	{"\xc3\xa9\xef\xbf\xbfb\xe2\x82\xaca", 5},
	{"\xf4\x90\x80\x80\x80", 5},
	{"", 0},
	{"a\xe0\x80\xe2\x82\xac\xc0\xaf", 6},
	{"\x80\xed\xa0\x80\xf0\x9f\x98\x80: \xed\xa0\x80", 11},
	{"0\xe2\x82\xe2\x82\xac\xef\xbf\xbf\xf0\x9f\x98", 5},
	{"5", 1},
	{"\xc3\xa9\x22\xed\xa0\x80a\xf0\x9f\x98\x80", 8},
	{" \xef\xbf\xbf", 2},
	{"0\xe2\x82\xe2\x82\xac", 3},
	{"\xf0\x9f\x98", 1},
	{"a\xef\xbf\xbd", 2},
	{"5", 1},
	{"\xf4\x90\x80\x80\xc3\xa9\xe2\x82\xac\xe2\x82\xac\xef\xbf\xbd\x80", 9},
	{"", 0},
	{"\xff\xf0\x9f\x98\xc3\xa9:5ab", 7},
	{"\x22b\xf4\x90\x80\x80\xef\xbf\xbf5", 8},
	{"", 0},
	{"\x22\xf0\x9f\x98\xf0\x9f\x98\x80\xc3\xa9", 5},
}

var diffDecodePayloadV3 = []diffDecode{
	{"6:4hello2:4\xe2\x82\xac", []string{"4hello", "4\xe2\x82\xac"}, false, ""},
	{"10:b4AQIDBA==", []string{"b4AQIDBA=="}, false, ""},
	{"0:", []string{}, false, ""},
	{"0:0:", []string{}, false, ""},
	{"00:", []string{}, false, ""},
	{"", []string{}, true, ""},
	{":", []string{}, true, ""},
	{"1", []string{}, true, ""},
	{"1:", []string{}, true, ""},
	{"5:4abcd0:", []string{"4abcd"}, false, ""},
	{"0:5:4abcd", []string{"4abcd"}, false, ""},
	{"5:4abcd0:x", []string{"4abcd"}, true, ""},
	{"3:4\xf0\x9f\x98\x80", []string{"4\xf0\x9f\x98\x80"}, false, ""},
	{"2:4\xf0\x9f\x98\x80", []string{"4\xff"}, true, ""},
	{"1:4\xe2\x82\xac", []string{"4"}, true, ""},
	{"4:4\xe2\x82\xac", []string{}, true, ""},
	{"99999999999999999999:4", []string{}, true, ""},
	{"2:4\xe2\x82\xacx", []string{"4\xe2\x82\xac"}, true, ""},
	{"1:21:3", []string{"2", "3"}, false, ""},
	{"01:2", []string{"2"}, false, ""},
	{"1:9", []string{}, true, ""},
	{"1:b", []string{"b?"}, false, ""},
	{"2:b4", []string{"b4"}, false, ""},
	{"6:b4AQID", []string{"b4AQID"}, false, ""},
	{"9:b4AQIDBA", []string{}, true, ""},
	{"8:b4AQID==", []string{"b4AQID"}, false, ""},
	{"3:4::", []string{"4::"}, false, ""},
	{"7:4:1:4ab", []string{"4:1:4ab"}, false, ""},
	{"1:1", []string{"1"}, false, ""},
	{"5:4abcd", []string{"4abcd"}, false, ""},
	{"6:4abcd", []string{}, true, ""},
	{"5:6\xe2\x82\xac\x22aa4:6\xc3\xa95:4:7 5:", []string{"6\xe2\x82\xac\x22aa", "6\xc3\xa95:"}, true, ""},
	{"2:152:4b", []string{"15", "4b"}, false, ""},
	{"5:bx6U=5:1b\xef\xbf\xbf5 ", []string{"b?6Q==", "1b\xef\xbf\xbf5 "}, false, ""},
	{"9:b7VwhHriQ2:4\xe2\x82\xac4:5\xed\xa0\x80", []string{"b?VwhHriQ=", "4\xe2\x82\xac", "5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"9:bHAgunR4= 10:b68XbCyw==0:", []string{"b?AgunRw==", "b68XbCyw=="}, false, "number"},
	{"3:7ab", []string{}, true, ""},
	{"6:4\xf4\x90\x80\x80\xef\xbf\xbf0:", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbf"}, false, ""},
	{"6:b77yKP6:b4H6o=6:0\xf4\x90\x80\x805", []string{"b?7yKP", "b4H6o=", "0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd5"}, false, ""},
	{"2:x\xe2\x825:5ba\x803:4\xf0\x9f\x98\xef\xbf\xbf1", []string{}, true, ""},
	{"1:27:45\xe2\x82\xed\xa0\x80\xf0\x9f\x983:4\xc3\xa9\xe2\x82\xac", []string{"2", "45\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "4\xc3\xa9\xe2\x82\xac"}, false, ""},
	{"5:b6o/c2:x\xef\xbf\xbf1:5", []string{"b6o/c="}, true, ""},
	{"1:40:2:b7", []string{"4", "b?"}, false, ""},
	{"1:4", []string{"4"}, false, ""},
	{"2:50", []string{"50"}, false, ""},
	{"3:65\xe2\x82\xac3:x\x22\xff1:7", []string{"65\xe2\x82\xac"}, true, ""},
	{"5:0\xff\xf0\x9f\x98\x80\xef\xbf\xbf", []string{"0\xef\xbf\xbd\xf0\x9f\x98\x80\xef\xbf\xbf"}, false, ""},
	{"6:5\xf4\x90\x80", []string{}, true, ""},
	{"x:4b\xff", []string{}, true, ""},
	{"6:305\xed\xa0\x80", []string{"305\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"0:7:b7jQ==7:0\xc0\xaf\xef\xbf\xbd\xc0\xaf\xef\xbf\xbd", []string{"b?jQ=="}, true, ""},
	{"2:1b0:99999999999999999999:x\xef\xbf\xbd\xff", []string{"1b"}, true, ""},
	{"4:2\xf0\x9f\x98\x80\xe2\x82\x80", []string{"2\xf0\x9f\x98\x80\xe2\x82\x80"}, false, ""},
	{"1:30:6:3a \xed\xa0\x80", []string{"3", "3a \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"7:4\xc0\xaf\xc0\xaf\xef\xbf\xbd\xf0\x9f\x981:2", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "2"}, false, ""},
	{"5:2\xf4\x90\x80\x804:5\xff\xe2\x82\xac\xe2\x82\xac4:4\xe2\x82\xe2\x82\xac\xf0\x9f\x98", []string{"2\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "5\xef\xbf\xbd\xe2\x82\xac\xe2\x82\xac", "4\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd"}, false, ""},
	{"0:x:b7dA==", []string{}, true, ""},
	{"1:x", []string{}, true, ""},
	{"6:7b\xc3\xa9\xef\xbf\xbd\xe0\x80", []string{}, true, ""},
	{"4:2\xc3\xa9\xc0\xaf5:x\xf4\x90\x80\x802:4", []string{"2\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"9:bBb1c/Cc=", []string{"b?b1c/CQ=="}, false, ""},
	{"6:x\xf4\x90\x80\x80b", []string{}, true, ""},
	{"6:4 \xc0\xaf\xff 2:3\xf0\x9f\x98", []string{"4 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd ", "3\xef\xbf\xbd"}, false, ""},
	{"1:42:2\x803:4 \x22", []string{"4", "2\xef\xbf\xbd", "4 \x22"}, false, ""},
	{"5:3\xe2\x82\xef\xbf\xbd7:60\xc0\xaf\xf0\x9f\x98\x80a", []string{"3\xef\xbf\xbd\xef\xbf\xbd7:"}, true, ""},
	{"2:x\xef\xbf\xbd 7:4\xed\xa0\x80b \xff", []string{}, true, "number"},
	{"4:b7mw4:6\xe2\x82\xaca\xe2\x822:45", []string{"b?mw==", "6\xe2\x82\xaca\xef\xbf\xbd", "45"}, false, ""},
	{"4:0\xef\xbf\xbd\xef\xbf\xbf\xef\xbf\xbd", []string{"0\xef\xbf\xbd\xef\xbf\xbf\xef\xbf\xbd"}, false, ""},
	{"1:13:2\xff54:b4qw", []string{"1", "2\xef\xbf\xbd5", "b4qw=="}, false, ""},
	{"010:b6tF5ryw==", []string{"b6tF5ryw=="}, false, ""},
	{"10:b4E28i0g==", []string{"b4E28i0g=="}, false, ""},
	{"6:b4Iw==", []string{"b4Iw=="}, false, ""},
	{"4:4\xf0\x9f\x98b", []string{}, true, ""},
	{"10:b6bzRFk9Q=6:b2TiRx6:b4Sv0=", []string{"b6bzRFk9Q=", "b2TiRx", "b4Sv0="}, false, ""},
	{"2:b60:6:1\xef\xbf\xbd \xf0\x9f\x98\x80b", []string{"b6", "1\xef\xbf\xbd \xf0\x9f\x98\x80b"}, false, ""},
	{"0:5:5\xf4\x90\x80\x80", []string{"5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"6:b2xg==10:b7X2EzB+U=", []string{"b2xg==", "b?X2EzB+U="}, false, ""},
	{"6:b24zZB8:3\xf0\x9f\x98\x80\xed\xa0\x80\xef\xbf\xbd\xef\xbf\xbf", []string{"b24zZB", "3\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbf"}, false, ""},
	{"5:4\xef\xbf\xbd\xe2\x82\xe2\x82\xac\xf0\x9f\x981:1", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd", "1"}, false, ""},
	{"3:1\xef\xbf\xbfb", []string{"1\xef\xbf\xbfb"}, false, ""},
	{"2:x ", []string{}, true, ""},
	{"4:4a0\xf0\x9f\x986:6b\xed\xa0\x80 ", []string{"4a0\xef\xbf\xbd", "6b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "}, false, ""},
	{"8:5\xed\xa0\x80\xf0\x9f\x98\x806:5\xc3\xa9\xc0\xaf\xe0\x807:4\xc0\xaf:\xf0\x9f\x98\x80\xe2\x82\xac:", []string{"5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x806:"}, true, ""},
	{"4:6\xed\xa0\x80\x806:5 \x22\xf0\x9f\x98\xe0\x80", []string{"6\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"010:b7YMKiYg==6:b7NxO4", []string{"b?YMKiYg==", "b?NxO4"}, false, ""},
	{"1:46:bxXpWw5:xb\xed\xa0\x80", []string{"4", "b?XpWw"}, true, ""},
	{"7:4\xe0\x80\xc0\xaf\xe0\x805:4\xff\xff\xc0\xaf", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"6:bxNTsP", []string{"b?NTsP"}, false, ""},
	{"2:4\xf0\x9f\x9810:b6GZ+ia/0=", []string{"4\xef\xbf\xbd", "b6GZ+ia/0="}, false, ""},
	{"4:4a:a", []string{"4a:a"}, false, ""},
	{"8:b4F", []string{}, true, ""},
	{"0", []string{}, true, ""},
	{"3:2\xef\xbf\xbfb99999999999999999999:1", []string{"2\xef\xbf\xbfb"}, true, ""},
	{"4:6\xef\xbf\xbd\xc3\xa9b", []string{"6\xef\xbf\xbd\xc3\xa9b"}, false, ""},
	{"0:6:b2pZSP", []string{"b2pZSP"}, false, ""},
	{"2:x\xe2\x822:2\xef\xbf\xbf", []string{}, true, ""},
	{"2", []string{}, true, ""},
	{"0:3:4", []string{}, true, ""},
	{"5:0\xe2\x82\xac\xe2\x82\xc3\xa9\xf0\x9f\x985:4\xef\xbf\xbfa\xc0\xaf7:6a0\xed\xa0\x80\x80", []string{"0\xe2\x82\xac\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd", "4\xef\xbf\xbfa\xef\xbf\xbd\xef\xbf\xbd", "6a0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"2:x", []string{}, true, ""},
	{"4:0\xed\xa0\x80 3:3\xef\xbf\xbf\xf0\x9f\x98", []string{"0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "3\xef\xbf\xbf\xef\xbf\xbd"}, false, "number"},
	{"10:b7jVOlgg==5:1a\xc0\xaf\xc3\xa96:4\xef\xbf\xbf\xe0\x80a\x80", []string{"b?jVOlgg==", "1a\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9", "4\xef\xbf\xbf\xef\xbf\xbd\xef\xbf\xbda\xef\xbf\xbd"}, false, ""},
	{"10:bxruCaeQ==3:7\xe0\x801:7", []string{"b?ruCaeQ=="}, true, ""},
	{"4:4a\xc3\xa9\xf0\x9f\x98", []string{"4a\xc3\xa9\xef\xbf\xbd"}, false, ""},
	{"7:40aa\xed\xa0\x804:1\xef\xbf\xbda\xff", []string{"40aa\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "1\xef\xbf\xbda\xef\xbf\xbd"}, false, ""},
	{"8:40\xf4\x90\x80\x80\x22\x22", []string{"40\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22\x22"}, false, ""},
	{"0:4 0:", []string{}, true, "number"},
	{"3:2 \xef\xbf\xbd0:3:0\xf0\x9f\x98\xef\xbf\xbd", []string{"2 \xef\xbf\xbd", "0\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"06:7\xef\xbf\xbd\xf0\x9f\x98\x80\xe0\x80", []string{}, true, ""},
	{"2:b7", []string{"b?"}, false, ""},
	{"1:2", []string{"2"}, false, ""},
	{"1:34:x\xc3\xa9\x80\xc3\xa9", []string{"3"}, true, ""},
	{"1:47:2\x22\xf4\x90\x80\x80\x22", []string{"4", "2\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22"}, false, ""},
	{"5:b6ZRU99999999999999999999:7\xed\xa0\x80 6:2\xe0\x80\x80 :", []string{"b6ZRU="}, true, ""},
	{"1:41", []string{"4"}, true, ""},
	{"5:3\xf0\x9f\x98\x80\xf0\x9f\x98\x804:70\xe0\x80x:4:\xc0\xaf:", []string{"3\xf0\x9f\x98\x80\xf0\x9f\x98\x80"}, true, ""},
	{"0::", []string{}, true, ""},
	{"5:70\xf0\x9f\x98\x805", []string{}, true, ""},
	{"5:4\xef\xbf\xbd\xc0\xaf\x223:2\xc3\xa9\xef\xbf\xbf5:7\x22b0\x80", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22", "2\xc3\xa9\xef\xbf\xbf"}, true, ""},
	{"2:4\xef\xbf\xbf6:b2mA==", []string{"4\xef\xbf\xbf", "b2mA=="}, false, ""},
	{"2:410:b444E+1Q==", []string{"41"}, true, ""},
	{" 0:4:7\xf0\x9f\x98\xe2\x82\x2206:x0\xf4\x90\x80\x80", []string{}, true, "number"},
	{"2:4b5:75\x22\xe0\x802:6\xef\xbf\xbd", []string{"4b"}, true, ""},
	{"99999999999999999999:050:36:b4Wvo=", []string{}, true, ""},
	{"6:5\xc0\xaf5\x22 ", []string{"5\xef\xbf\xbd\xef\xbf\xbd5\x22 "}, false, ""},
	{"1:41:2", []string{"4", "2"}, false, ""},
	{"99999999999999999999:4\xf0\x9f\x98\xe2\x8258:4\xf4\x90\x80\x80\xef\xbf\xbd557:bTQ==", []string{}, true, ""},
	{"2:7\xf0\x9f\x98", []string{}, true, ""},
	{"3:14:0\xef\xbf\xbd\xf0\x9f\x98\x808:x5\xf4\x90\x80\x80\xed\xa0\x80", []string{"14:"}, true, ""},
	{"4:1\xff\xffb9:b6Gn9vA==1:b", []string{"1\xef\xbf\xbd\xef\xbf\xbdb", "b6Gn9v", "b?"}, false, ""},
	{"7:20\xe0\x80\xed\xa0\x80:", []string{"20\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"3:3\x22\x801:3", []string{"3\x22\xef\xbf\xbd", "3"}, false, ""},
	{"1:x3:x\xe2\x82\xac\xef\xbf\xbf2:5a", []string{}, true, ""},
	{"6:b4cJk=4:2\xef\xbf\xbd\xc0\xaf", []string{"b4cJk=", "2\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"1:60:", []string{"6"}, false, ""},
	{"6:b48nU42:b47:3\xed\xa0\x80\xe2\x82\xac\xf0\x9f\x98\x80", []string{"b48nU4", "b4", "3\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\xf0\x9f\x98\x80"}, false, ""},
	{"3:0\xef\xbf\xbdb9:20\xed\xa0\x80\xf0\x9f\x98\xed\xa0\x801:x", []string{"0\xef\xbf\xbdb", "20\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"7:3aa5\xed\xa0\x806:b6sg==5:buuyM", []string{"3aa5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "b6sg==", "b?uyM="}, false, ""},
	{"5:5\xe2\x82\xac:0\xef\xbf\xbd5:4\xf4\x90\x80\x802:0\xef\xbf\xbd", []string{"5\xe2\x82\xac:0\xef\xbf\xbd", "4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "0\xef\xbf\xbd"}, false, ""},
	{"3:1\xc3\xa9:3:6\xe2\x82b", []string{"1\xc3\xa9:", "6\xef\xbf\xbdb"}, false, ""},
	{"1:65:x\xf0\x9f\x98\xe2\x82\xac\xe0\x80", []string{"6"}, true, ""},
	{"0:4:4\xe0\x800:3\xe0\x8005", []string{"4\xef\xbf\xbd\xef\xbf\xbd0"}, true, ""},
	{"5:1b:0:", []string{"1b:0:"}, false, ""},
	{"6:b7WA==", []string{"b?WA=="}, false, ""},
	{"8:6\xed\xa0\x80\xe0\x80b\xef\xbf\xbf8:4\xc3\xa9\xf4\x90\x80\x80\xef\xbf\xbd\xef\xbf\xbd", []string{"6\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdb\xef\xbf\xbf", "4\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"1:b0:", []string{"b?"}, false, ""},
	{"4:2\xef\xbf\xbf\xff 4:7:\xf0\x9f\x98\x80", []string{"2\xef\xbf\xbf\xef\xbf\xbd "}, true, ""},
	{"5:2b0 :", []string{"2b0 :"}, false, ""},
	{"2:x\xe2\x82", []string{}, true, ""},
	{"1:58:x\x805\xf4\x90\x80\x80\xe2\x826", []string{"5"}, true, ""},
	{"5:6\xe2\x825\xc0\xaf7:5\xf4\x90\x80\x80b\xef\xbf\xbd", []string{"6\xef\xbf\xbd5\xef\xbf\xbd\xef\xbf\xbd", "5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdb\xef\xbf\xbd"}, false, ""},
	{"x:4a\xf0\x9f\x98\x802:253:bUA", []string{}, true, ""},
	{"2:2\xf0\x9f\x98", []string{"2\xef\xbf\xbd"}, false, ""},
	{" 5:b6gD89:b4PMSu2w==", []string{"b6gD8=", "b4PMSu2w=="}, true, "number"},
	{"x:7\xef\xbf\xbd 3:2:\xef\xbf\xbf 4:4\x80a5", []string{}, true, "number"},
	{"3:1 \x802:5\xc3\xa9", []string{"1 \xef\xbf\xbd", "5\xc3\xa9"}, false, ""},
	{"4:1b\xf0\x9f\x98\x805:byifP10:b4SbnMKg==", []string{"1b\xf0\x9f\x98\x80", "b?ifM=", "b4SbnMKg=="}, false, ""},
	{"4:", []string{}, true, ""},
	{"3:3\xef\xbf\xbd ", []string{"3\xef\xbf\xbd "}, false, ""},
	{"1:32:2\xef\xbf\xbd3:x\xf0\x9f\x98\xf0\x9f\x98", []string{"3", "2\xef\xbf\xbd"}, true, ""},
	{"0:2:1\xff1:0", []string{"1\xef\xbf\xbd", "0"}, false, ""},
	{"4:x\xc0\xaf 0:", []string{}, true, ""},
	{"1:43:4\x80\xe2\x82", []string{"4", "4\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"2:3\xef\xbf\xbf", []string{"3\xef\xbf\xbf"}, false, ""},
	{" 10:b2YqTs6vw=3:6\xc0\xaf3:6a\xe2\x82\xac", []string{"b2YqTs6vw=", "6\xef\xbf\xbd\xef\xbf\xbd", "6a\xe2\x82\xac"}, false, "number"},
	{"5:5\xe2\x82\xac\xf0\x9f\x98\x22\xe2\x824:45\xf0\x9f\x98\xef\xbf\xbf6:b2NFJb", []string{"5\xe2\x82\xac\xef\xbf\xbd\x22\xef\xbf\xbd", "45\xef\xbf\xbd\xef\xbf\xbf", "b2NFJb"}, false, ""},
	{"4:6\xe2\x82\xf0\x9f\x98b", []string{"6\xef\xbf\xbd\xef\xbf\xbdb"}, false, ""},
	{"x:b6OrSw10:bxBlBKZ0g=", []string{}, true, ""},
	{"06:35\xf4\x90\x80\x804:5\x22\xe2\x82\x80\xf0\x9f\x98", []string{"35\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "5\x22\xe2\x82\x80\xef\xbf\xbd"}, false, ""},
	{"3:5b\xff", []string{"5b\xef\xbf\xbd"}, false, ""},
	{"5:baw==3:7\xef\xbf\xbd\xc3\xa904:4\xc0\xaf\x80", []string{"b?"}, true, ""},
	{"6:70\xf4\x90\x80\x808:0\xf0\x9f\x98\x80\xf0\x9f\x98\xf4\x90\x80\x80", []string{}, true, ""},
	{"2:bx5", []string{"b?"}, true, ""},
	{"3:3004:5\x80\x8004:b", []string{"300", "5\xef\xbf\xbd\xef\xbf\xbd0"}, true, ""},
	{"7:4\x80:\xed\xa0\x801:3", []string{"4\xef\xbf\xbd:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd1"}, true, ""},
	{" 1:x6:6\x22\xed\xa0\x80 ", []string{}, true, "number"},
	{"3:5 a4:0\x22\xe2\x82:0:", []string{"5 a", "0\x22\xef\xbf\xbd:"}, false, ""},
	{"7:0\xed\xa0\x80\x22 \xff4:3\xc0\xaf\xe2\x826:b7ooYM", []string{"0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22 \xef\xbf\xbd", "3\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "b?ooYM"}, false, ""},
	{"3:x\xf0\x9f\x985", []string{}, true, ""},
	{"7:2\xed\xa0\x80\xe2\x82\xac:\x2210:", []string{"2\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac:\x22"}, true, ""},
	{"1:06:3:\xc0\xaf", []string{"0"}, true, ""},
	{"0:6:b2GQ==:4\xe2\x82\xac", []string{"b2GQ=="}, true, ""},
	{"x:b4H0JoRfA=5:x0\x800\x226:b45jBD", []string{}, true, ""},
	{"x:", []string{}, true, ""},
	{"0: 2:xb", []string{}, true, "number"},
	{"9:1\xf0\x9f\x98\x80\xe2\x82\xed\xa0\x80\xf0\x9f\x98\x806:b4dw==", []string{"1\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80", "b4dw=="}, false, ""},
	{"4:7\x80\xff\x80", []string{}, true, ""},
	{"1:46:b2e2Aa2:2b", []string{"4", "b2e2Aa", "2b"}, false, ""},
	{"5:3:\xf0\x9f\x98\x80\x227:7\xc0\xaf\xef\xbf\xbf\x80\xf0\x9f\x98\x806:4\xe2\x82\xaca5\xf0\x9f\x98\x80", []string{"3:\xf0\x9f\x98\x80\x22"}, true, ""},
	{"x:x\xe0\x80\xff5", []string{}, true, ""},
	{"1:0", []string{"0"}, false, ""},
	{"4:2 \xc3\xa9\xf0\x9f\x988:3a:\xe0\x80\xed\xa0\x805:4a\xed\xa0\x80b", []string{"2 \xc3\xa9\xef\xbf\xbd", "3a:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "4a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"2:453:3\xf0\x9f\x98\xef\xbf\xbd", []string{"45", "3\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"9:0\xf4\x90\x80\x80\xef\xbf\xbf\xe0\x805", []string{"0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbf\xef\xbf\xbd\xef\xbf\xbd5"}, false, ""},
	{"6:7\xc3\xa9\xef\xbf\xbf\xe0\x80 ", []string{}, true, ""},
	{" 4:05\xef\xbf\xbd\xef\xbf\xbf6:0b\x22\xef\xbf\xbd2:45", []string{"05\xef\xbf\xbd\xef\xbf\xbf", "0b\x22\xef\xbf\xbd2:"}, true, "number"},
	{"99999999999999999999:8:7 \xf4\x90\x80\x80a\x803:4", []string{}, true, ""},
	{"7:4\xed\xa0\x80:0\xc3\xa906:b6nA==1:5", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd:0\xc3\xa9", "b6nA==", "5"}, false, ""},
	{"6:1\xc3\xa95\xe0\x80a", []string{"1\xc3\xa95\xef\xbf\xbd\xef\xbf\xbda"}, false, ""},
	{"5:bSQ==0:0:3:4", []string{"b?"}, true, ""},
	{"9:bPEo1NV8=5:5:b\xe0\x80", []string{"b?Eo1NVw==", "5:b\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"1:58:6\xf0\x9f\x98\x80\xff\xe0\x80", []string{"5"}, true, ""},
	{"6:6:\xe0\x80a\xf0\x9f\x9899999999999999999999:0\xe0\x80b\xef\xbf\xbdbx:4\xf0\x9f\x985\x22", []string{"6:\xef\xbf\xbd\xef\xbf\xbda\xef\xbf\xbd"}, true, ""},
	{"0:8:5\xed\xa0\x80\xf4\x90\x80\x804:4\xc3\xa9a\xe2\x82\xac", []string{"5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "4\xc3\xa9a\xe2\x82\xac"}, false, ""},
	{"1:62:4\xf0\x9f\x98", []string{"6", "4\xef\xbf\xbd"}, false, ""},
	{"8:b23AnV9A5:bvb/+", []string{"b23AnV9A==", "b?b/8="}, false, ""},
	{"99999999999999999999:b6IrGchA==5:60\xe2\x82\xac\x22b:2a00", []string{}, true, ""},
	{"9:3\xf4\x90\x80\x80\xed\xa0\x80\xc3\xa9 7:0\xef\xbf\xbd\xf4\x90\x80\x80\x80", []string{"3\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9", "0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, "number"},
	{"2:0\xc3\xa9", []string{"0\xc3\xa9"}, false, ""},
	{"10:b4E5U3bg== 6:bxwA==10:b4SgvPUA==", []string{"b4E5U3bg==", "b?wA==", "b4SgvPUA=="}, false, "number"},
	{"3:x\xe2\x82\xc3\xa9", []string{}, true, ""},
	{"1:39:2\xf4\x90\x80\x80\xf4\x90\x80\x803:4\xff0", []string{"3", "2\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "4\xef\xbf\xbd0"}, false, ""},
	{"0:5:bU4o=0:", []string{"b?4g=="}, false, ""},
	{"6:4\xc0\xaf5\xe0\x80\xff0:3:3\xf0\x9f\x98\x80", []string{"4\xef\xbf\xbd\xef\xbf\xbd5\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"2:4\xff6:bxSyVt", []string{"4\xef\xbf\xbd", "b?SyVt"}, false, ""},
	{"6:7\xe0\x80\xf0\x9f\x98 \xc0\xaf1:1", []string{}, true, ""},
	{"10:b49qFKwpY=6:b2ng==x:3", []string{"b49qFKwpY=", "b2ng=="}, true, ""},
	{"5:4\x80\xed\xa0\x80", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"10:b6+K2uQw==1:08:b7rJ3qpA", []string{"b6+K2uQw==", "0", "b?rJ3qpA=="}, false, ""},
	{"2:35", []string{"35"}, false, ""},
	{"2:5\xe2\x821:62:50", []string{"5\xef\xbf\xbd", "6", "50"}, false, ""},
	{"10:b6baMGRw==3:4\xef\xbf\xbf\xe2\x82\x800:", []string{"b6baMGRw==", "4\xef\xbf\xbf\xe2\x82\x80"}, false, ""},
	{"2:5\xe2\x821:x7:7\xc3\xa9\xff\xf4\x90\x80\x80", []string{"5\xef\xbf\xbd"}, true, ""},
	{"x:1b\xef\xbf\xbd\xf0\x9f\x985:6\xc3\xa95\xc0\xaf", []string{}, true, ""},
	{"9:x\xc0\xaf\xc3\xa9\xc0\xaf\xed\xa0\x8010:bxl9OzVQ==1:4", []string{}, true, ""},
	{"6:1\x80a\xe2\x82\xac\xff5:4\xf4\x90\x80\x80", []string{"1\xef\xbf\xbda\xe2\x82\xac\xef\xbf\xbd5"}, true, ""},
	{"3:6\xf0\x9f\x98::", []string{"6\xef\xbf\xbd:"}, true, ""},
	{"7:70\xc0\xaf\xc0\xaf\xc0\xaf3:6\xe0\x806:b44B3I", []string{}, true, ""},
	{"1:3", []string{"3"}, false, ""},
	{"5:x\xe2\x82\xac\xef\xbf\xbf", []string{}, true, ""},
	{"10:b4yny6Yg==7:4\xf0\x9f\x98\x80\xe0\x80\xf0\x9f\x98\xc3\xa9", []string{"b4yny6Yg==", "4\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9"}, false, ""},
	{"7:x\xf4\x90\x80\x80\xe0\x803:1\xff05:0b\xf0\x9f\x985\xf0\x9f\x98", []string{}, true, ""},
	{"4:30 599999999999999999999:b6bqxh6:4\x80\xe2\x82\xf0\x9f\x98\x805", []string{"30 5"}, true, ""},
	{"2:4\xef\xbf\xbd5:1\xef\xbf\xbf\xe2\x82\xac510:b7lJnWqq8=", []string{"4\xef\xbf\xbd", "1\xef\xbf\xbf\xe2\x82\xac51"}, true, ""},
	{"8:5\xc3\xa9\xe2\x82\xac\xf4\x90\x80\x80\xc3\xa91:13:3\xc0\xaf", []string{"5\xc3\xa9\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9", "1", "3\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"2:4\xe2\x82", []string{"4\xef\xbf\xbd"}, false, ""},
	{"7:45\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xe2\x82\xacx:bxa8gR6:bxLsM=", []string{"45\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xe2\x82\xac"}, true, ""},
	{"4:7\xef\xbf\xbdb\x226:b4kCU=", []string{}, true, ""},
	{" 5:4\xe0\x80\xf0\x9f\x98\x803:4\xffa", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80", "4\xef\xbf\xbda"}, false, "number"},
	{"9:2\x80\xc0\xaf5\xf4\x90\x80\x80", []string{"2\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"1:04:4 \xe2\x82a2:4\x80", []string{"0", "4 \xef\xbf\xbda", "4\xef\xbf\xbd"}, false, ""},
	{"5:1\xe2\x82\xf0\x9f\x980\xc3\xa92:6\xff", []string{"1\xef\xbf\xbd\xef\xbf\xbd0\xc3\xa9", "6\xef\xbf\xbd"}, false, ""},
	{"1:64:4\xe2\x82\xac\xf0\x9f\x98\x808:7a\xf0\x9f\x98\xf4\x90\x80\x80\x80", []string{"6", "4\xe2\x82\xac\xf0\x9f\x98\x80"}, true, ""},
	{"8:1\xff\xf4\x90\x80\x80\xf0\x9f\x98\x805:x\xef\xbf\xbd\xe0\x80\x2210:b4gE1fSQ==", []string{"1\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80"}, true, ""},
	{"999999999999999999", []string{}, true, ""},
	{"3:60b5:7a\xf0\x9f\x9850", []string{"60b"}, true, ""},
	{"2:bx", []string{"b?"}, false, ""},
	{"6:55  \xf0\x9f\x98\x805:5\xf0\x9f\x98\xed\xa0\x80", []string{"55  \xf0\x9f\x98\x80", "5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"0:4:0\x80\xff\xef\xbf\xbd", []string{"0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"0:1:0", []string{"0"}, false, ""},
	{"3", []string{}, true, ""},
	{"1:16:b7aA==", []string{"1", "b?aA=="}, false, ""},
	{"4:45\xc0\xaf2:33:2b\xf0\x9f\x98", []string{"45\xef\xbf\xbd\xef\xbf\xbd", "33"}, true, ""},
	{"2:x\x22", []string{}, true, ""},
	{" 3:4\xe0\x805:4\xe2\x82\xe0\x80\x802:20", []string{"4\xef\xbf\xbd\xef\xbf\xbd", "4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "20"}, false, "number"},
	{"1:6", []string{"6"}, false, ""},
	{"2:4\x803:x\xe2\x82\xac\xc3\xa9:4\xef\xbf\xbf\xf4\x90\x80\x80\xf0\x9f\x98", []string{"4\xef\xbf\xbd"}, true, ""},
	{"4:6\xc3\xa9\x803:6\xe2\x82 ", []string{"6\xc3\xa9\xef\xbf\xbd3"}, true, ""},
	{"6:bxWGc=", []string{"b?WGc="}, false, ""},
	{"5", []string{}, true, ""},
	{" 4:0\xed\xa0\x806:5\xc0\xaf\xef\xbf\xbf0b", []string{"0\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "5\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbf0b"}, false, "number"},
	{"3:1\xe2\x82\xac\xe2\x82\xac", []string{"1\xe2\x82\xac\xe2\x82\xac"}, false, ""},
	{"5:bUEN7", []string{"b?EN4="}, false, ""},
	{"2:2:5:1\x80\xef\xbf\xbd:b5:6\xc3\xa9\xc3\xa9\xe2\x82\xac:", []string{"2:", "1\xef\xbf\xbd\xef\xbf\xbd:b", "6\xc3\xa9\xc3\xa9\xe2\x82\xac:"}, false, ""},
	{"6:7\xc0\xaf:\xe2\x82\xe2\x82\xac4:2\xc0\xaf\xef\xbf\xbf4:4\xc3\xa90\xc3\xa9", []string{}, true, ""},
	{"1:12:5 ", []string{"1", "5 "}, false, ""},
	{"999999999", []string{}, true, ""},
	{"1:01:5", []string{"0", "5"}, false, ""},
	{"6:b4dM2B 10:b6JP7iDcE=6:bxUNQ=", []string{"b4dM2B", "b6JP7iDcE=", "b?UNQ="}, false, "number"},
	{"5:x\xf4\x90\x80\x803:2a\xef\xbf\xbf", []string{}, true, ""},
	{"9:buiPe8A==2:40", []string{"b?iPe8", "40"}, false, ""},
	{"4:3\xf0\x9f\x98\xff\xf0\x9f\x98\xef\xbf\xbf10:bx9bd6YQ==", []string{"3\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, true, ""},
	{"9:b3ogniQ==6:b4UeQ=", []string{"b3ogni", "b4UeQ="}, false, ""},
	{"7:4\xc3\xa9\xed\xa0\x80 a00::4\x220:", []string{"4\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd a"}, true, ""},
	{"5:1\xff\xe2\x82504:3\xc3\xa9\xef\xbf\xbda4:2\xef\xbf\xbd\xc3\xa9\xf0\x9f\x98", []string{"1\xef\xbf\xbd\xef\xbf\xbd50", "3\xc3\xa9\xef\xbf\xbda", "2\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd"}, false, ""},
	{"2:b74:2\xe2\x82\xac\x22b2:x\xc3\xa9", []string{"b?", "2\xe2\x82\xac\x22b"}, true, ""},
	{"0:2:4\xef\xbf\xbf", []string{"4\xef\xbf\xbf"}, false, ""},
	{"3:x\xe0\x804:6\xf0\x9f", []string{}, true, ""},
	{"5:x\xe2\x82\xed\xa0\x80", []string{}, true, ""},
	{" 10:b4sM0Ifg==6:b6AG8=4:2\xe2\x82\xac\x225", []string{"b4sM0Ifg==", "b6AG8=", "2\xe2\x82\xac\x225"}, false, "number"},
	{"0:2:x5", []string{}, true, ""},
	{":45a\xef\xbf\xbf\x802:4\xc3\xa9", []string{}, true, ""},
	{"3:6:\xef\xbf\xbd03:4\xf0\x9f\x980", []string{"6:\xef\xbf\xbd", "4\xef\xbf\xbd0"}, false, ""},
	{"3:20\x221:0", []string{"20\x22", "0"}, false, ""},
	{"5:40\x80\xc0\xaf", []string{"40\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"3:5\xe0\x80", []string{"5\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"11:1\x22\xf4\x90\x80\x80 \xf4\x90\x80\x80", []string{"1\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"6:b4AVg=010:bxg8dbirk=", []string{"b4AVg=", "b?g8dbirk="}, false, ""},
	{"1:b412:3\xed\xa0\x80\xf4\x90\x80\x80\xf4\x90\x80\x8000:0:", []string{"b?"}, true, ""},
	{"2:5\xff01:x", []string{"5\xef\xbf\xbd"}, true, ""},
	{"2:0a", []string{"0a"}, false, ""},
	{"5:7\xc0\xaf\xc3\xa9\xef\xbf\xbf6:4\xef\xbf\xbf\xf4\x90\x80\x806:b6ybMX", []string{}, true, ""},
	{"5:bvw", []string{}, true, ""},
	{"4:4\xe2\x82:\xe2\x82", []string{"4\xef\xbf\xbd:\xef\xbf\xbd"}, false, ""},
	{"5:4\xed\xa0\x8053:1\x22a0:", []string{"4\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd5", "1\x22a"}, false, ""},
	{"1:45:1\x80\xe0\x80\xf0\x9f\x98", []string{"4", "1\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{":4\xef\xbf\xbdb7:45\xed\xa0\x80\xe2\x82\xacb", []string{}, true, ""},
	{"1:b0:4:7\xef\xbf\xbd\xf0\x9f\x98\xef\xbf\xbd", []string{"b?"}, true, ""},
	{"6:b4+X/+5:70b\xf0\x9f\x9810:b6FlVrbQ==", []string{"b4+X/+"}, true, ""},
	{"10:b2UaSsRKg=1:4", []string{"b2UaSsRKg=", "4"}, false, ""},
	{"5:3:\xff\xc0\xaf4:0\xef\xbf\xbf\xf0\x9f\x98\x80", []string{"3:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "0\xef\xbf\xbf\xf0\x9f\x98\x80"}, false, ""},
	{"010:b4i8BCFA==10:b4TcLmSb0=1:4", []string{"b4i8BCFA==", "b4TcLmSb0=", "4"}, false, ""},
	{"5:x\xf4\x90\x80\x80", []string{}, true, ""},
	{"1:7", []string{}, true, ""},
	{" 5:1\xc3\xa90\x22\xf0\x9f\x984:6\x22 a", []string{"1\xc3\xa90\x22\xef\xbf\xbd", "6\x22 a"}, false, "number"},
	{"3:6\xe0\x803:2\xc0\xaf02:05", []string{"6\xef\xbf\xbd\xef\xbf\xbd", "2\xef\xbf\xbd\xef\xbf\xbd", "05"}, false, ""},
	{"4:6:5\xef\xbf\xbf", []string{"6:5\xef\xbf\xbf"}, false, ""},
	{"6:b6W8k=0:", []string{"b6W8k="}, false, ""},
	{"7:x\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x9804:40\xe2\x82\xac\xe2\x82\xac", []string{}, true, ""},
	{"x:50\xf4\x90\x80\x80\xef\xbf\xbd", []string{}, true, ""},
	{"3:6:\xef\xbf\xbf", []string{"6:\xef\xbf\xbf"}, false, ""},
	{"9:b7t+BGoro", []string{"b?t+BGoro="}, false, ""},
	{"10:b4HPhBwA==3:4", []string{"b4HPhBwA=="}, true, ""},
}

var diffAppendPayloadV3 = []diffEncode{
	{[]string{"2\xef\xbf\xbd1", "1\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"}, "3:2\xef\xbf\xbd15:1\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"},
	{[]string{"b2"}, "2:b2"},
	{[]string{"b4fw==", "b4"}, "6:b4fw==2:b4"},
	{[]string{"5", "3\x0a\x0aa\xe2\x80\xa8\xf0\x9f\x98\x80", "5"}, "1:57:3\x0a\x0aa\xe2\x80\xa8\xf0\x9f\x98\x801:5"},
	{[]string{"b2dC6e", "1\xc3\xa9\xef\xbf\xbd\xf4\x8f\xbf\xbf:\xef\xbf\xbd"}, "6:b2dC6e7:1\xc3\xa9\xef\xbf\xbd\xf4\x8f\xbf\xbf:\xef\xbf\xbd"},
	{[]string{"b4mJU=", "2\xe2\x82\xac", "b4AhCzfQ=="}, "6:b4mJU=2:2\xe2\x82\xac10:b4AhCzfQ=="},
	{[]string{}, "0:"},
	{[]string{}, "0:"},
	{[]string{"0", "6\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8a"}, "1:06:6\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8a"},
	{[]string{"01\x0a\xf4\x8f\xbf\xbfa\x0a", "b2gI3ZAw==", "0"}, "7:01\x0a\xf4\x8f\xbf\xbfa\x0a10:b2gI3ZAw==1:0"},
	{[]string{"3\xf4\x8f\xbf\xbf", "5", "6"}, "3:3\xf4\x8f\xbf\xbf1:51:6"},
	{[]string{}, "0:"},
	{[]string{}, "0:"},
	{[]string{"b4NUs="}, "6:b4NUs="},
	{[]string{"b29BwY", "6\xf0\x9f\x98\x80\xe2\x82\xac:\xef\xbf\xbd1"}, "6:b29BwY7:6\xf0\x9f\x98\x80\xe2\x82\xac:\xef\xbf\xbd1"},
	{[]string{}, "0:"},
	{[]string{"b4XlTY"}, "6:b4XlTY"},
	{[]string{}, "0:"},
	{[]string{}, "0:"},
	{[]string{"1\xf0\x9f\x98\x80"}, "3:1\xf0\x9f\x98\x80"},
	{[]string{}, "0:"},
	{[]string{"1\x0a\xf4\x8f\xbf\xbf\x0a\xf0\x9f\x98\x80\xe2\x82\xac", "6"}, "8:1\x0a\xf4\x8f\xbf\xbf\x0a\xf0\x9f\x98\x80\xe2\x82\xac1:6"},
	{[]string{"b4DgGh"}, "6:b4DgGh"},
	{[]string{"1", "1\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xef\xbf\xbd"}, "1:16:1\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xef\xbf\xbd"},
	{[]string{}, "0:"},
	{[]string{"b2eeI="}, "6:b2eeI="},
	{[]string{}, "0:"},
	{[]string{"0", "b4WRM="}, "1:06:b4WRM="},
	{[]string{}, "0:"},
	{[]string{}, "0:"},
	{[]string{"0a\x0a", "41"}, "3:0a\x0a2:41"},
	{[]string{"1", "6\xe2\x82\xac\x0a", "b43zak"}, "1:13:6\xe2\x82\xac\x0a6:b43zak"},
	{[]string{"b4Bow="}, "6:b4Bow="},
	{[]string{}, "0:"},
	{[]string{"1\xe2\x80\xa8\xef\xbf\xbd:"}, "4:1\xe2\x80\xa8\xef\xbf\xbd:"},
	{[]string{}, "0:"},
	{[]string{"31\xe2\x82\xac\x0a", "6"}, "4:31\xe2\x82\xac\x0a1:6"},
	{[]string{"5\xef\xbf\xbda:"}, "4:5\xef\xbf\xbda:"},
	{[]string{"0\xc3\xa91a\xf0\x9f\x98\x80", "3\xe2\x80\xa8\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xe2\x82\xac"}, "6:0\xc3\xa91a\xf0\x9f\x98\x807:3\xe2\x80\xa8\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xe2\x82\xac"},
	{[]string{"5", "3\xe2\x80\xa8\xf4\x8f\xbf\xbf"}, "1:54:3\xe2\x80\xa8\xf4\x8f\xbf\xbf"},
	{[]string{"1", "5\xe2\x80\xa8\xef\xbf\xbd"}, "1:13:5\xe2\x80\xa8\xef\xbf\xbd"},
	{[]string{"b2"}, "2:b2"},
	{[]string{"3\xe2\x82\xac"}, "2:3\xe2\x82\xac"},
	{[]string{"3\xe2\x82\xac\xef\xbf\xbda1\xf4\x8f\xbf\xbf"}, "7:3\xe2\x82\xac\xef\xbf\xbda1\xf4\x8f\xbf\xbf"},
	{[]string{"b4ifo=", "b2Pjk="}, "6:b4ifo=6:b2Pjk="},
	{[]string{"b4dmvQ", "4\xe2\x80\xa8a\xf0\x9f\x98\x80", "1"}, "6:b4dmvQ5:4\xe2\x80\xa8a\xf0\x9f\x98\x801:1"},
	{[]string{"3"}, "1:3"},
	{[]string{"0\xe2\x80\xa8\xef\xbf\xbd", "5\xe2\x80\xa8\xef\xbf\xbd", "b4GI0="}, "3:0\xe2\x80\xa8\xef\xbf\xbd3:5\xe2\x80\xa8\xef\xbf\xbd6:b4GI0="},
	{[]string{}, "0:"},
	{[]string{"b4OwUBHQ==", "6\xe2\x80\xa8\xe2\x80\xa8\xf4\x8f\xbf\xbfa\xef\xbf\xbd", "1\xf4\x8f\xbf\xbf\xef\xbf\xbd\xf0\x9f\x98\x80\xc3\xa9"}, "10:b4OwUBHQ==7:6\xe2\x80\xa8\xe2\x80\xa8\xf4\x8f\xbf\xbfa\xef\xbf\xbd7:1\xf4\x8f\xbf\xbf\xef\xbf\xbd\xf0\x9f\x98\x80\xc3\xa9"},
	{[]string{"4"}, "1:4"},
	{[]string{}, "0:"},
	{[]string{"3:\xc3\xa91\xf4\x8f\xbf\xbfa", "3\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", "6\xc3\xa9"}, "7:3:\xc3\xa91\xf4\x8f\xbf\xbfa8:3\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac2:6\xc3\xa9"},
	{[]string{"3\xe2\x80\xa81\xf4\x8f\xbf\xbf", "5"}, "5:3\xe2\x80\xa81\xf4\x8f\xbf\xbf1:5"},
	{[]string{"5\xef\xbf\xbd\x0a\x0a:"}, "5:5\xef\xbf\xbd\x0a\x0a:"},
	{[]string{"4\xe2\x82\xac", "6"}, "2:4\xe2\x82\xac1:6"},
	{[]string{"1", "3"}, "1:11:3"},
	{[]string{"0"}, "1:0"},
	{[]string{}, "0:"},
	{[]string{"4a\xc3\xa9\x0a", "1", "1"}, "4:4a\xc3\xa9\x0a1:11:1"},
}

var diffAppendBinaryPayloadV3 = []diffEncode{
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4Pj5i"}, "\x01\x04\xff\x04>>b"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"6", "1:\xe2\x80\xa8\xc3\xa9\x0a", "b4/Qw="}, "\x00\x01\xff6\x00\x08\xff1:\xe2\x80\xa8\xc3\xa9\x0a\x01\x03\xff\x04\xfd\x0c"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"21\x0a", "2\xf0\x9f\x98\x80\xc3\xa9\x0a\xef\xbf\xbd", "1\xe2\x80\xa8:", "b4AQID"}, "\x00\x03\xff21\x0a\x00\x01\x01\xff2\xf0\x9f\x98\x80\xc3\xa9\x0a\xef\xbf\xbd\x00\x05\xff1\xe2\x80\xa8:\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"2", "b41g==", "b2PbM="}, "\x00\x01\xff2\x01\x02\xff\x04\xd6\x01\x03\xff\x02=\xb3"},
	{[]string{"2\xc3\xa9\xef\xbf\xbd", "b4AQID"}, "\x00\x06\xff2\xc3\xa9\xef\xbf\xbd\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"2", "b49lkh"}, "\x00\x01\xff2\x01\x04\xff\x04\xf6Y!"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"1", "b4AQID"}, "\x00\x01\xff1\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"3", "b4AQID"}, "\x00\x01\xff3\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4rO0=", "3:"}, "\x01\x03\xff\x04\xac\xed\x00\x02\xff3:"},
	{[]string{"b4"}, "\x01\x01\xff\x04"},
	{[]string{"0", "b44PcX"}, "\x00\x01\xff0\x01\x04\xff\x04\xe0\xf7\x17"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b2K70=", "1\xf4\x8f\xbf\xbf\xe2\x82\xac1"}, "\x01\x03\xff\x02+\xbd\x00\x09\xff1\xf4\x8f\xbf\xbf\xe2\x82\xac1"},
	{[]string{"b2rA==", "1:", "3\xf4\x8f\xbf\xbf"}, "\x01\x02\xff\x02\xac\x00\x02\xff1:\x00\x05\xff3\xf4\x8f\xbf\xbf"},
	{[]string{"b2bQ==", "b4WOn2", "b2na0="}, "\x01\x02\xff\x02m\x01\x04\xff\x04X\xe9\xf6\x01\x03\xff\x02\x9d\xad"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4P+3DkA=="}, "\x01\x05\xff\x04?\xed\xc3\x90"},
	{[]string{"6\xc3\xa9", "2\x0a\xf4\x8f\xbf\xbf:\xe2\x82\xac\xe2\x80\xa8", "b4AQID"}, "\x00\x03\xff6\xc3\xa9\x00\x01\x03\xff2\x0a\xf4\x8f\xbf\xbf:\xe2\x82\xac\xe2\x80\xa8\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4dFY="}, "\x01\x03\xff\x04tV"},
	{[]string{"6", "5", "b2DAk="}, "\x00\x01\xff6\x00\x01\xff5\x01\x03\xff\x02\x0c\x09"},
	{[]string{"b4FQjX"}, "\x01\x04\xff\x04\x15\x08\xd7"},
	{[]string{"5", "5\x0a", "b4AQID"}, "\x00\x01\xff5\x00\x02\xff5\x0a\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"3", "b4AQID"}, "\x00\x01\xff3\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"5a\x0a1", "5:\xf4\x8f\xbf\xbfa1", "b2oUnD5A=="}, "\x00\x04\xff5a\x0a1\x00\x08\xff5:\xf4\x8f\xbf\xbfa1\x01\x05\xff\x02\xa1I\xc3\xe4"},
	{[]string{"2\x0a\xc3\xa9\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf", "b4"}, "\x00\x01\x02\xff2\x0a\xc3\xa9\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\x01\x01\xff\x04"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"b2Xg==", "5\xf4\x8f\xbf\xbf", "b4u5+xwg=="}, "\x01\x02\xff\x02^\x00\x05\xff5\xf4\x8f\xbf\xbf\x01\x05\xff\x04\xbb\x9f\xb1\xc2"},
	{[]string{"2\xe2\x82\xac\xe2\x80\xa8", "6\xf4\x8f\xbf\xbf\x0a", "b2yLo="}, "\x00\x07\xff2\xe2\x82\xac\xe2\x80\xa8\x00\x06\xff6\xf4\x8f\xbf\xbf\x0a\x01\x03\xff\x02\xc8\xba"},
	{[]string{"b4AQID"}, "\x01\x04\xff\x04\x01\x02\x03"},
	{[]string{"1:::\xf4\x8f\xbf\xbf\xc3\xa9", "b2Og=="}, "\x00\x01\x00\xff1:::\xf4\x8f\xbf\xbf\xc3\xa9\x01\x02\xff\x02:"},
	{[]string{"4", "b4AQID"}, "\x00\x01\xff4\x01\x04\xff\x04\x01\x02\x03"},
}

var diffDecodeBinaryPayloadV3 = []diffDecode{
	{"\x01\x05\xff\x02{\xc4\xab\xc6\x00\x01\xff1", []string{"b2e8Srxg==", "1"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x01\xff\x04", []string{"b4"}, false, ""},
	{"\x00\x01\xff0\x00\x07\xff6a\xf0\x9f\x98\x80a\x01\x04\xff\x04\x01\x02\x03", []string{"0", "6a\xf0\x9f\x98\x80a", "b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\xaf\x14\x9b\x01\x01\xff\x02\x01\x01\xff\x02", []string{"b4rxSb", "b2", "b2"}, false, ""},
	{"\x00\x05\xff6\xf0\x9f\x98\x80\x01\x04\xff\x04\x01\x02\x03", []string{"6\xf0\x9f\x98\x80", "b4AQID"}, false, ""},
	{"\x00\x02\xff61\x00\x01\x00\xff1\xe2\x82\xac\xe2\x80\xa8\xef\xbf\xbd\x01\x05\xff\x04\xd8\x9f.\x03", []string{"61", "1\xe2\x82\xac\xe2\x80\xa8\xef\xbf\xbd", "b42J8uAw=="}, false, ""},
	{"\x01\x02\xff\x04b\x00\x01\xff4\x00\x07\xff0\xef\xbf\xbd\xef\xbf\xbd", []string{"b4Yg==", "4", "0\xef\xbf\xbd\xef\xbf\xbd"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x00\x07\xff4\xef\xbf\xbd\x0a1\x0a\x01\x04\xff\x04\x01\x02\x03", []string{"4\xef\xbf\xbd\x0a1\x0a", "b4AQID"}, false, ""},
	{"\x00\x01\xff3\x01\x04\xff\x04\x01\x02\x03", []string{"3", "b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x05\xff\x02\xdb\x09\x8c?\x00\x01\xff1\x00\x09\xff3\xf0\x9f\x98\x80\xc3\xa9\x0a\x0a", []string{"b22wmMPw==", "1", "3\xf0\x9f\x98\x80\xc3\xa9\x0a\x0a"}, false, ""},
	{"\x00\x01\x02\xff6\xe2\x80\xa8\xf4\x8f\xbf\xbf\xc3\xa9\x0a1\x01\x04\xff\x04\x01\x02\x03", []string{"6\xe2\x80\xa8\xf4\x8f\xbf\xbf\xc3\xa9\x0a1", "b4AQID"}, false, ""},
	{"\x00\x01\xff6\x01\x04\xff\x04\x01\x02\x03", []string{"6", "b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x02\xff\x04\x04\x01\x01\xff\x04", []string{"b4BA==", "b4"}, false, ""},
	{"\x00\x04\xff6\xef\xbf\xbd\x01\x04\xff\x04\x01\x02\x03", []string{"6\xef\xbf\xbd", "b4AQID"}, false, ""},
	{"\x00\x01\xff6\x01\x04\xff\x04\x01\x02\x03", []string{"6", "b4AQID"}, false, ""},
	{"\x00\x01\xff4\x01\x01\xff\x02\x00\x01\xff4", []string{"4", "b2", "4"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x00\x01\x02\xff2a\xe2\x80\xa8\xc3\xa9\xc3\xa9\xe2\x82\xac\x00\x01\xff4\x01\x04\xff\x04\x01\x02\x03", []string{"2a\xe2\x80\xa8\xc3\xa9\xc3\xa9\xe2\x82\xac", "4", "b4AQID"}, false, ""},
	{"\x00\x01\xff5\x00\x06\xff2\xef\xbf\xbda\x0a\x01\x04\xff\x04\x01\x02\x03", []string{"5", "2\xef\xbf\xbda\x0a", "b4AQID"}, false, ""},
	{"\x01\x05\xff\x04\xfd80\xaa", []string{"b4/Tgwqg=="}, false, ""},
	{"\x00\x01\x03\xff3\xf0\x9f\x98\x80:\xf4\x8f\xbf\xbfa\xc3\xa9\x01\x04\xff\x04\x01\x02\x03", []string{"3\xf0\x9f\x98\x80:\xf4\x8f\xbf\xbfa\xc3\xa9", "b4AQID"}, false, ""},
	{"\x00\x01\xff4\x00\x04\xff5\xe2\x82\xac\x01\x04\xff\x04\x01\x02\x03", []string{"4", "5\xe2\x82\xac", "b4AQID"}, false, ""},
	{"\x01\x01\xff\x02\x01\x05\xff\x04Z\xe7\x81W\x01\x03\xff\x04\xcd\xc6", []string{"b2", "b4WueBVw==", "b4zcY="}, false, ""},
	{"\x01\x05\xff\x02\xdd\xd5\x91\x8d", []string{"b23dWRjQ=="}, false, ""},
	{"\x00\x05\xff6\xf0\x9f\x98\x80\x00\x06\xff2\x0a\xf4\x8f\xbf\xbf\x01\x04\xff\x04\x01\x02\x03", []string{"6\xf0\x9f\x98\x80", "2\x0a\xf4\x8f\xbf\xbf", "b4AQID"}, false, ""},
	{"\x00\x01\x01\xff6a\xf4\x8f\xbf\xbf\xc3\xa9\xef\xbf\xbd\x01\x04\xff\x04\x01\x02\x03", []string{"6a\xf4\x8f\xbf\xbf\xc3\xa9\xef\xbf\xbd", "b4AQID"}, false, ""},
	{"\x00\x01\x04\xff3\xf0\x9f\x98\x80\xe2\x80\xa8\xc3\xa9\xf4\x8f\xbf\xbf\x01\x01\xff\x02", []string{"3\xf0\x9f\x98\x80\xe2\x80\xa8\xc3\xa9\xf4\x8f\xbf\xbf", "b2"}, false, ""},
	{"\x00\x01\x01\xff0\xc3\xa9a\xef\xbf\xbd\xf0\x9f\x98\x80\x01\x03\xff\x02\xe3\x12\x00\x06\xff6aaa\x0a1", []string{"0\xc3\xa9a\xef\xbf\xbd\xf0\x9f\x98\x80", "b24xI=", "6aaa\x0a1"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x00\x01\xff6\x00\x01\x00\xff4\xe2\x82\xac\xef\xbf\xbd\xc3\xa9:\x01\x04\xff\x04\x01\x02\x03", []string{"6", "4\xe2\x82\xac\xef\xbf\xbd\xc3\xa9:", "b4AQID"}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
	{"\x01\x02\xff\x04\x0a\x00\x01\x02\xff6a\x0a\xc3\xa9\xf4\x8f\xbf\xbf\xe2\x80\xa8", []string{"b4Cg==", "6a\x0a\xc3\xa9\xf4\x8f\xbf\xbf\xe2\x80\xa8"}, false, ""},
	{"\x00\x03\xff311\x01\x05\xff\x02\xbf\xb1\xfa_\x01\x05\xff\x04\xc8\xa0Xy", []string{"311", "b2v7H6Xw==", "b4yKBYeQ=="}, false, ""},
	{"\x01\x04\xff\x04\x01\x02\x03", []string{"b4AQID"}, false, ""},
}
