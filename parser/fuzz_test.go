package parser

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode feeds a text message and then binary messages to a decoder:
// it must never panic, must fail only with ErrInvalidPacket, and what it
// accepts must encode back to something that decodes to the same packet.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"0", `0/admin,{"token":"123"}`, "1/admin,", `2["foo"]`, `212["foo",1]`, `3/admin,13["bar"]`,
		`4{"message":"x"}`, `51-["baz",{"_placeholder":true,"num":0}]`, `62-7[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`,
		`42{}`, "4abc", `2abc["x"]`, `2["connect"]`, `511-[]`,
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, text []byte, nbin uint8) {
		d := Default.NewDecoder()
		p, err := d.Add(text, false)
		for i := 0; err == nil && p == nil && i < int(nbin%12); i++ {
			p, err = d.Add([]byte{byte(i)}, true)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidPacket) {
				t.Fatalf("error %v is not ErrInvalidPacket", err)
			}
			return
		}
		if p == nil {
			return // still waiting for attachments
		}
		if p.Data != nil && !json.Valid(p.Data) {
			t.Fatalf("accepted invalid JSON %q", p.Data)
		}
		if p.Type == Event || p.Type == Ack {
			args := NewArgs(p.Data, p.Attachments)
			if _, err := args.Values(); err != nil {
				t.Fatalf("accepted args that do not decode: %v", err)
			}
		}
		frames, err := Default.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		d2 := Default.NewDecoder()
		var back *Packet
		for _, fr := range frames {
			q, err := d2.Add(fr.Data, fr.Binary)
			if err != nil {
				t.Fatalf("re-decode of %q: %v", fr.Data, err)
			}
			if q != nil {
				back = q
			}
		}
		if back == nil || back.Type != p.Type || back.Namespace != p.Namespace || back.ID != p.ID || back.HasID != p.HasID ||
			string(back.Data) != string(p.Data) || len(back.Attachments) != len(p.Attachments) {
			t.Fatalf("round trip %+v != %+v", back, p)
		}
	})
}

// FuzzAppendString checks that any Go string encodes to a JSON string.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\", "\x00", "\xff", "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("AppendString(%q) = %q is not JSON: %v", s, b, err)
		}
	})
}

// FuzzValidJSON checks that validJSON agrees with json.Valid.
func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{
		`["echo","x"]`, ` {"a":[1,-2.5e+3,true,false,null,{}]} `, `"\u00e9\n\/"`, "\"\xff\"", "\"a\x01\"",
		`01`, `-`, `1.`, `1e`, `1e+`, `.5`, `+1`, `[1,]`, `{"a"}`, `{"a":1,}`, `[`, `"\u12"`, `"\x"`, `tru`, `nulls`, `[] []`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), json.Valid(data); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid = %v", data, got, want)
		}
	})
}

// FuzzDecodeString checks that decoding an argument into a string or an
// empty interface, which plain strings do without encoding/json, gives
// what encoding/json gives.
func FuzzDecodeString(f *testing.F) {
	for _, s := range []string{`"a"`, `""`, `"\u00e9"`, `"é"`, "\"\xff\"", "\"a\x01\"", `"a\"b"`, `"a"b"`, `"`, `1`, `null`, `"a"  `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var got, want string
		gotErr, wantErr := decodeValue(raw, nil, &got), json.Unmarshal(raw, &want)
		if (gotErr == nil) != (wantErr == nil) || got != want {
			t.Fatalf("%q into a string: %q, %v; encoding/json: %q, %v", raw, got, gotErr, want, wantErr)
		}
		var gotAny, wantAny any
		gotErr, wantErr = decodeValue(raw, nil, &gotAny), json.Unmarshal(raw, &wantAny)
		if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(gotAny, wantAny) {
			t.Fatalf("%q into an interface: %#v, %v; encoding/json: %#v, %v", raw, gotAny, gotErr, wantAny, wantErr)
		}
	})
}
