package msgpack

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/parser"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// event is the message of an EVENT to "/" with data d, hex msgpack.
func event(t testing.TB, d string) []byte {
	return mustHex(t, "83 a474797065 02 a36e7370 a12f a464617461"+d)
}

// encodeData returns the msgpack of data as Encode writes it in an
// EVENT: what follows the data key.
func encodeData(t *testing.T, p *Parser, data string, att ...[]byte) ([]byte, error) {
	t.Helper()
	f, _, err := p.AppendEncode(nil, parser.Packet{Type: parser.Event, Data: []byte(data), Attachments: att})
	if err != nil {
		return nil, err
	}
	head := mustHex(t, "83 a474797065 02 a464617461")
	tail := mustHex(t, "a36e7370 a12f")
	if !bytes.HasPrefix(f.Data, head) || !bytes.HasSuffix(f.Data, tail) {
		t.Fatalf("message %x is not an EVENT to /", f.Data)
	}
	return f.Data[len(head) : len(f.Data)-len(tail)], nil
}

func TestEncodeErrors(t *testing.T) {
	var p Parser
	for _, tt := range []struct {
		name string
		pk   parser.Packet
	}{
		{"type 7", parser.Packet{Type: 7}},
		{"event without data", parser.Packet{Type: parser.Event}},
		{"event with an object", parser.Packet{Type: parser.Event, Data: []byte(`{}`)}},
		{"ack with a string", parser.Packet{Type: parser.Ack, Data: []byte(`"x"`)}},
		{"connect with an array", parser.Packet{Type: parser.Connect, Data: []byte(`[]`)}},
		{"disconnect with data", parser.Packet{Type: parser.Disconnect, Data: []byte(`{}`)}},
		{"connect_error with a number", parser.Packet{Type: parser.ConnectError, Data: []byte(`1`)}},
		{"placeholder out of range", parser.Packet{Type: parser.Event, Data: []byte(`["a",{"_placeholder":true,"num":1}]`), Attachments: [][]byte{{1}}}},
		{"placeholder without num", parser.Packet{Type: parser.Event, Data: []byte(`["a",{"_placeholder":true}]`), Attachments: [][]byte{{1}}}},
		{"placeholder with a fraction", parser.Packet{Type: parser.Event, Data: []byte(`["a",{"_placeholder":true,"num":0.5}]`), Attachments: [][]byte{{1}}}},
		{"placeholder with a string", parser.Packet{Type: parser.Event, Data: []byte(`["a",{"_placeholder":true,"num":"0"}]`), Attachments: [][]byte{{1}}}},
		{"placeholder with a negative num", parser.Packet{Type: parser.Event, Data: []byte(`["a",{"_placeholder":true,"num":-1}]`), Attachments: [][]byte{{1}}}},
	} {
		if _, err := p.Encode(&tt.pk); !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("%s: Encode: %v, want ErrInvalidPacket", tt.name, err)
		}
	}
	for _, data := range []string{
		`[`, `]`, `[1,]`, `[1 2]`, `["a"`, `["a",]`, `["\x"]`, `["\u12"]`, "[\"\x01\"]", `["a"]x`, `["a"] ]`,
		`[{"a"}]`, `[{"a":}]`, `[{"a":1,}]`, `[{a:1}]`, `[{"a" 1}]`, `[{"a":1`, `[tru]`, `[nul]`, `[fals]`, `[True]`,
		`[01]`, `[-]`, `[1.]`, `[.5]`, `[1e]`, `[1e+]`, `[+1]`, `[0x1]`, `[NaN]`, `[Infinity]`, `["a` + "\n" + `"]`,
	} {
		if _, err := encodeData(t, &p, data); !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("Encode of data %q: %v, want ErrInvalidPacket", data, err)
		}
	}
}

