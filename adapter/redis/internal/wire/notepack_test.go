package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The vectors in testdata/notepack.json come from the real notepack.io
// 3.0.1 (testdata/gen/gen.js says how); these tests hold the package to
// them byte for byte and character for character.

type buildSpec struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
	Unit string `json:"unit"`
}

// build expands a vector too large to keep as text; gen.js has the same.
func build(t testing.TB, d *buildSpec) (text []byte, atts [][]byte) {
	switch d.Kind {
	case "str":
		return strconv.AppendQuote(nil, strings.Repeat(d.Unit, d.N)), nil
	case "array":
		return []byte("[" + strings.TrimSuffix(strings.Repeat("0,", d.N), ",") + "]"), nil
	case "map":
		var b strings.Builder
		b.WriteByte('{')
		for i := range d.N {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"k` + strconv.Itoa(i) + `":0`)
		}
		b.WriteByte('}')
		return []byte(b.String()), nil
	case "bin":
		a := make([]byte, d.N)
		for i := range a {
			a[i] = byte(i)
		}
		return []byte(`{"_placeholder":true,"num":0}`), [][]byte{a}
	}
	t.Fatalf("unknown build %q", d.Kind)
	return nil, nil
}

type vectors struct {
	Notepack string `json:"notepack"`
	Encode   []struct {
		Name        string     `json:"name"`
		JSON        *string    `json:"json"`
		JSONHex     string     `json:"jsonHex"`
		Build       *buildSpec `json:"build"`
		Attachments []string   `json:"attachments"`
		Hex         string     `json:"hex"`
		Len         int        `json:"len"`
		SHA256      string     `json:"sha256"`
		Error       string     `json:"error"`
	} `json:"encode"`
	Decode []struct {
		Name        string     `json:"name"`
		Hex         string     `json:"hex"`
		Build       *buildSpec `json:"build"`
		Len         int        `json:"len"`
		SHA256      string     `json:"sha256"`
		JSONSHA256  string     `json:"jsonSha256"`
		JSON        *string    `json:"json"`
		Attachments []string   `json:"attachments"`
		Error       string     `json:"error"`
	} `json:"decode"`
}

func loadVectors(t testing.TB) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/notepack.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Notepack != "3.0.1" || len(v.Encode) < 100 || len(v.Decode) < 100 {
		t.Fatalf("testdata/notepack.json: notepack %q, %d encode and %d decode vectors", v.Notepack, len(v.Encode), len(v.Decode))
	}
	return &v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestNotepackEncode(t *testing.T) {
	t.Parallel()
	for i, v := range loadVectors(t).Encode {
		var text []byte
		var atts [][]byte
		switch {
		case v.Build != nil:
			text, atts = build(t, v.Build)
		case v.JSON != nil:
			text = []byte(*v.JSON)
		default:
			text = unhex(t, v.JSONHex)
		}
		for _, a := range v.Attachments {
			atts = append(atts, unhex(t, a))
		}
		name := strconv.Itoa(i) + " " + v.Name
		got, err := AppendJSON([]byte("prefix"), text, atts)
		if !bytes.HasPrefix(got, []byte("prefix")) {
			t.Errorf("%s: dst lost its contents", name)
			continue
		}
		got = got[len("prefix"):]
		switch {
		case v.Error != "":
			want := ErrSyntax
			if v.Error == "illegal attachments" {
				want = ErrAttachment
			}
			if !errors.Is(err, want) || len(got) != 0 {
				t.Errorf("%s: %q: got %x, %v; notepack: %s", name, text, got, err, v.Error)
			}
		case err != nil:
			t.Errorf("%s: %q: %v", name, text, err)
		case v.SHA256 != "":
			if len(got) != v.Len || sum(got) != v.SHA256 {
				t.Errorf("%s: %d bytes, sha256 %s; notepack: %d, %s", name, len(got), sum(got), v.Len, v.SHA256)
			}
		case hex.EncodeToString(got) != v.Hex:
			t.Errorf("%s: %q:\n got %x\nwant %s", name, text, got, v.Hex)
		}
	}
}

func TestNotepackDecode(t *testing.T) {
	t.Parallel()
	for i, v := range loadVectors(t).Decode {
		name := strconv.Itoa(i) + " " + v.Name
		var msg []byte
		if v.Build != nil {
			text, atts := build(t, v.Build)
			var err error
			if msg, err = AppendJSON(nil, text, atts); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(msg) != v.Len || sum(msg) != v.SHA256 {
				t.Errorf("%s: encoded %d bytes, sha256 %s; notepack: %d, %s", name, len(msg), sum(msg), v.Len, v.SHA256)
			}
		} else {
			msg = unhex(t, v.Hex)
		}
		var atts [][]byte
		got, rest, err := AppendMsgpackAsJSON([]byte("prefix"), msg, &atts)
		if !bytes.HasPrefix(got, []byte("prefix")) {
			t.Errorf("%s: dst lost its contents", name)
			continue
		}
		got = got[len("prefix"):]
		if v.Error != "" {
			if !errors.Is(err, ErrMsgpack) || len(got) != 0 || len(atts) != 0 {
				t.Errorf("%s: %x: got %s, %d attachments, %v; notepack: %s", name, msg, got, len(atts), err, v.Error)
			}
			continue
		}
		if err != nil || len(rest) != 0 {
			t.Errorf("%s: %x: %v, %d bytes left", name, msg, err, len(rest))
			continue
		}
		if v.Build != nil {
			if sum(got) != v.JSONSHA256 || len(atts) != len(v.Attachments) {
				t.Errorf("%s: JSON sha256 %s, %d attachments; want %s, %d", name, sum(got), len(atts), v.JSONSHA256, len(v.Attachments))
			}
			for j := range min(len(atts), len(v.Attachments)) {
				if sum(atts[j]) != v.Attachments[j] {
					t.Errorf("%s: attachment %d differs", name, j)
				}
			}
			continue
		}
		want := "null" // JSON.stringify(undefined) is undefined; see the package doc
		if v.JSON != nil {
			want = *v.JSON
		}
		if string(got) != want {
			t.Errorf("%s: %x:\n got %s\nwant %s", name, msg, got, want)
		}
		if len(atts) != len(v.Attachments) {
			t.Errorf("%s: %d attachments, want %d", name, len(atts), len(v.Attachments))
			continue
		}
		for j, a := range atts {
			if hex.EncodeToString(a) != v.Attachments[j] {
				t.Errorf("%s: attachment %d is %x, want %s", name, j, a, v.Attachments[j])
			}
		}
	}
}
