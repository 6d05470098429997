package msgpack

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/parser"
)

// The vectors in testdata/vectors.json come from the real
// socket.io-msgpack-parser and notepack.io (testdata/gen.js).

type vectors struct {
	Parser   string
	Notepack string
	Encode   []encodeVector
	Decode   []decodeVector
}

type encodeVector struct {
	Name        string
	Type        parser.Type
	Nsp         string
	ID          *uint64
	Data        hexBytes
	Attachments []hexBytes
	Msgpack     hexBytes
}

type decodeVector struct {
	Name    string
	Msgpack hexBytes
	Exact   *bool // false: compare the data as values (key order, number digits may differ)
	Want    struct {
		Error       string
		Type        parser.Type
		Nsp         string
		ID          *json.Number
		Data        *string
		Attachments []hexBytes
	}
}

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := hex.DecodeString(s)
	*h = d
	return err
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Parser != "3.0.2" || v.Notepack != "2.2.0" {
		t.Fatalf("vectors of socket.io-msgpack-parser %s, notepack.io %s; want 3.0.2 and 2.2.0", v.Parser, v.Notepack)
	}
	return v
}

// TestEncodeVectors: the message of each packet is, byte for byte, the
// one notepack.io writes for the packet the reference server builds; it
// decodes back to the packet.
func TestEncodeVectors(t *testing.T) {
	var p Parser
	for _, v := range loadVectors(t).Encode {
		t.Run(v.Name, func(t *testing.T) {
			pk := parser.Packet{Type: v.Type, Namespace: v.Nsp, Data: v.Data}
			if v.ID != nil {
				pk.ID, pk.HasID = *v.ID, true
			}
			for _, a := range v.Attachments {
				pk.Attachments = append(pk.Attachments, a)
			}
			f, more, err := p.AppendEncode(nil, pk)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Binary || more {
				t.Errorf("frame binary %v, more %v; want a binary frame and no more", f.Binary, more)
			}
			if !bytes.Equal(f.Data, v.Msgpack) {
				t.Errorf("encoded\n %x\nwant\n %x", f.Data, v.Msgpack)
			}
			back, err := p.Decode(f.Data)
			if err != nil {
				t.Fatalf("decoding it back: %v", err)
			}
			if back.Type != pk.Type || back.Namespace != pk.Namespace || back.HasID != pk.HasID || back.ID != pk.ID {
				t.Errorf("decoded back %+v, want %+v", back, pk)
			}
			if v.Name == "text-infinity" {
				return // JSON has no infinity: it decodes as null
			}
			if pk.Data == nil {
				if back.Data != nil || back.Attachments != nil {
					t.Errorf("decoded back data %s, %d attachments; want none", back.Data, len(back.Attachments))
				}
				return
			}
			// The text comes back as JSON.stringify wrote it, but for the
			// digits of numbers past 2^53 and what spaces and escapes the
			// text cases hold.
			exact := !strings.HasPrefix(v.Name, "text-") && v.Name != "numbers"
			sameData(t, back.Data, back.Attachments, pk.Data, pk.Attachments, exact)
		})
	}
}

// decodeDeviations are the messages the reference accepts and this
// package refuses, on purpose (see the package doc).
var decodeDeviations = map[string]string{
	"id-negative":               "Packet.ID cannot hold a negative id",
	"id-huge-float":             "Packet.ID cannot hold an id past 2^64",
	"unknown-key-container":     "an array or map as a key",
	"event-empty":               "the default parser's rule: an EVENT names its event",
	"event-nan-name":            "the default parser's rule: an event name is a string or a number",
	"event-nil-name":            "the default parser's rule: an event name is a string or a number",
	"event-map-name":            "the default parser's rule: an event name is a string or a number",
	"event-reserved":            "the default parser's rule: no reserved event name",
	"event-reserved-disconnect": "the default parser's rule: no reserved event name",
	"placeholder-lookalike":     "a map that would read as a placeholder",
	"depth-1001":                "MaxDepth",
	"depth-2000":                "MaxDepth",
}

