package jsval

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
	"unicode/utf8"
)

// nodeVectors are what Node.js 20 does with the same inputs
// (testdata/gen.js wrote testdata/node.json).
type nodeVectors struct {
	Text []struct {
		Hex    string // the bytes
		Valid  string // hex of Buffer.from(Buffer#toString())
		JSON   string // JSON.stringify(Buffer#toString())
		Script string // the same, U+2028 and U+2029 escaped
		UTF16  int    // Buffer#toString().length
	}
	Numbers []struct {
		Bits   string // the float64, big-endian
		String string // String(x)
		JSON   string // JSON.stringify(x)
	}
	Dates []struct {
		MS     string // the float64 given to new Date
		Time   string // getTime()
		JSON   string // JSON.stringify(date)
		String string // String(date), in UTC
	}
}

var loadVectors = sync.OnceValues(func() (*nodeVectors, error) {
	b, err := os.ReadFile("testdata/node.json")
	if err != nil {
		return nil, err
	}
	v := new(nodeVectors)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	if len(v.Text) < 30 || len(v.Numbers) < 40 || len(v.Dates) < 20 {
		return nil, fmt.Errorf("testdata/node.json: %d text, %d number and %d date vectors", len(v.Text), len(v.Numbers), len(v.Dates))
	}
	return v, nil
})

func vectors(t testing.TB) *nodeVectors {
	t.Helper()
	v, err := loadVectors()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func float(t testing.TB, s string) float64 {
	t.Helper()
	return math.Float64frombits(binary.BigEndian.Uint64(unhex(t, s)))
}

func TestNodeText(t *testing.T) {
	t.Parallel()
	for _, v := range vectors(t).Text {
		in := unhex(t, v.Hex)
		if got := AppendValid(nil, in); hex.EncodeToString(got) != v.Valid {
			t.Errorf("AppendValid(%q) = %x, Node %s", in, got, v.Valid)
		}
		if got := ValidLen(in); got != len(v.Valid)/2 {
			t.Errorf("ValidLen(%q) = %d, Node %d", in, got, len(v.Valid)/2)
		}
		if got := AppendStringJSON(nil, in); string(got) != v.JSON {
			t.Errorf("AppendStringJSON(%q) = %s, Node %s", in, got, v.JSON)
		}
		if got := AppendEscaped(nil, in); `"`+string(got)+`"` != v.JSON {
			t.Errorf("AppendEscaped(%q) = %s, Node %s", in, got, v.JSON)
		}
		if got := AppendScriptEscaped(nil, in); `"`+string(got)+`"` != v.Script {
			t.Errorf("AppendScriptEscaped(%q) = %s, Node %s", in, got, v.Script)
		}
		// DecodeRune steps as Node's decoder does: count the UTF-16
		// units of what it yields.
		units := 0
		for b := in; len(b) > 0; {
			r, size := DecodeRune(b)
			units += utf16Len(r)
			b = b[size:]
		}
		if units != v.UTF16 {
			t.Errorf("DecodeRune over %q: %d UTF-16 units, Node %d", in, units, v.UTF16)
		}
	}
}

func utf16Len(r rune) int {
	if r > 0xffff {
		return 2
	}
	return 1
}

func TestNodeNumbers(t *testing.T) {
	t.Parallel()
	for _, v := range vectors(t).Numbers {
		f := float(t, v.Bits)
		if got := AppendNumber(nil, f); string(got) != v.String {
			t.Errorf("AppendNumber(%v) = %s, Node %s", f, got, v.String)
		}
		if got := AppendNumberJSON(nil, f); string(got) != v.JSON {
			t.Errorf("AppendNumberJSON(%v) = %s, Node %s", f, got, v.JSON)
		}
	}
}

func TestNodeDates(t *testing.T) {
	t.Parallel()
	for _, v := range vectors(t).Dates {
		ms, want := float(t, v.MS), float(t, v.Time)
		tv := TimeClip(ms)
		if !(tv == want || math.IsNaN(tv) && math.IsNaN(want)) {
			t.Errorf("TimeClip(%v) = %v, Node %v", ms, tv, want)
		}
		if got := AppendDateJSON(nil, tv); string(got) != v.JSON {
			t.Errorf("AppendDateJSON(%v) = %s, Node %s", tv, got, v.JSON)
		}
		if got := AppendDateString(nil, tv); string(got) != v.String {
			t.Errorf("AppendDateString(%v) = %s, Node %s", tv, got, v.String)
		}
	}
}

func TestDecodeRune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		r    rune
		size int
	}{
		{"", utf8.RuneError, 0},
		{"a", 'a', 1},
		{"€", '€', 3},
		{"😀", '😀', 4},
		{"\uFFFD", utf8.RuneError, 3},
		{"\xff", utf8.RuneError, 1},
		{"\x80", utf8.RuneError, 1},
		{"\xc0\xaf", utf8.RuneError, 1},         // overlong: C0 is never a lead
		{"\xe2\x82", utf8.RuneError, 2},         // truncated
		{"\xe2\x82A", utf8.RuneError, 2},        // cut by ASCII
		{"\xe0\x80\x80", utf8.RuneError, 1},     // overlong: E0 needs A0..BF
		{"\xed\xa0\x80", utf8.RuneError, 1},     // surrogate: ED needs 80..9F
		{"\xf0\x9f\x98", utf8.RuneError, 3},     // truncated 4-byte
		{"\xf0\x9f\x98\xe2", utf8.RuneError, 3}, // cut by a lead
		{"\xf4\x90\x80\x80", utf8.RuneError, 1}, // above U+10FFFF
		{"\xf5\x80\x80\x80", utf8.RuneError, 1}, // never a lead
		{"\xf0\x9f\x98\x80", 0x1f600, 4},
	}
	for _, tt := range tests {
		if r, size := DecodeRune([]byte(tt.in)); r != tt.r || size != tt.size {
			t.Errorf("DecodeRune(%q) = %U, %d, want %U, %d", tt.in, r, size, tt.r, tt.size)
		}
	}
}

func TestInvalidLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"\xff", 1},
		{"\x80\x80", 1},
		{"\xc1\xbf", 1},         // overlong 2-byte
		{"\xc2", 1},             // truncated
		{"\xc2A", 1},            // cut
		{"\xe0\x9f\x80", 1},     // overlong 3-byte
		{"\xe0\xa0", 2},         // truncated at the end
		{"\xed\x9f", 2},         // the last before the surrogates
		{"\xed\xa0", 1},         // a surrogate
		{"\xee\x80\xe2", 2},     // cut by a lead
		{"\xf0\x8f", 1},         // overlong 4-byte
		{"\xf0\x90\x80", 3},     // truncated
		{"\xf3\xbf\xbf\x41", 3}, // cut
		{"\xf4\x8f\xbf", 3},     // truncated, U+10FFFF's start
		{"\xf4\x90", 1},         // above U+10FFFF
		{"\xf8\x88\x80\x80\x80", 1},
	}
	for _, tt := range tests {
		if got := InvalidLen([]byte(tt.in)); got != tt.want {
			t.Errorf("InvalidLen(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