// TestEncodeValues: what notepack.io writes for the value JSON.parse
// makes of the text, but for integers, which keep all their digits.
func TestEncodeValues(t *testing.T) {
	var p Parser
	for _, tt := range []struct{ data, want string }{
		// Integers keep every digit up to 64 bits: JavaScript would round
		// these to float64 first.
		{`[9007199254740993]`, "91 cf0020000000000001"},
		{`[18446744073709551615]`, "91 cfffffffffffffffff"},
		{`[-9223372036854775808]`, "91 d38000000000000000"},
		{`[9223372036854775807]`, "91 cf7fffffffffffffff"},
		// Past 64 bits, a float64, where notepack.io writes the value
		// modulo 2^64.
		{`[18446744073709551616]`, "91 cb43f0000000000000"},
		{`[1e21]`, "91 cb444b1ae4d6e2ef50"},
		{`[-1e20]`, "91 cbc415af1d78b58c40"},
		// Integral floats are integers, as in JavaScript.
		{`[2.0, -3e0, 1.5e3]`, "93 02 fd cd05dc"},
		{`[-0]`, "91 00"},
		// Invalid UTF-8 and unpaired surrogates become U+FFFD, as
		// encoding/json decodes them.
		{"[\"a\xffb\"]", "91 a5 61efbfbd62"},
		{`["\ud800"]`, "91 a3 efbfbd"},
		{`["\udc00x"]`, "91 a4 efbfbd78"},
		{`["\ud800\u0041"]`, "91 a4 efbfbd41"},
		{`["\ud83d\ude00"]`, "91 a4 f09f9880"},
		{`["é\n"]`, "91 a3 c3a90a"},
		// An escaped string whose length needs a str8 header.
		{`["\n` + strings.Repeat("x", 40) + `"]`, "91 d929 0a" + strings.Repeat("78", 40)},
	} {
		got, err := encodeData(t, &p, tt.data)
		if err != nil {
			t.Errorf("%s: %v", tt.data, err)
			continue
		}
		if want := mustHex(t, tt.want); !bytes.Equal(got, want) {
			t.Errorf("%s: %x, want %x", tt.data, got, want)
		}
	}
}

