package msgpack

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/ab218a8d/socketio/parser"
)

// FuzzDecode: any message either fails with ErrInvalidPacket or decodes
// into a packet the layers above can take (a type from 0 to 4, JSON data
// of the right shape, within maxExpansion of the message, each
// attachment's placeholder there once, arguments that decode), which
// encodes back into a message that decodes into the same packet.
func FuzzDecode(f *testing.F) {
	var v vectors
	if b, err := os.ReadFile("testdata/vectors.json"); err == nil && json.Unmarshal(b, &v) == nil {
		for _, d := range v.Decode {
			if len(d.Msgpack) < 4096 {
				f.Add([]byte(d.Msgpack))
			}
		}
		for _, e := range v.Encode {
			if len(e.Msgpack) < 4096 {
				f.Add([]byte(e.Msgpack))
			}
		}
	}
	f.Add(event(f, "93 a161 c40101 d4050a"))
	f.Add(event(f, "92 a161 81 a2c0ff d4000a"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		p := &Parser{MaxDepth: 20}
		pk, err := p.Decode(msg)
		if err != nil {
			if !errors.Is(err, parser.ErrInvalidPacket) {
				t.Fatalf("error %v is not ErrInvalidPacket", err)
			}
			return
		}
		if pk.Type > parser.ConnectError {
			t.Fatalf("type %v", pk.Type)
		}
		if pk.Data != nil {
			if !json.Valid(pk.Data) {
				t.Fatalf("data %q is not JSON", pk.Data)
			}
			if len(pk.Data) > maxExpansion*len(msg) {
				t.Fatalf("%d bytes of data from a message of %d", len(pk.Data), len(msg))
			}
		}
		if !dataShapeValid(pk.Type, pk.Data) {
			t.Fatalf("data %s for %v", pk.Data, pk.Type)
		}
		checkPlaceholders(t, pk)
		if pk.Type == parser.Event || pk.Type == parser.Ack {
			if _, err := parser.NewArgs(pk.Data, pk.Attachments).Values(); err != nil {
				t.Fatalf("arguments of %s do not decode: %v", pk.Data, err)
			}
		}
		f, _, err := p.AppendEncode(nil, *pk)
		if err != nil {
			t.Fatalf("encoding %+v (%s) back: %v", pk, pk.Data, err)
		}
		back, err := p.Decode(f.Data)
		if err != nil {
			t.Fatalf("decoding %x, the encoding of %+v (%s): %v", f.Data, pk, pk.Data, err)
		}
		nsp := pk.Namespace
		if nsp == "" {
			nsp = "/" // as the packet model takes it
		}
		if back.Type != pk.Type || back.Namespace != nsp || back.HasID != pk.HasID || back.ID != pk.ID ||
			!bytes.Equal(back.Data, pk.Data) || !reflect.DeepEqual(back.Attachments, pk.Attachments) {
			t.Fatalf("round trip: %+v (%s), want %+v (%s)", back, back.Data, pk, pk.Data)
		}
	})
}

// checkPlaceholders checks that the data has exactly one placeholder for
// each attachment, numbered in order. It reads the text: a placeholder
// under a duplicate key is there, though a JSON reader takes the last
// value (as JavaScript does, the Buffer lost too).
func checkPlaceholders(t *testing.T, pk *parser.Packet) {
	t.Helper()
	if len(pk.Attachments) == 0 {
		return // an object that looks like a placeholder is an object
	}
	prefix := []byte(`{"_placeholder":true,"num":`)
	rest, n := pk.Data, 0
	for {
		i := bytes.Index(rest, prefix)
		if i < 0 {
			break
		}
		rest = rest[i+len(prefix):]
		want := strconv.Itoa(n) + "}"
		if !bytes.HasPrefix(rest, []byte(want)) {
			t.Fatalf("placeholder %d is not numbered %d in %s", n, n, pk.Data)
		}
		n++
	}
	if n != len(pk.Attachments) {
		t.Fatalf("%d placeholders for %d attachments in %s", n, len(pk.Attachments), pk.Data)
	}
}

// FuzzEncode: JSON data encodes if and only if it is valid (and within
// MaxDepth, its placeholders pointing at attachments), into a message
// that decodes into the same values.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{
		`["a",1,-2,3.5,true,false,null,{"b":[]}]`, `{"token":"x"}`, `"message"`, ` [ "\u00e9\ud83d\ude00\n" ] `,
		`["a",{"_placeholder":true,"num":0}]`, `["a",{"num":1,"_placeholder":true,"x":2}]`, `[1e400, 12345678901234567890, -0.0]`,
		`[`, `["a",]`, `{"a"}`, `[01]`, "[\"\xff\"]", `["\ud800"]`, `[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, natt uint8) {
		p := &Parser{MaxDepth: 20}
		var att [][]byte
		for i := range int(natt % 4) {
			att = append(att, bytes.Repeat([]byte{byte(i)}, i))
		}
		pk := parser.Packet{Type: parser.Ack, Data: data, Attachments: att}
		switch firstByte(data) {
		case '{':
			pk.Type = parser.Connect
		case '"':
			pk.Type = parser.ConnectError
		}
		f, _, err := p.AppendEncode(nil, pk)
		valid := json.Valid(data)
		if err != nil {
			if valid && err != errTooDeep && err != errPlaceholder && !(pk.Type == parser.Ack && firstByte(data) != '[') {
				t.Fatalf("Encode of valid JSON %q: %v", data, err)
			}
			return
		}
		if !valid {
			t.Fatalf("Encode of invalid JSON %q succeeded: %x", data, f.Data)
		}
		back, err := p.Decode(f.Data)
		if err != nil {
			t.Fatalf("decoding %x, the encoding of %q: %v", f.Data, data, err)
		}
		if bytes.Contains(data, []byte("__proto__")) {
			return // left out, as JavaScript leaves it out
		}
		var orig any
		if json.Unmarshal(data, &orig) != nil {
			return // a number encoding/json does not take, as 1e400
		}
		if got, want := resolvedValue(back.Data, back.Attachments), resolvedValue(data, att); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q came back as %s: %#v, want %#v", data, back.Data, got, want)
		}
	})
}

func firstByte(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}

// resolvedValue is resolved without a test to fail: an invalid
// placeholder stays as it is.
func resolvedValue(data []byte, att [][]byte) any {
	var v any
	json.Unmarshal(data, &v)
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			if n, ok := x["num"].(float64); ok && x["_placeholder"] == true && len(att) > 0 && n >= 0 && int(n) < len(att) && n == float64(int(n)) {
				return att[int(n)]
			}
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	return walk(v)
}
