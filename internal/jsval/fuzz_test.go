package jsval

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzText holds the text functions to each other, and to encoding/json,
// which escapes as JSON.stringify does and U+2028 and U+2029 as well.
func FuzzText(f *testing.F) {
	for _, tv := range vectors(f).Text {
		f.Add(unhex(f, tv.Hex))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid := AppendValid(nil, b)
		if !utf8.Valid(valid) || len(valid) != ValidLen(b) {
			t.Fatalf("AppendValid(%q) = %q (%d bytes), ValidLen %d", b, valid, len(valid), ValidLen(b))
		}
		var walk []byte
		for rest := b; len(rest) > 0; {
			r, size := DecodeRune(rest)
			if size < 1 || size > len(rest) {
				t.Fatalf("DecodeRune(%q) size %d", rest, size)
			}
			if r == utf8.RuneError {
				walk = append(walk, replacement...)
			} else {
				walk = append(walk, rest[:size]...)
			}
			rest = rest[size:]
		}
		if !bytes.Equal(walk, valid) {
			t.Fatalf("DecodeRune over %q gives %q, AppendValid %q", b, walk, valid)
		}
		var back string
		if err := json.Unmarshal(AppendStringJSON(nil, b), &back); err != nil || back != string(valid) {
			t.Fatalf("AppendStringJSON(%q) reads back as %q, %v; want %q", b, back, err, valid)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(string(valid)); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := AppendScriptEscaped([]byte{'"'}, b); !bytes.Equal(append(got, '"'), want) {
			t.Fatalf("AppendScriptEscaped(%q) = %s, encoding/json %s", b, got, want)
		}
	})
}

// FuzzNumber holds AppendNumber to encoding/json, which writes a float64
// by the same rule but for -0, and to strconv, which must read it back.
func FuzzNumber(f *testing.F) {
	for _, nv := range vectors(f).Numbers {
		f.Add(math.Float64bits(float(f, nv.Bits)))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		s := AppendNumber(nil, x)
		j := AppendNumberJSON(nil, x)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if string(j) != "null" {
				t.Fatalf("AppendNumberJSON(%v) = %s", x, j)
			}
			return
		}
		if !bytes.Equal(s, j) {
			t.Fatalf("AppendNumber(%v) = %s, AppendNumberJSON %s", x, s, j)
		}
		if want, _ := json.Marshal(x); x != 0 && !bytes.Equal(s, want) {
			t.Fatalf("AppendNumber(%v) = %s, encoding/json %s", x, s, want)
		}
		if back, err := strconv.ParseFloat(string(s), 64); err != nil || back != x {
			t.Fatalf("AppendNumber(%v) = %s reads back as %v, %v", x, s, back, err)
		}
	})
}

// FuzzDate holds AppendDateJSON to time.Parse for the years that
// RFC 3339 has (0 to 9999), and to null past MaxTime.
func FuzzDate(f *testing.F) {
	for _, dv := range vectors(f).Dates {
		f.Add(float(f, dv.MS))
	}
	f.Fuzz(func(t *testing.T, ms float64) {
		tv := TimeClip(ms)
		j := AppendDateJSON(nil, tv)
		s := AppendDateString(nil, tv)
		if !(math.Abs(ms) <= MaxTime) {
			if !math.IsNaN(tv) || string(j) != "null" || string(s) != "Invalid Date" {
				t.Fatalf("TimeClip(%v) = %v: %s, %s", ms, tv, j, s)
			}
			return
		}
		if tv != math.Trunc(ms) {
			t.Fatalf("TimeClip(%v) = %v", ms, tv)
		}
		if y := time.UnixMilli(int64(tv)).UTC().Year(); y < 0 || y > 9999 {
			return
		}
		back, err := time.Parse(`"2006-01-02T15:04:05.000Z"`, string(j))
		if err != nil || back.UnixMilli() != int64(tv) {
			t.Fatalf("AppendDateJSON(%v) = %s reads back as %v, %v", tv, j, back, err)
		}
	})
}
