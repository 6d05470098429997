package engineio

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/engineio/packet"
)

func TestJSONPIndex(t *testing.T) {
	tests := []struct{ j, want string }{
		{"", ""},
		{"0", "0"},
		{"12", "12"},
		{"a1b2", "12"},
		{"-3", "3"},
		{"1e3", "13"},
		{"١", ""}, // not an ASCII digit
		{"0);alert(1)//", "01"},
	}
	for _, tt := range tests {
		if got := jsonpIndex(tt.j); got != tt.want {
			t.Errorf("jsonpIndex(%q) = %q, want %q", tt.j, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = jsonpIndex("123") }); n != 0 {
		t.Errorf("jsonpIndex of digits: %v allocations", n)
	}
}

func TestAppendJSONP(t *testing.T) {
	t.Parallel()
	tests := []struct{ payload, want string }{
		{"", `___eio[1]("");`},
		{"1:6", `___eio[1]("1:6");`},
		{`4"hi"\`, `___eio[1]("4\"hi\"\\");`},
		{"\b\f\n\r\t\x00\x1f\x7f", `___eio[1]("\b\f\n\r\t\u0000\u001f` + "\x7f" + `");`},
		{"4</script>", `___eio[1]("4</script>");`},
		{"4\u2028\u2029", `___eio[1]("4\u2028\u2029");`},
		{"4é€😀\uFFFD", `___eio[1]("4é€😀` + "\uFFFD" + `");`},
		{"4\xe2\x82A\xff", `___eio[1]("4` + "\uFFFDA\uFFFD" + `");`},
	}
	for _, tt := range tests {
		if got := appendJSONP(nil, "1", []byte(tt.payload)); string(got) != tt.want {
			t.Errorf("appendJSONP(%q) = %q, want %q", tt.payload, got, tt.want)
		}
	}
	for _, v := range diffAppendJSONP {
		if got := appendJSONP(nil, jsonpIndex(v.j), []byte(v.payload)); string(got) != v.want {
			t.Errorf("appendJSONP(%q, %q) = %q, the reference %q", v.j, v.payload, got, v.want)
		}
	}
}

// replaceInvalid writes invalid UTF-8 as Node decodes it.
func replaceInvalid(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, size := packet.DecodeRune(b)
		if r == utf8.RuneError {
			sb.WriteRune(r)
		} else {
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}

func TestDecodeJSONPBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, want string
		err        error
	}{
		{"d=4hello", "4hello", nil},
		{"d=6%3A4hello2%3A4%E2%82%AC", "6:4hello2:4€", nil},
		{"d=5:4a+b%2B", "5:4a b+", nil},
		{"%64=1:6", "1:6", nil},
		{"a=1&d=1:3&b", "1:3", nil},
		{"d", "", nil},
		{"d=", "", nil},
		{"d=x=y", "x=y", nil},
		{"d=%zz%4%", "%zz%4%", nil},
		{"d=%e2%82%ac", "€", nil},
		{"d=%FF", "\xff", nil}, // Node: U+FFFD, which a payload counts the same
		// Escaped newlines.
		{`d=1:4\n`, "1:4\n", nil},
		{`d=1:4\\n`, `1:4\n`, nil},
		{`d=\\\n`, `\\n`, nil},
		{`d=\\\\n`, `\\\n`, nil},
		{`d=%5Cn%5C%5Cn`, "\n\\n", nil},
		{`d=\`, `\`, nil},
		{`d=\\`, `\\`, nil},
		// Node decodes %E2%82 and € apart, mangling the €: "€".
		{"d=%E2%82€", "\xe2\x82€", nil},
		// No d, or several: the reference ignores the body.
		{"", "", errJSONPNoData},
		{"D=x", "", errJSONPNoData},
		{"d+=x", "", errJSONPNoData},
		{"%64%3D=x", "", errJSONPNoData},
		{"a=1&" + strings.Repeat("&", 999) + "d=x", "", errJSONPNoData}, // after the 1000th field
		{"d=1&d=2", "", errJSONPDupData},
		{"d=1&%64=2", "", errJSONPDupData},
	}
	for _, tt := range tests {
		body := []byte(tt.body)
		got, err := decodeJSONPBody(body)
		if !errors.Is(err, tt.err) || (err == nil && string(got) != tt.want) {
			t.Errorf("decodeJSONPBody(%q) = %q, %v; want %q, %v", tt.body, got, err, tt.want, tt.err)
		}
	}
	for _, v := range diffDecodeJSONPBody {
		got, err := decodeJSONPBody([]byte(v.body))
		if (err != nil) != v.err || (err == nil && replaceInvalid(got) != v.want) {
			t.Errorf("decodeJSONPBody(%q) = %q, %v; the reference %q, error %v", v.body, got, err, v.want, v.err)
		}
	}
}

// clientJSONPBody builds the body a v3 client posts: newlines escaped
// (engine.io-client's polling-jsonp doWrite), then form-encoded.
func clientJSONPBody(payload []byte) []byte {
	s := strings.ReplaceAll(string(payload), `\n`, "\\\n")
	s = strings.ReplaceAll(s, "\n", `\n`)
	return []byte("d=" + url.QueryEscape(s))
}

// FuzzJSONPBody checks that decoding any body neither panics nor grows,
// and that what a client sends decodes back to its payload (unless the
// payload has a backslash before a newline, which the client's escaping
// cannot tell from an escaped newline).
func FuzzJSONPBody(f *testing.F) {
	for _, s := range []string{"d=4hello", "d=6%3A4hello2%3A4%E2%82%AC", `d=\\\n`, "d=%zz%", "a&d=1&d", "%64=+", "", "d=\xff%FF", "4a\n\\n\\\\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		body := bytes.Clone(in)
		got, err := decodeJSONPBody(body)
		switch {
		case err != nil && err != errJSONPNoData && err != errJSONPDupData:
			t.Fatalf("unexpected error %v", err)
		case len(got) > len(in):
			t.Fatalf("decoded %d bytes from %d", len(got), len(in))
		}
		if bytes.Contains(in, []byte("\\\n")) {
			return
		}
		got, err = decodeJSONPBody(clientJSONPBody(in))
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("client body for %q decodes to %q, %v", in, got, err)
		}
	})
}

var benchJSONPPayload = []byte(`30:42["chat","héllo \"wörld\"\n"]1:6`)

func BenchmarkAppendJSONP(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchJSONPPayload)))
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = appendJSONP(buf[:0], "3", benchJSONPPayload)
	}
}

func BenchmarkDecodeJSONPBody(b *testing.B) {
	b.ReportAllocs()
	body := clientJSONPBody(benchJSONPPayload)
	b.SetBytes(int64(len(body)))
	buf := make([]byte, len(body))
	for b.Loop() {
		copy(buf, body) // it decodes in place
		if _, err := decodeJSONPBody(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// The tables below were produced by running, under Node 20, the
// reference's code on inputs from a seeded generator:
//
//   - diffAppendJSONP: "___eio[" + j.replace(/[^0-9]/g, "") + "](" +
//     JSON.stringify(Buffer.from(payload).toString()).replace(/\u2028/g,
//     "\\u2028").replace(/\u2029/g, "\\u2029") + ");"
//   - diffDecodeJSONPBody: querystring.parse(Buffer.from(body).toString()).d,
//     then the two newline replaces of polling-jsonp.ts's onData; err when
//     d is not a string.

var diffAppendJSONP = []struct{ payload, j, want string }{
	{"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f", "0", "___eio[0](\x22\x5cu0000\x5cu0001\x5cu0002\x5cu0003\x5cu0004\x5cu0005\x5cu0006\x5cu0007\x5cb\x5ct\x5cn\x5cu000b\x5cf\x5cr\x5cu000e\x5cu000f\x5cu0010\x5cu0011\x5cu0012\x5cu0013\x5cu0014\x5cu0015\x5cu0016\x5cu0017\x5cu0018\x5cu0019\x5cu001a\x5cu001b\x5cu001c\x5cu001d\x5cu001e\x5cu001f !\x5c\x22#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c\x5c]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x22);"},
	{"\xe2\x80\xa8\xe2\x80\xa7", "a1b2", "___eio[12](\x22\x5cu2028\xe2\x80\xa7\x22);"},
	{"\x5c\x22\xed\xa0\x80\x7f\x7f\xe2\x80\xa9", "a1b2", "___eio[12](\x22\x5c\x5c\x5c\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x7f\x7f\x5cu2029\x22);"},
	{"\xe2\x80\xa8\xed\xa0\x80\x22\xed\xa0\x80\x0a\x22\x7f", "12", "___eio[12](\x22\x5cu2028\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5c\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cn\x5c\x22\x7f\x22);"},
	{"\x00\xe2\x80\xa9\xef\xbf\xbd", "12", "___eio[12](\x22\x5cu0000\x5cu2029\xef\xbf\xbd\x22);"},
	{"\xff", "", "___eio[](\x22\xef\xbf\xbd\x22);"},
	{"\xf0\x9f\x98\x80\xff", "a1b2", "___eio[12](\x22\xf0\x9f\x98\x80\xef\xbf\xbd\x22);"},
	{"\xe2\x80\xa8/<\xc3\xa9\xf0\x9f\x98\x80", "a1b2", "___eio[12](\x22\x5cu2028/<\xc3\xa9\xf0\x9f\x98\x80\x22);"},
	{"aa\xe2\x80\xa9\x1f\x22\xef\xbf\xbd\xf0\x9f\x98\x80", "", "___eio[](\x22aa\x5cu2029\x5cu001f\x5c\x22\xef\xbf\xbd\xf0\x9f\x98\x80\x22);"},
	{"\xf0\x9f\x98\x80\xed\xa0\x80\x1fa\xc0\x80\xc0\x80", "-3", "___eio[3](\x22\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cu001fa\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\x7f\x7f\x0a\x7f/", "1e3", "___eio[13](\x22\x7f\x7f\x5cn\x7f/\x22);"},
	{"\xef\xbf\xbd\x00\x1f'", "", "___eio[](\x22\xef\xbf\xbd\x5cu0000\x5cu001f'\x22);"},
	{"\xe2\x80\xa9", "a1b2", "___eio[12](\x22\x5cu2029\x22);"},
	{"", "1e3", "___eio[13](\x22\x22);"},
	{"\xc0\x80\xef\xbf\xbd\xed\xa0\x80\xe2\x80\xa9a\x1f", "-3", "___eio[3](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cu2029a\x5cu001f\x22);"},
	{"", "0", "___eio[0](\x22\x22);"},
	{"'\xe2\x80\xa8", "", "___eio[](\x22'\x5cu2028\x22);"},
	{"\xef\xbf\xbd", "١", "___eio[](\x22\xef\xbf\xbd\x22);"},
	{"\xf0\x9f\x98\x80", "a1b2", "___eio[12](\x22\xf0\x9f\x98\x80\x22);"},
	{"", "-3", "___eio[3](\x22\x22);"},
	{"a\x7f", "0", "___eio[0](\x22a\x7f\x22);"},
	{"\x0a\x0a/\x5c", "0", "___eio[0](\x22\x5cn\x5cn/\x5c\x5c\x22);"},
	{"\xc3\xa9\xe2\x80\xa9\x0a", "١", "___eio[](\x22\xc3\xa9\x5cu2029\x5cn\x22);"},
	{"\xe2\x80\xa8\x0a\xe2\x80\xff\x00\xed\xa0\x80", "1e3", "___eio[13](\x22\x5cu2028\x5cn\xef\xbf\xbd\xef\xbf\xbd\x5cu0000\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\x5c\xc0\x80\x00\x0a\xed\xa0\x80\x7f\xc0\x80", "a1b2", "___eio[12](\x22\x5c\x5c\xef\xbf\xbd\xef\xbf\xbd\x5cu0000\x5cn\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x7f\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"a\xf0\x9f\x98\x80\x7f\x5c/<", "a1b2", "___eio[12](\x22a\xf0\x9f\x98\x80\x7f\x5c\x5c/<\x22);"},
	{"\xed\xa0\x80", "a1b2", "___eio[12](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\xef\xbf\xbd\x00\xe2\x80\xa7\xe2\x80\xa7\x5c\xe2\x80\xa7\x5c", "-3", "___eio[3](\x22\xef\xbf\xbd\x5cu0000\xe2\x80\xa7\xe2\x80\xa7\x5c\x5c\xe2\x80\xa7\x5c\x5c\x22);"},
	{"\xe2\x80\xe2\x80\xed\xa0\x80\xef\xbf\xbd\xed\xa0\x80\x1f'", "1e3", "___eio[13](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cu001f'\x22);"},
	{"\xe2\x80\x5c", "0", "___eio[0](\x22\xef\xbf\xbd\x5c\x5c\x22);"},
	{"\x1f\x7f\xe2\x80\xa7", "", "___eio[](\x22\x5cu001f\x7f\xe2\x80\xa7\x22);"},
	{"", "1e3", "___eio[13](\x22\x22);"},
	{"<\xe2\x80\xa8\x7f\xff\x5c\xff\xe2\x80\xa9", "١", "___eio[](\x22<\x5cu2028\x7f\xef\xbf\xbd\x5c\x5c\xef\xbf\xbd\x5cu2029\x22);"},
	{"", "", "___eio[](\x22\x22);"},
	{"", "١", "___eio[](\x22\x22);"},
	{"\xe2\x80\xf0\x9f\x98\xc3\xa9", "a1b2", "___eio[12](\x22\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\x22);"},
	{"\xe2\x80\xa8\xe2\x80\xa9\x1f", "١", "___eio[](\x22\x5cu2028\x5cu2029\x5cu001f\x22);"},
	{"\x5c\xff\x00\xf0\x9f\x98", "-3", "___eio[3](\x22\x5c\x5c\xef\xbf\xbd\x5cu0000\xef\xbf\xbd\x22);"},
	{"\xff", "", "___eio[](\x22\xef\xbf\xbd\x22);"},
	{"a", "-3", "___eio[3](\x22a\x22);"},
	{"\x22\xf0\x9f\x98\x80\xc3\xa9", "١", "___eio[](\x22\x5c\x22\xf0\x9f\x98\x80\xc3\xa9\x22);"},
	{"\xc0\x80\x5c\xe2\x80\x0a", "", "___eio[](\x22\xef\xbf\xbd\xef\xbf\xbd\x5c\x5c\xef\xbf\xbd\x5cn\x22);"},
	{"\x7f\x0aa", "a1b2", "___eio[12](\x22\x7f\x5cna\x22);"},
	{"\x5c\xe2\x80\xa9\xed\xa0\x80\xc0\x80\xf0\x9f\x98\x80", "1e3", "___eio[13](\x22\x5c\x5c\x5cu2029\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80\x22);"},
	{"'\xf0\x9f\x98\xed\xa0\x80\xc3\xa9", "1e3", "___eio[13](\x22'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\x22);"},
	{"", "0", "___eio[0](\x22\x22);"},
	{"\x7f\xf0\x9f\x98\x80\x00a", "12", "___eio[12](\x22\x7f\xf0\x9f\x98\x80\x5cu0000a\x22);"},
	{"\xe2\x80\xa8\xe2\x80\xa8\xc0\x80", "12", "___eio[12](\x22\x5cu2028\x5cu2028\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\x00\xc3\xa9<\xf0\x9f\x98'\xf0\x9f\x98\xed\xa0\x80", "1e3", "___eio[13](\x22\x5cu0000\xc3\xa9<\xef\xbf\xbd'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\xe2\x80\xa7\xef\xbf\xbd", "١", "___eio[](\x22\xe2\x80\xa7\xef\xbf\xbd\x22);"},
	{"a", "", "___eio[](\x22a\x22);"},
	{"\x00", "", "___eio[](\x22\x5cu0000\x22);"},
	{"\x0a/\xc0\x80", "", "___eio[](\x22\x5cn/\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"<", "", "___eio[](\x22<\x22);"},
	{"'\xed\xa0\x80\x5c\x5c", "a1b2", "___eio[12](\x22'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5c\x5c\x5c\x5c\x22);"},
	{"<<\x0a\x22\xef\xbf\xbd\xed\xa0\x80\xc3\xa9", "a1b2", "___eio[12](\x22<<\x5cn\x5c\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\x22);"},
	{"", "12", "___eio[12](\x22\x22);"},
	{"<\x7f\x5c", "١", "___eio[](\x22<\x7f\x5c\x5c\x22);"},
	{"\xc3\xa9\x00\x00\x1f\xed\xa0\x80", "-3", "___eio[3](\x22\xc3\xa9\x5cu0000\x5cu0000\x5cu001f\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"/\xc3\xa9", "a1b2", "___eio[12](\x22/\xc3\xa9\x22);"},
	{"<'\xf0\x9f\x98\x80\x1f", "", "___eio[](\x22<'\xf0\x9f\x98\x80\x5cu001f\x22);"},
	{"\xe2\x80\xa7\x00\xc0\x80\x22\xe2\x80'", "1e3", "___eio[13](\x22\xe2\x80\xa7\x5cu0000\xef\xbf\xbd\xef\xbf\xbd\x5c\x22\xef\xbf\xbd'\x22);"},
	{"\xc0\x80\xff\x0a\xf0\x9f\x98\xef\xbf\xbd\xff", "1e3", "___eio[13](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cn\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"", "١", "___eio[](\x22\x22);"},
	{"", "", "___eio[](\x22\x22);"},
	{"a\x0a\xe2\x80a'\xe2\x80\xa9/", "12", "___eio[12](\x22a\x5cn\xef\xbf\xbda'\x5cu2029/\x22);"},
	{"\xed\xa0\x80", "١", "___eio[](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\xff\x00", "-3", "___eio[3](\x22\xef\xbf\xbd\x5cu0000\x22);"},
	{"\xff\xc0\x80\xe2\x80\xa9'", "1e3", "___eio[13](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5cu2029'\x22);"},
	{"'\x5c\xf0\x9f\x98\x80", "0", "___eio[0](\x22'\x5c\x5c\xf0\x9f\x98\x80\x22);"},
	{"a\xe2\x80\xa7\xed\xa0\x80", "١", "___eio[](\x22a\xe2\x80\xa7\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\xe2\x80\xa8\xed\xa0\x80\x22\xf0\x9f\x98\x80\xe2\x80\xa7", "1e3", "___eio[13](\x22\x5cu2028\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5c\x22\xf0\x9f\x98\x80\xe2\x80\xa7\x22);"},
	{"\x1f\x5c\xe2\x80\xa8\x0a\xff\xc0\x80\x22", "-3", "___eio[3](\x22\x5cu001f\x5c\x5c\x5cu2028\x5cn\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x5c\x22\x22);"},
	{"/\xe2\x80\xa9\xf0\x9f\x98\x80", "1e3", "___eio[13](\x22/\x5cu2029\xf0\x9f\x98\x80\x22);"},
	{"<\xe2\x80\xc0\x80\xed\xa0\x80", "", "___eio[](\x22<\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"<\x0a\x22\xe2\x80\xa7\xe2\x80\xa7\xe2\x80\xa7", "0", "___eio[0](\x22<\x5cn\x5c\x22\xe2\x80\xa7\xe2\x80\xa7\xe2\x80\xa7\x22);"},
	{"\xe2\x80\xa9'\x0a\xff\xef\xbf\xbd", "a1b2", "___eio[12](\x22\x5cu2029'\x5cn\xef\xbf\xbd\xef\xbf\xbd\x22);"},
	{"\xc3\xa9\xc3\xa9\xc3\xa9\x5c\x1f\xe2\x80\xa9", "1e3", "___eio[13](\x22\xc3\xa9\xc3\xa9\xc3\xa9\x5c\x5c\x5cu001f\x5cu2029\x22);"},
	{"\x1f\xe2\x80\xa7", "0", "___eio[0](\x22\x5cu001f\xe2\x80\xa7\x22);"},
	{"\xc3\xa9\xc3\xa9", "12", "___eio[12](\x22\xc3\xa9\xc3\xa9\x22);"},
	{"\xff\xe2\x80\xe2\x80", "12", "___eio[12](\x22\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x22);"},
}

var diffDecodeJSONPBody = []struct {
	body, want string
	err        bool
}{
	{"d=4hello", "4hello", false},
	{"d=6%3A4hello2%3A4%E2%82%AC", "6:4hello2:4\xe2\x82\xac", false},
	{"", "", true},
	{"d", "", false},
	{"d=", "", false},
	{"a=1", "", true},
	{"D=x", "", true},
	{"d=1&d=2", "", true},
	{"%64=x", "x", false},
	{"d+=x", "", true},
	{"=x&d=y", "y", false},
	{"&&d=x", "x", false},
	{"d=x=y", "x=y", false},
	{"d=a%zzb", "a%zzb", false},
	{"d=%", "%", false},
	{"d=%4", "%4", false},
	{"d=%4+1", "%4 1", false},
	{"d=a+b%2B", "a b+", false},
	{"d=%e2%82%ac", "\xe2\x82\xac", false},
	{"d=%FF", "\xef\xbf\xbd", false},
	{"d=%ED%A0%80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", false},
	{"d=1:4\x5cn", "1:4\x0a", false},
	{"d=1:4\x5c\x5cn", "1:4\x5cn", false},
	{"d=\x5c\x5c\x5cn", "\x5c\x5cn", false},
	{"d=\x5c\x5c\x5c\x5cn", "\x5c\x5c\x5cn", false},
	{"d=%5Cn", "\x0a", false},
	{"d=%5C%5Cn", "\x5cn", false},
	{"d=\x5c%6E", "\x0a", false},
	{"a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&d=x", "x", false},
	{"a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&d=x", "", true},
	{"&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&d=x", "x", false},
	{"d=x&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&a&d=y", "x", false},
	{"d=\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", false},
	{"d=%F0%9F%98%80", "\xf0\x9f\x98\x80", false},
	{"d=%0A%zz", "\x0a%zz", false},
	{"d=+%FFa=\x5c%E2%82%AC%0A", " \xef\xbf\xbda=\x5c\xe2\x82\xac\x0a", false},
	{"d=+%a=%2B%FF%E2%82%AC", " %a=+\xef\xbf\xbd\xe2\x82\xac", false},
	{"d=%E2%82%AC", "\xe2\x82\xac", false},
	{"d====a=%2B%6E%64=\x5c", "===a=+nd=\x5c", false},
	{"n%E2%82a=%5c\x5c%4", "", true},
	{"d=n%0A%d=%64=%", "n\x0a%d=d=%", false},
	{"d=&%E2%82%5C%4%5c%64=", "", false},
	{"d=%5C&&%zz", "\x5c", false},
	{"d=n%5C+nx%zz", "n\x5c nx%zz", false},
	{"d=%d=", "%d=", false},
	{"d=%5C%4%FF%FFn%FF", "\x5c%4\xef\xbf\xbd\xef\xbf\xbdn\xef\xbf\xbd", false},
	{"d=\x5c%64=%5c", "\x5cd=\x5c", false},
	{"d=%64=", "d=", false},
	{"d=n%=n&=", "n%=n", false},
	{"d=\x5c%6E%E2%82%AC+&%E2%82+%5cd=", "\x0a\xe2\x82\xac ", false},
	{"d=%zz%5C%4%6E%FF=%E2%82%zz", "%zz\x5c%4n\xef\xbf\xbd=\xef\xbf\xbd%zz", false},
	{"d=%E2%82&%5c%5c", "\xef\xbf\xbd", false},
	{"=%5c%xd=d=n%5C", "", true},
	{"d=%E2%82%2B%5c&a=%4%64=d=", "\xef\xbf\xbd+\x5c", false},
	{"d=%5C%64==%zz", "\x5cd==%zz", false},
	{"d=%2B\x5c", "+\x5c", false},
	{"d=%zz%E2%82", "%zz\xef\xbf\xbd", false},
	{"", "", true},
	{"d=", "", false},
	{"d=%4a=+\x5c%64=%E2%82n%0A", "J= \x5cd=\xef\xbf\xbdn\x0a", false},
	{"&%FFn%E2%82", "", true},
	{"d=n\x5c%2Bn&%0A%", "n\x5c+n", false},
	{"d=", "", false},
	{"\x5c", "", true},
	{"d=%64=%5C%64=&a=a=", "d=\x5cd=", false},
	{"d=%E2%82%ACa=%E2%82", "\xe2\x82\xaca=\xef\xbf\xbd", false},
	{"d=%64=\x5c%zz+%%zz%6E\x5c", "d=\x5c%zz %%zzn\x5c", false},
	{"d=", "", false},
	{"%2B%%FF%E2%82\x5c", "", true},
	{"d=\x5cn=n&d=n", "", true},
	{"d=%6E%5c%E2%82a=%E2%82%4a=", "n\x5c\xef\xbf\xbda=\xef\xbf\xbdJ=", false},
	{"d=d=%E2%82%ACd=", "d=\xe2\x82\xacd=", false},
	{"d=%0A%4%6E", "\x0a%4n", false},
	{"%64=%4d=", "M=", false},
	{"%6E+", "", true},
	{"d=\x5c%2B", "\x5c+", false},
	{"d=", "", false},
	{"d=%2B%zzx%FFn%E2%82%AC%E2%82&", "+%zzx\xef\xbf\xbdn\xe2\x82\xac\xef\xbf\xbd", false},
	{"d=", "", false},
	{"d=%%0A%6E", "%\x0an", false},
	{"d=%%%zzn", "%%%zzn", false},
	{"d=%0A+%zz", "\x0a %zz", false},
	{"d=%5c%E2%82d=%0A%d=%64=\x5c", "\x5c\xef\xbf\xbdd=\x0a%d=d=\x5c", false},
	{"d=%64=&%6En%5c\x5cn%0A", "d=", false},
	{"d=\x5c&", "\x5c", false},
	{"x=", "", true},
	{"d=\x5c+n&x&\x5c&", "\x5c n", false},
	{"d=", "", false},
	{"%FF\x5c", "", true},
	{"%%zz%0A+%5C%4nn%2B", "", true},
	{"d=%6Ed=%E2%82d=d=%6E\x5c%FF%zz", "nd=\xef\xbf\xbdd=d=n\x5c\xef\xbf\xbd%zz", false},
	{"%2B\x5ca=%a=", "", true},
	{"d=%E2%82%AC%E2%82%AC&%FF%zz%E2%82", "\xe2\x82\xac\xe2\x82\xac", false},
	{"d=+%0An", " \x0an", false},
	{"d=%%6E\x5c+%E2%82%AC%5c", "%n\x5c \xe2\x82\xac\x5c", false},
	{"%4=", "", true},
	{"n%0A%E2%82%AC%%5C%E2%82\x5c", "", true},
	{"d=n%64=d=+", "nd=d= ", false},
	{"d=&%E2%82%AC%5c%%FF%0Ad=", "", false},
	{"d=%5c%E2%82%64=x%zzxd=", "\x5c\xef\xbf\xbdd=x%zzxd=", false},
	{"d=d==+", "d== ", false},
	{"d=%5c\x5c%5C%6E%5c", "\x5c\x5cn\x5c", false},
	{"d=%E2%82%AC%64=%E2%82=%E2%82+%0A", "\xe2\x82\xacd=\xef\xbf\xbd=\xef\xbf\xbd \x0a", false},
	{"d==%64=", "=d=", false},
	{"d=xn%5c%E2%82%6E%%5C%6En", "xn\x5c\xef\xbf\xbdn%\x0an", false},
	{"d=d==%%FF", "d==%\xef\xbf\xbd", false},
	{"d=", "", false},
	{"%zz%5cnn%4%5C%64=%zz%zz", "", true},
	{"n%zznn%zza=", "", true},
	{"d=d=a=\x5c%E2%82%AC", "d=a=\x5c\xe2\x82\xac", false},
	{"d=%FF%FFd=%6E%6E%FF=", "\xef\xbf\xbd\xef\xbf\xbdd=nn\xef\xbf\xbd=", false},
	{"%5Cd=", "", true},
	{"d=%4d=%zz%4=%E2%82", "M=%zz%4=\xef\xbf\xbd", false},
	{"d=\x5c%%0A%2B&", "\x5c%\x0a+", false},
	{"&%6E", "", true},
	{"d=%2Bx=%%5cnd=", "+x=%\x0ad=", false},
	{"d=%E2%82%FF", "\xef\xbf\xbd\xef\xbf\xbd", false},
	{"d=%zz%zz%E2%82%AC", "%zz%zz\xe2\x82\xac", false},
	{"%E2%82d=d=%6E", "", true},
	{"d=%E2%82%AC+%0A%6Ed=", "\xe2\x82\xac \x0and=", false},
	{"d=xn%FFx=d=x", "xn\xef\xbf\xbdx=d=x", false},
	{"d=d=d=%6E%FF%5C%zz%0An", "d=d=n\xef\xbf\xbd\x5c%zz\x0an", false},
	{"d=", "", false},
	{"d=%zz", "%zz", false},
	{"d=%E2%82d=%0A%zz%FF+%E2%82%AC+", "\xef\xbf\xbdd=\x0a%zz\xef\xbf\xbd \xe2\x82\xac ", false},
	{"d=%5c", "\x5c", false},
	{"d=x%E2%82%6E%2B", "x\xef\xbf\xbdn+", false},
	{"xn", "", true},
	{"d=%2B\x5cd=d=x%64=d=d=a=", "+\x5cd=d=xd=d=d=a=", false},
	{"\x5c%zz%5Cd=", "", true},
	{"d=\x5c%%64=%6E%E2%82%AC%FF%5C&a=", "\x5c%d=n\xe2\x82\xac\xef\xbf\xbd\x5c", false},
	{"d=%E2%82+", "\xef\xbf\xbd ", false},
	{"\x5c%E2%82%ACnd=", "", true},
	{"d=", "", false},
	{"d=a=%E2%82&n=%FF=", "a=\xef\xbf\xbd", false},
	{"=%E2%82%AC%FF%0A%FF\x5c%4%0A", "", true},
	{"%%%FF\x5c%FF=a=a=", "", true},
	{"d=d==%5C%n%2B&%64=%0A", "", true},
	{"d=d=&", "d=", false},
	{"d=%E2%82%4%5Cd=d=%%64=%E2%82%AC\x5c", "\xef\xbf\xbd%4\x5cd=d=%d=\xe2\x82\xac\x5c", false},
	{"d=\x5cd=\x5c=&%5c%5c", "\x5cd=\x5c=", false},
	{"d=+%5cx%2Bd=\x5c", " \x5cx+d=\x5c", false},
	{"d==a=\x5c%2B%E2%82%ACd=%4", "=a=\x5c+\xe2\x82\xacd=%4", false},
	{"d=%zz%5Cd=%5cx%0A", "%zz\x5cd=\x5cx\x0a", false},
	{"", "", true},
	{"d=a=", "a=", false},
	{"d=%64=+\x5c", "d= \x5c", false},
	{"a=+%5Ca=%2B\x5cd=", "", true},
	{"d=%5c%0A%E2%82%AC%5c%%E2%82", "\x5c\x0a\xe2\x82\xac\x5c%\xef\xbf\xbd", false},
	{"d=%a=", "%a=", false},
	{"d=\x5c%E2%82d=+=%E2%82%5C+&", "\x5c\xef\xbf\xbdd= =\xef\xbf\xbd\x5c ", false},
	{"d==d=a=\x5c\x5c%zz==", "=d=a=\x5c\x5c%zz==", false},
	{"%E2%82%AC%0A", "", true},
	{"d=%64=x", "d=x", false},
	{"d=\x5c", "\x5c", false},
	{"d=%E2%82", "\xef\xbf\xbd", false},
	{"n%64=xx%6E%E2%82%64=", "", true},
	{"d=%0And=%FFn", "\x0and=\xef\xbf\xbdn", false},
	{"d=%5Cn%6E%E2%82=%E2%82d=%4a=", "\x0an\xef\xbf\xbd=\xef\xbf\xbdd=J=", false},
	{"d=%E2%82n%6E%5c", "\xef\xbf\xbdnn\x5c", false},
	{"+\x5c%2B%%5c\x5c&", "", true},
	{"d=\x5c%", "\x5c%", false},
	{"d=%FF%6Ea=+%E2%82+%0A%", "\xef\xbf\xbdna= \xef\xbf\xbd \x0a%", false},
	{"d=+%5c%xn%64=", " \x5c%xnd=", false},
	{"d=%0A%FF%%%64=%E2%82\x5c", "\x0a\xef\xbf\xbd%%d=\xef\xbf\xbd\x5c", false},
	{"d=x", "x", false},
	{"d=%2B%5c\x5c%0A%zz&%E2%82%AC", "+\x5c\x5c\x0a%zz", false},
	{"d=%E2%82%AC%FF=%0Ax\x5c", "\xe2\x82\xac\xef\xbf\xbd=\x0ax\x5c", false},
	{"x%E2%82", "", true},
	{"d=d=%E2%82%AC%E2%82%AC+x%0A", "d=\xe2\x82\xac\xe2\x82\xac x\x0a", false},
	{"%FF%0A+%E2%82%%0A%zz%", "", true},
	{"d=n\x5cx%0A%", "n\x5cx\x0a%", false},
	{"d=%%64=d=%E2%82n%6E", "%d=d=\xef\xbf\xbdnn", false},
	{"d=%64=&%zza=&%6E\x5c%zz\x5c", "d=", false},
	{"d=%E2%82%AC", "\xe2\x82\xac", false},
	{"d=%0A%5Cx%2B%0An+", "\x0a\x5cx+\x0an ", false},
	{"d=&%2B%E2%82n=%E2%82%E2%82\x5c", "", false},
	{"d=", "", false},
	{"d=nd=%5cn%zz%64=n\x5c", "nd=\x0a%zzd=n\x5c", false},
	{"d=%0A%%5c", "\x0a%\x5c", false},
	{"%FF", "", true},
	{"d=%E2%82%AC%64=\x5cnd=", "\xe2\x82\xacd=\x0ad=", false},
	{"d=%0Ad==d=%5C%4%5Cx", "\x0ad==d=\x5c%4\x5cx", false},
	{"d=d=d=%64=d=d=+n%4", "d=d=d=d=d= n%4", false},
}