// decodeDifferences are the messages this package decodes otherwise than
// the reference, with what it makes of their data.
var decodeDifferences = map[string]string{
	// Duplicate keys are all written; JavaScript deletes a key whose last
	// value is undefined.
	"key-duplicate-undefined": `["e",{"a":1}]`,
}

// TestDecodeVectors: each message decodes as the reference decodes it,
// or fails where it fails.
func TestDecodeVectors(t *testing.T) {
	var p Parser
	for _, v := range loadVectors(t).Decode {
		t.Run(v.Name, func(t *testing.T) {
			got, err := p.Decode(v.Msgpack)
			if err != nil && !errors.Is(err, parser.ErrInvalidPacket) {
				t.Fatalf("error %v does not wrap ErrInvalidPacket", err)
			}
			if why, ok := decodeDeviations[v.Name]; ok {
				if v.Want.Error != "" {
					t.Fatalf("listed as a deviation (%s), but the reference refuses it too: %s", why, v.Want.Error)
				}
				if err == nil {
					t.Fatalf("decoded %+v (%s), want an error: %s", got, got.Data, why)
				}
				return
			}
			if v.Want.Error != "" {
				if err == nil {
					t.Fatalf("decoded %+v (%s); the reference fails with %q", got, got.Data, v.Want.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v; the reference decodes it", err)
			}
			w := v.Want
			if got.Type != w.Type || got.Namespace != w.Nsp {
				t.Errorf("type %v, namespace %q; want %v, %q", got.Type, got.Namespace, w.Type, w.Nsp)
			}
			switch {
			case w.ID == nil && got.HasID:
				t.Errorf("id %d, want none", got.ID)
			case w.ID != nil && (!got.HasID || strconv.FormatUint(got.ID, 10) != w.ID.String()):
				t.Errorf("id %d (has %v), want %s", got.ID, got.HasID, *w.ID)
			}
			if w.Data == nil {
				if got.Data != nil || got.Attachments != nil {
					t.Errorf("data %s, %d attachments; want none", got.Data, len(got.Attachments))
				}
				return
			}
			if data, ok := decodeDifferences[v.Name]; ok {
				if string(got.Data) != data {
					t.Errorf("data %s, want %s", got.Data, data)
				}
				return
			}
			var att [][]byte
			for _, a := range w.Attachments {
				att = append(att, a)
			}
			sameData(t, got.Data, got.Attachments, []byte(*w.Data), att, v.Exact == nil || *v.Exact)
		})
	}
}

// sameData compares data with attachments: as text, and as values, each
// placeholder replaced by its attachment. Text is compared only if exact.
func sameData(t *testing.T, got []byte, gotAtt [][]byte, want []byte, wantAtt [][]byte, exact bool) {
	t.Helper()
	if exact {
		if string(got) != string(want) {
			t.Errorf("data\n %s\nwant\n %s", got, want)
		}
		if len(gotAtt) != len(wantAtt) {
			t.Errorf("%d attachments, want %d", len(gotAtt), len(wantAtt))
		}
	}
	g, w := resolved(t, got, gotAtt), resolved(t, want, wantAtt)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("data as values\n %#v\nwant\n %#v", g, w)
	}
}

// resolved decodes JSON data as encoding/json does into an any, with
// each placeholder replaced by its attachment, as a string of hex.
func resolved(t *testing.T, data []byte, att [][]byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("data %q: %v", data, err)
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			if x["_placeholder"] == true && len(att) > 0 {
				n, ok := x["num"].(float64)
				if !ok || n < 0 || int(n) >= len(att) {
					t.Fatalf("placeholder %v of %d attachments", x, len(att))
				}
				return "bin:" + hex.EncodeToString(att[int(n)])
			}
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	return walk(v)
}