// TestEncodeSizes: the headers of 16-bit and 32-bit sizes, which
// notepack.io picks at the same thresholds.
func TestEncodeSizes(t *testing.T) {
	var p Parser
	list := func(n int, elem string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
	}
	object := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"` + hex.EncodeToString([]byte{byte(i >> 16), byte(i >> 8), byte(i)}) + `":0`)
		}
		return b.String() + "}"
	}
	for _, tt := range []struct {
		name, data string
		att        []byte
		head       string
	}{
		{"array 65535", `["e",` + list(65535, "1") + "]", nil, "92 a165 dcffff 01"},
		{"array 65536", `["e",` + list(65536, "1") + "]", nil, "92 a165 dd00010000 01"},
		{"map 65535", `["e",` + object(65535) + "]", nil, "92 a165 deffff a6303030303030"},
		{"map 65536", `["e",` + object(65536) + "]", nil, "92 a165 df00010000 a6303030303030"},
		{"str 65535", `["` + strings.Repeat("x", 65535) + `"]`, nil, "91 daffff 78"},
		{"str 65536", `["` + strings.Repeat("x", 65536) + `"]`, nil, "91 db00010000 78"},
		{"escaped str 65536", `["\n` + strings.Repeat("x", 65535) + `"]`, nil, "91 db00010000 0a78"},
		{"bin 65535", `["e",{"_placeholder":true,"num":0}]`, make([]byte, 65535), "92 a165 c5ffff 00"},
		{"bin 65536", `["e",{"_placeholder":true,"num":0}]`, make([]byte, 65536), "92 a165 c600010000 00"},
	} {
		var att [][]byte
		if tt.att != nil {
			att = [][]byte{tt.att}
		}
		got, err := encodeData(t, &p, tt.data, att...)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if want := mustHex(t, tt.head); !bytes.HasPrefix(got, want) {
			t.Errorf("%s: starts %x, want %x", tt.name, got[:min(len(got), 16)], want)
		}
		// And back.
		pk, err := p.Decode(mustHex(t, "83 a474797065 02 a36e7370 a12f a464617461"+hex.EncodeToString(got)))
		if err != nil {
			t.Errorf("%s: decoding: %v", tt.name, err)
			continue
		}
		sameData(t, pk.Data, pk.Attachments, []byte(tt.data), att, tt.name[:3] != "map" && tt.name[:3] != "esc")
	}
}

// TestEncodePlaceholders: a placeholder becomes a bin, whatever its form;
// without attachments, an object that looks like one is an object.
func TestEncodePlaceholders(t *testing.T) {
	var p Parser
	a, b := []byte{1, 2}, []byte{3}
	for _, tt := range []struct {
		data string
		att  [][]byte
		want string
	}{
		{`["x",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`, [][]byte{a, b}, "93 a178 c40103 c4020102"},
		{`[ { "num" : 0 , "_placeholder" : true } ]`, [][]byte{a}, "91 c4020102"},
		{`[{"_placeholder":true,"num":0,"extra":{"x":[1]}}]`, [][]byte{a}, "91 c4020102"},
		{`[{"_placeholder":true,"num":0}]`, [][]byte{nil}, "91 c400"},
		{`[{"_placeholder":false,"num":0}]`, [][]byte{a}, "91 82 ac5f706c616365686f6c646572 c2 a36e756d 00"},
		{`[{"_placeholder":true,"num":0}]`, nil, "91 82 ac5f706c616365686f6c646572 c3 a36e756d 00"},
	} {
		got, err := encodeData(t, &p, tt.data, tt.att...)
		if err != nil {
			t.Errorf("%s: %v", tt.data, err)
			continue
		}
		if want := mustHex(t, tt.want); !bytes.Equal(got, want) {
			t.Errorf("%s: %x, want %x", tt.data, got, want)
		}
	}
}

// TestMaxDepth: data nests up to MaxDepth, both ways; a placeholder is no
// level.
func TestMaxDepth(t *testing.T) {
	for _, max := range []int{0, 1, 5, 1000} {
		p := &Parser{MaxDepth: max}
		if max == 0 {
			max = DefaultMaxDepth
		}
		// data is an EVENT's data whose innermost array, holding leaf, is
		// at depth.
		data := func(depth int, leaf string) string {
			return `["e",` + strings.Repeat("[", depth-1) + leaf + strings.Repeat("]", depth-1) + "]"
		}
		cases := []struct {
			data string
			ok   bool
		}{
			{data(max, `"x"`), true},
			{data(max+1, `"x"`), false},
			{data(max, `{"_placeholder":true,"num":0}`), true},
			{data(max, `{}`), false},
		}
		if max > 1 {
			cases = append(cases, struct {
				data string
				ok   bool
			}{data(max-1, `{"a":1}`), true})
		}
		for _, tt := range cases {
			msg, err := encodeData(t, p, tt.data, []byte{1})
			if (err == nil) != tt.ok {
				t.Errorf("MaxDepth %d: Encode of %.30s…: %v", max, tt.data, err)
				continue
			}
			if err != nil {
				if !errors.Is(err, parser.ErrInvalidPacket) {
					t.Errorf("error %v does not wrap ErrInvalidPacket", err)
				}
				continue
			}
			if _, err := p.Decode(event(t, hex.EncodeToString(msg))); err != nil {
				t.Errorf("MaxDepth %d: decoding what was encoded: %v", max, err)
			}
		}
		// Deeper than MaxDepth on the wire, and an ext array (a level in
		// JSON) just past it.
		deep := "92a165" + strings.Repeat("91", max-1) + "91c0"
		if _, err := p.Decode(event(t, deep)); !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("MaxDepth %d: Decode of depth %d: %v", max, max+1, err)
		}
		ext := "92a165" + strings.Repeat("91", max-1) + "d4050a"
		if _, err := p.Decode(event(t, ext)); !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("MaxDepth %d: Decode of an ext array at depth %d: %v", max, max+1, err)
		}
	}
}

// TestDecoder: the Decoder of a connection: binary messages only.
func TestDecoder(t *testing.T) {
	d := (&Parser{}).NewDecoder()
	msg := event(t, "92 a3666f6f c40101")
	if _, err := d.Add(msg, false); !errors.Is(err, parser.ErrInvalidPacket) {
		t.Errorf("Add of a text message: %v, want ErrInvalidPacket", err)
	}
	d.Reset()
	for range 2 {
		p, err := d.Add(msg, true)
		if err != nil || p == nil {
			t.Fatalf("Add: %v, %v", p, err)
		}
		if p.Type != parser.Event || string(p.Data) != `["foo",{"_placeholder":true,"num":0}]` || len(p.Attachments) != 1 {
			t.Errorf("Add: %+v (%s)", p, p.Data)
		}
	}
	// A nil *Parser works as the zero value.
	var nilParser *Parser
	if _, err := nilParser.NewDecoder().Add(msg, true); err != nil {
		t.Errorf("nil Parser: %v", err)
	}
}

// TestArgs: decoded data gives the handlers above what the default parser
// gives them: binary at any depth as []byte.
func TestArgs(t *testing.T) {
	var p Parser
	var att [][]byte
	type blob struct {
		Name string
		Data []byte
	}
	values := []any{"upload", map[string]any{"list": []any{[]byte{1, 2}, "x"}}, blob{"b", []byte{3}}, []byte{}, 1.5, nil}
	data, err := parser.AppendArray(nil, &att, values...)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := p.Encode(&parser.Packet{Type: parser.Event, Namespace: "/x", ID: 7, HasID: true, Data: data, Attachments: att})
	if err != nil || len(frames) != 1 || !frames[0].Binary {
		t.Fatalf("Encode: %v, %v", frames, err)
	}
	pk, err := p.NewDecoder().Add(frames[0].Data, true)
	if err != nil {
		t.Fatal(err)
	}
	if pk.Namespace != "/x" || !pk.HasID || pk.ID != 7 || len(pk.Attachments) != 3 {
		t.Errorf("decoded %+v", pk)
	}
	args := parser.NewArgs(pk.Data, pk.Attachments)
	got, err := args.Values()
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"upload", map[string]any{"list": []any{[]byte{1, 2}, "x"}}, map[string]any{"Name": "b", "Data": []byte{3}}, []byte{}, 1.5, nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values %#v, want %#v", got, want)
	}
	var b blob
	if err := args.Decode(2, &b); err != nil || b.Name != "b" || !bytes.Equal(b.Data, []byte{3}) {
		t.Errorf("into a struct: %+v, %v", b, err)
	}
}

// TestAttachmentsAlias: attachments are the message's bytes, capped so
// that an append does not write over the message.
func TestAttachmentsAlias(t *testing.T) {
	msg := event(t, "93 a161 c40201ff c402aabb")
	pk, err := (&Parser{}).Decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	a := pk.Attachments[0]
	if &a[0] != &msg[bytes.Index(msg, []byte{1, 0xff})] || cap(a) != len(a) {
		t.Errorf("attachment %x does not alias the message with its length as capacity", a)
	}
	_ = append(a, 0)
	if !bytes.Equal(pk.Attachments[1], []byte{0xaa, 0xbb}) {
		t.Errorf("an append to an attachment changed the next one")
	}
}

// TestHostile: what a message claims is never trusted beyond its bytes.
func TestHostile(t *testing.T) {
	var p Parser
	for _, tt := range []struct{ name, msg string }{
		{"str32", "92 a165 dbffffffff 61"},
		{"bin32", "92 a165 c6ffffffff 00"},
		{"ext32", "92 a165 c9ffffffff 01 00"},
		{"array32", "dd ffffffff a165"},
		{"map32", "92 a165 dfffffffff a161"},
		{"array16 of maps32", "dc ffff" + strings.Repeat("dfffffffff", 50)},
		{"map32 in an unknown key", "84 a474797065 02 a36e7370 a12f a464617461 91a165 a178 dfffffffff"},
		{"array32 in an unknown key", "84 a474797065 02 a36e7370 a12f a464617461 91a165 a178 ddffffffff c0"},
		{"packet map32", "df ffffffff a474797065 02"},
	} {
		msg := mustHex(t, tt.msg)
		if !strings.HasPrefix(tt.name, "packet") && !strings.Contains(tt.name, "unknown") {
			msg = event(t, tt.msg)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := p.Decode(msg)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("%s: %v, want ErrInvalidPacket", tt.name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("%s: %d bytes allocated for a message of %d", tt.name, n, len(msg))
		}
	}

	// Every prefix of a valid message is an error, never a panic.
	full := event(t, "96 a161 cb3ff8000000000000 d7000000000000000001 c40201ff 82a162c0a163d40000 ab68656c6c6f20776f726c64")
	if _, err := p.Decode(full); err != nil {
		t.Fatal(err)
	}
	for i := range len(full) {
		if _, err := p.Decode(full[:i]); !errors.Is(err, parser.ErrInvalidPacket) {
			t.Errorf("prefix of %d bytes: %v, want ErrInvalidPacket", i, err)
		}
	}

	// Nesting a million deep fails at MaxDepth, without a deep stack.
	deep := append(event(t, ""), bytes.Repeat([]byte{0x91}, 1_000_000)...)
	if _, err := p.Decode(append(deep, 0xc0)); !errors.Is(err, parser.ErrInvalidPacket) {
		t.Errorf("a million levels: %v", err)
	}
	// In a key the packet does not use, it is only skipped.
	unused := append(mustHex(t, "84 a474797065 02 a36e7370 a12f a464617461 91a165 a178"), bytes.Repeat([]byte{0x91}, 1_000_000)...)
	if _, err := p.Decode(append(unused, 0xc0)); err != nil {
		t.Errorf("a million levels in an unused key: %v", err)
	}
}

// TestOutputBound: the worst messages for the size of their data: it
// stays within maxExpansion times theirs.
func TestOutputBound(t *testing.T) {
	var p Parser
	for _, tt := range []struct{ name, elem string }{
		{"empty bins", "c400"},
		{"ext arrays", "d4050a"},
		{"control characters", "a1 01"},
		{"false", "c2"},
		{"undefined", "d40000"},
		{"invalid UTF-8", "a1 ff"},
		{"dates", "d7 00 fff0000000000000"},
		{"float32", "ca 80800001"},
	} {
		n := 60000
		msg := event(t, "dd"+hex.EncodeToString([]byte{0, byte(n >> 16), byte(n >> 8), byte(n)})+"a165"+strings.Repeat(tt.elem, n-1))
		pk, err := p.Decode(msg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if r := float64(len(pk.Data)) / float64(len(msg)); r > maxExpansion {
			t.Errorf("%s: %d bytes of data from %d: %.1f times, more than %d", tt.name, len(pk.Data), len(msg), r, maxExpansion)
		} else {
			t.Logf("%s: %.1f times", tt.name, r)
		}
	}
}

// maxExpansion bounds the size of decoded data per byte of message (see
// the package doc).
const maxExpansion = 20
