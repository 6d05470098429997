package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"
)

// The seed corpora are the notepack vectors and the reference messages,
// plus what testdata/fuzz holds.

func FuzzMsgpackAsJSON(f *testing.F) {
	v := loadVectors(f)
	for _, d := range v.Decode {
		if d.Build == nil {
			f.Add(unhex(f, d.Hex))
		}
	}
	for _, e := range v.Encode {
		if e.Hex != "" {
			f.Add(unhex(f, e.Hex))
		}
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		var atts [][]byte
		out, rest, err := AppendMsgpackAsJSON(nil, msg, &atts)
		skipped, skipErr := Skip(msg)
		if (err == nil) != (skipErr == nil) {
			t.Fatalf("decoding: %v; Skip: %v", err, skipErr)
		}
		if err != nil {
			if !errors.Is(err, ErrMsgpack) && !errors.Is(err, ErrTooDeep) {
				t.Fatalf("error wraps neither ErrMsgpack nor ErrTooDeep: %v", err)
			}
			if len(out) != 0 || len(atts) != 0 || len(rest) != len(msg) {
				t.Fatalf("error with %q, %d attachments, %d bytes left", out, len(atts), len(rest))
			}
			return
		}
		if len(rest) != len(skipped) || !bytes.HasSuffix(msg, rest) {
			t.Fatalf("%d bytes left, Skip leaves %d", len(rest), len(skipped))
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("not JSON: %q", out)
		}

		// The text is what a Node server would hold; encoding it gives
		// what it would publish, which decodes to the same text, unless
		// a number is one that notepack wraps.
		again, err := AppendJSON(nil, out, atts)
		if err != nil {
			t.Fatalf("encoding %s: %v", out, err)
		}
		var atts2 [][]byte
		out2, rest2, err := AppendMsgpackAsJSON(nil, again, &atts2)
		if err != nil || len(rest2) != 0 {
			t.Fatalf("decoding %x: %v, %d bytes left", again, err, len(rest2))
		}
		if !wraps(out) && (string(out2) != string(out) || !equalAtts(atts2, atts)) {
			t.Fatalf("round trip:\n%s\n%s", out, out2)
		}
	})
}

func FuzzJSON(f *testing.F) {
	v := loadVectors(f)
	for _, e := range v.Encode {
		switch {
		case e.JSON != nil:
			f.Add([]byte(*e.JSON))
		case e.JSONHex != "":
			f.Add(unhex(f, e.JSONHex))
		}
	}
	for _, m := range referenceMessages {
		f.Add([]byte(m.json))
	}
	f.Add([]byte(`[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`))
	f.Fuzz(func(t *testing.T, text []byte) {
		atts := [][]byte{{1, 2, 3}, {}}
		msg, err := AppendJSON(nil, text, atts)
		valid := json.Valid(text)
		switch {
		case errors.Is(err, ErrSyntax):
			if valid {
				t.Fatalf("%q: %v, but it is JSON", text, err)
			}
			return
		case errors.Is(err, ErrTooDeep), errors.Is(err, ErrAttachment):
			return
		case err != nil:
			t.Fatalf("%q: unexpected error %v", text, err)
		case !valid:
			t.Fatalf("%q is not JSON but encoded to %x", text, msg)
		}

		var back [][]byte
		out, rest, err := AppendMsgpackAsJSON(nil, msg, &back)
		if err != nil || len(rest) != 0 || !json.Valid(out) {
			t.Fatalf("%q encoded to %x, which decodes to %q, %v, %d bytes left", text, msg, out, err, len(rest))
		}
		if wraps(text) {
			return
		}
		// encoding/json as the judge: the same values, except that the
		// decoded object has no "__proto__" keys.
		if !bytes.Contains(text, []byte("_placeholder")) && utf8.Valid(text) {
			var want, got any
			if json.Unmarshal(text, &want) == nil {
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				if want = dropProto(want); !reflect.DeepEqual(want, got) {
					t.Fatalf("%s came back as %s", text, out)
				}
			}
		}
		// Decoded text encodes to the same bytes, but for those keys.
		again, err := AppendJSON(nil, out, back)
		if err != nil {
			t.Fatalf("encoding %s: %v", out, err)
		}
		if !bytes.Contains(text, []byte("proto")) && !bytes.Equal(again, msg) {
			t.Fatalf("%s: %x, then %s: %x", text, msg, out, again)
		}
	})
}

func equalAtts(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// wraps reports whether the JSON text holds a number that notepack
// encodes modulo 2^64, so that it does not come back.
func wraps(text []byte) bool {
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if n, ok := tok.(json.Number); ok {
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil || math.Trunc(f) == f && (f >= 1<<63 || f < -1<<63) {
				return true
			}
		}
	}
}

func dropProto(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "__proto__")
		for k, e := range x {
			x[k] = dropProto(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropProto(e)
		}
	}
	return v
}
