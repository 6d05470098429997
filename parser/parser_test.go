package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func encodeAll(t *testing.T, p *Packet) []Frame {
	t.Helper()
	frames, err := Default.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

func TestEncode(t *testing.T) {
	tests := []struct {
		p    Packet
		want string
	}{
		{Packet{Type: Connect, Namespace: "/"}, "0"},
		{Packet{Type: Connect, Namespace: "/admin", Data: []byte(`{"token":"123"}`)}, `0/admin,{"token":"123"}`},
		{Packet{Type: Connect, Namespace: "/admin", Data: []byte(`{"sid":"oSO0OpakMV_3jnilAAAA"}`)}, `0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}`},
		{Packet{Type: ConnectError, Data: []byte(`{"message":"Not authorized"}`)}, `4{"message":"Not authorized"}`},
		{Packet{Type: ConnectError, Namespace: "/random", Data: []byte(`{"message":"Invalid namespace"}`)}, `4/random,{"message":"Invalid namespace"}`},
		{Packet{Type: Event, Data: []byte(`["foo"]`)}, `2["foo"]`},
		{Packet{Type: Event, Namespace: "/admin", Data: []byte(`["bar"]`)}, `2/admin,["bar"]`},
		{Packet{Type: Event, ID: 12, HasID: true, Data: []byte(`["foo"]`)}, `212["foo"]`},
		{Packet{Type: Ack, Namespace: "/admin", ID: 13, HasID: true, Data: []byte(`["bar"]`)}, `3/admin,13["bar"]`},
		{Packet{Type: Disconnect}, "1"},
		{Packet{Type: Disconnect, Namespace: "/admin"}, "1/admin,"},
		{Packet{Type: Event, Data: []byte(`["baz",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2, 3, 4}}}, `51-["baz",{"_placeholder":true,"num":0}]`},
		{Packet{Type: Event, Namespace: "/admin", Data: []byte(`["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), Attachments: [][]byte{{1}, {2}}}, `52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`},
		{Packet{Type: Ack, ID: 15, HasID: true, Data: []byte(`["bar",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1}}}, `61-15["bar",{"_placeholder":true,"num":0}]`},
	}
	for _, tt := range tests {
		frames := encodeAll(t, &tt.p)
		if string(frames[0].Data) != tt.want || frames[0].Binary {
			t.Errorf("Encode(%+v) = %q, want %q", tt.p, frames[0].Data, tt.want)
		}
		if len(frames) != 1+len(tt.p.Attachments) {
			t.Errorf("Encode(%+v): %d frames", tt.p, len(frames))
		}
		for i, a := range tt.p.Attachments {
			if !frames[i+1].Binary || !bytes.Equal(frames[i+1].Data, a) {
				t.Errorf("attachment %d = %+v", i, frames[i+1])
			}
		}
		// Round trip.
		d := Default.NewDecoder()
		var got *Packet
		for _, f := range frames {
			p, err := d.Add(f.Data, f.Binary)
			if err != nil {
				t.Fatalf("decode %q: %v", f.Data, err)
			}
			if p != nil {
				got = p
			}
		}
		if got == nil {
			t.Fatalf("decode of %q gave no packet", tt.want)
		}
		want := tt.p
		if want.Namespace == "" {
			want.Namespace = "/"
		}
		if len(want.Attachments) == 0 {
			want.Attachments = nil
		}
		if got.Type != want.Type || got.Namespace != want.Namespace || got.ID != want.ID || got.HasID != want.HasID ||
			string(got.Data) != string(want.Data) || !reflect.DeepEqual(got.Attachments, want.Attachments) {
			t.Errorf("round trip of %q = %+v, want %+v", tt.want, got, want)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		in        string
		typ       Type
		nsp       string
		id        int64 // -1: none
		data      string
		nAttached int
	}{
		{"0", Connect, "/", -1, "", 0},
		{"40", ConnectError, "/", -1, "", -1}, // invalid: CONNECT_ERROR needs a payload (checked below)
		{"0/custom", Connect, "/custom", -1, "", 0},
		{"0/custom,", Connect, "/custom", -1, "", 0},
		{`0{"token":"123"}`, Connect, "/", -1, `{"token":"123"}`, 0},
		{`0/custom,{"token":"abc"}`, Connect, "/custom", -1, `{"token":"abc"}`, 0},
		{"1", Disconnect, "/", -1, "", 0},
		{"1/custom,", Disconnect, "/custom", -1, "", 0},
		{`2["message",1,"2",{"3":[true]}]`, Event, "/", -1, `["message",1,"2",{"3":[true]}]`, 0},
		{`2456["message-with-ack",1]`, Event, "/", 456, `["message-with-ack",1]`, 0},
		{`2/a,7["x"]`, Event, "/a", 7, `["x"]`, 0},
		{`2[1,2]`, Event, "/", -1, `[1,2]`, 0},
		{`3456[1,"2"]`, Ack, "/", 456, `[1,"2"]`, 0},
		{`3/a,1[]`, Ack, "/a", 1, `[]`, 0},
		{`4{"message":"no"}`, ConnectError, "/", -1, `{"message":"no"}`, 0},
		{`4"no"`, ConnectError, "/", -1, `"no"`, 0},
		{`52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, Event, "/", -1, `["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, 2},
		{`62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, Ack, "/", 789, `[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, 2},
	}
	for _, tt := range tests {
		d := Default.NewDecoder()
		p, err := d.Add([]byte(tt.in), false)
		if tt.nAttached < 0 {
			if err == nil {
				t.Errorf("Add(%q) accepted, want an error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("Add(%q): %v", tt.in, err)
			continue
		}
		if tt.nAttached > 0 {
			if p != nil {
				t.Errorf("Add(%q) returned a packet before its attachments", tt.in)
			}
			for i := range tt.nAttached {
				if p, err = d.Add([]byte{byte(i)}, true); err != nil {
					t.Fatalf("attachment %d: %v", i, err)
				}
			}
			if p == nil || len(p.Attachments) != tt.nAttached {
				t.Fatalf("Add(%q) with attachments = %+v", tt.in, p)
			}
		}
		if p.Type != tt.typ || p.Namespace != tt.nsp || string(p.Data) != tt.data || p.HasID != (tt.id >= 0) || (tt.id >= 0 && p.ID != uint64(tt.id)) {
			t.Errorf("Add(%q) = %+v", tt.in, p)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, in := range []string{
		"", "7", "abc", "4abc", "9", "x0",
		`2{}`, `2[]`, `2"x"`, `2`, `2[true]`, `2[null]`, `2[{}]`,
		`2["connect"]`, `2["connect_error"]`, `2["disconnect"]`, `2["disconnecting"]`, `2["newListener"]`, `2["removeListener"]`,
		`2abc["message-with-ack",1,"2",{"3":[false]}]`, `2["a"`, `2["a"]x`,
		`0[]`, `0"x"`, `0null`, `0/a,[1]`, `1{}`, `1/a,{}`, `3{}`, `3`, `4`, `4[]`, `41`,
		`5["a"]`, `5x-["a"]`, `5-1-["a"]`, `511-["a"]`, `5-["a"]`, `299999999999999999999["a"]`,
	} {
		d := Default.NewDecoder()
		_, err := d.Add([]byte(in), false)
		if !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("Add(%q) error = %v, want ErrInvalidPacket", in, err)
		}
	}
}

func TestDecodeAttachmentRules(t *testing.T) {
	d := Default.NewDecoder()
	if _, err := d.Add([]byte{1}, true); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("binary without a pending packet: %v", err)
	}
	d = Default.NewDecoder()
	d.Add([]byte(`51-["a",{"_placeholder":true,"num":0}]`), false)
	if _, err := d.Add([]byte(`2["b"]`), false); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("text while waiting for attachments: %v", err)
	}
	for _, data := range []string{
		`51-["a",{"_placeholder":true,"num":1}]`,
		`51-["a",{"_placeholder":true,"num":-1}]`,
		`51-["a",{"_placeholder":true,"num":"0"}]`,
		`51-["a",{"_placeholder":true}]`,
		`51-["a",[{"x":{"_placeholder":true,"num":3}}]]`,
	} {
		d := Default.NewDecoder()
		if _, err := d.Add([]byte(data), false); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if _, err := d.Add([]byte{1}, true); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("%s: placeholder out of range accepted (%v)", data, err)
		}
	}
	d = Default.NewDecoder()
	if _, err := d.Add([]byte(`510-["a"]`), false); err != nil {
		t.Errorf("10 attachments refused: %v", err)
	}
	d = &jsonDecoder{max: 10}
	if _, err := d.Add([]byte(`511-["a"]`), false); err == nil || !strings.Contains(err.Error(), "too many attachments") {
		t.Errorf("11 attachments: %v", err)
	}
	d = (&JSON{MaxAttachments: 20}).NewDecoder()
	if _, err := d.Add([]byte(`511-["a"]`), false); err != nil {
		t.Errorf("MaxAttachments 20 refused 11: %v", err)
	}
	d = Default.NewDecoder()
	d.Add([]byte(`51-["a",{"_placeholder":true,"num":0}]`), false)
	d.Reset()
	if p, err := d.Add([]byte(`2["b"]`), false); err != nil || p == nil {
		t.Errorf("after Reset: %v %v", p, err)
	}
}

func TestArgs(t *testing.T) {
	a := NewArgs([]byte(` ["message", 1 , "2", {"3":[true]}, null, {"_placeholder":true,"num":0}, {"f":{"_placeholder":true,"num":1}}] `), [][]byte{{1, 2, 3}, {4}})
	if a.Len() != 7 {
		t.Fatalf("Len = %d", a.Len())
	}
	var name string
	var n int
	var s string
	var obj map[string][]bool
	if err := a.Bind(&name, &n, &s, &obj); err != nil {
		t.Fatal(err)
	}
	if name != "message" || n != 1 || s != "2" || !reflect.DeepEqual(obj, map[string][]bool{"3": {true}}) {
		t.Fatalf("Bind = %q %d %q %v", name, n, s, obj)
	}
	var b []byte
	if err := a.Decode(5, &b); err != nil || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Fatalf("binary arg = %v, %v", b, err)
	}
	var anyv any
	if err := a.Decode(5, &anyv); err != nil || !bytes.Equal(anyv.([]byte), []byte{1, 2, 3}) {
		t.Fatalf("binary arg into any = %#v, %v", anyv, err)
	}
	var nested struct{ F []byte }
	if err := a.Decode(6, &nested); err != nil || !bytes.Equal(nested.F, []byte{4}) {
		t.Fatalf("nested binary = %#v, %v", nested, err)
	}
	var nestedAny map[string]any
	if err := a.Decode(6, &nestedAny); err != nil {
		t.Fatal(err)
	}
	if err := a.Decode(1, &s); !errors.Is(err, ErrArgType) {
		t.Fatalf("number into string: %v", err)
	}
	vals, err := a.Values()
	if err != nil {
		t.Fatal(err)
	}
	if vals[1] != 1.0 || vals[4] != nil || !bytes.Equal(vals[5].([]byte), []byte{1, 2, 3}) {
		t.Fatalf("Values = %#v", vals)
	}
	var missing = "unchanged"
	if err := a.Decode(9, &missing); !errors.Is(err, ErrMissingArg) || missing != "unchanged" {
		t.Fatalf("missing arg: %q %v", missing, err)
	}
	if got := a.Slice(5).Len(); got != 2 {
		t.Fatalf("Slice(5).Len = %d", got)
	}
	if a.Raw(1) == nil || string(a.Raw(1)) != "1" || a.Raw(7) != nil {
		t.Fatalf("Raw = %q", a.Raw(1))
	}
	if got := NewArgs([]byte(`[]`), nil).Len(); got != 0 {
		t.Fatalf("empty Len = %d", got)
	}
}

type withBytes struct {
	Name    string `json:"name"`
	Payload []byte `json:"payload"`
	Skip    []byte `json:"-"`
	Empty   []byte `json:"empty,omitempty"`
	Inner   *struct {
		Blob []byte
	} `json:"inner,omitempty"`
	Embedded
}

type Embedded struct {
	Extra []byte `json:"extra"`
}

type plain struct {
	A int    `json:"a"`
	B string `json:"b"`
}

func TestAppendArray(t *testing.T) {
	var att [][]byte
	got, err := AppendArray(nil, &att,
		"hello", "quote\" \\ \n\t\x01 € <>&", 1, int64(-2), 3.5, true, nil, []byte{9, 9},
		map[string]any{"b": []byte{1}, "a": []any{"x", []byte{2}}},
		plain{A: 1, B: "b"},
		withBytes{Name: "n", Payload: []byte{3}, Skip: []byte{7}, Embedded: Embedded{Extra: []byte{4}}},
		json.RawMessage(`{"raw":true}`), []string{"s"},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := `["hello","quote\" \\ \n\t\u0001 € <>&",1,-2,3.5,true,null,{"_placeholder":true,"num":0},` +
		`{"a":["x",{"_placeholder":true,"num":1}],"b":{"_placeholder":true,"num":2}},` +
		`{"a":1,"b":"b"},` +
		`{"extra":{"_placeholder":true,"num":3},"name":"n","payload":{"_placeholder":true,"num":4}},` +
		`{"raw":true},["s"]]`
	if string(got) != want {
		t.Fatalf("AppendArray =\n%s\nwant\n%s", got, want)
	}
	wantAtt := [][]byte{{9, 9}, {2}, {1}, {4}, {3}} // map keys in sorted order
	if !reflect.DeepEqual(att, wantAtt) {
		t.Fatalf("attachments = %v, want %v", att, wantAtt)
	}
	if !json.Valid(got) {
		t.Fatal("not valid JSON")
	}
	// What the encoder writes, the decoder reads back.
	args := NewArgs(got, att)
	var back withBytes
	if err := args.Decode(10, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name != "n" || !bytes.Equal(back.Payload, []byte{3}) || !bytes.Equal(back.Extra, []byte{4}) || back.Skip != nil {
		t.Fatalf("decoded back %+v", back)
	}
	if _, err := AppendValue(nil, &att, func() {}); err == nil {
		t.Fatal("a func encoded without error")
	}
}

func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "ü€😀", "\x00\x1f\x7f", "bad \xff utf8", "\u2028\u2029"} {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want {
			t.Errorf("%q round-tripped to %q", s, back)
		}
	}
}

func TestSplitArray(t *testing.T) {
	for in, want := range map[string][]string{
		`[]`:                         {},
		` [ ] `:                      {},
		`[1]`:                        {"1"},
		`["a,]",{"b":[1,2]},null]`:   {`"a,]"`, `{"b":[1,2]}`, "null"},
		`[ "x\"y" , [[]] , -1.5e3 ]`: {`"x\"y"`, `[[]]`, `-1.5e3`},
	} {
		got := SplitArray([]byte(in))
		if len(got) != len(want) {
			t.Errorf("SplitArray(%s) = %q, want %q", in, got, want)
			continue
		}
		for i := range want {
			if string(got[i]) != want[i] {
				t.Errorf("SplitArray(%s)[%d] = %q, want %q", in, i, got[i], want[i])
			}
		}
	}
}

func TestTypeString(t *testing.T) {
	if BinaryAck.String() != "BINARY_ACK" || Type(9).String() != "Type(9)" {
		t.Fatal("type names")
	}
}

func TestValidJSONDepth(t *testing.T) {
	for _, n := range []int{maxDepth, maxDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			close := map[string]string{"[": "]", `{"a":`: "}"}[open]
			data := []byte(strings.Repeat(open, n) + "1" + strings.Repeat(close, n))
			if got, want := validJSON(data), json.Valid(data); got != want {
				t.Errorf("%d levels of %s: validJSON = %v, json.Valid = %v", n, open, got, want)
			}
		}
	}
}

// Element and JoinArgs keep each argument as it came, absent ones
// absent, and carry binary attachments over, renumbered.
func TestJoinArgs(t *testing.T) {
	a := NewArgs([]byte(`[{"x":{"_placeholder":true,"num":0}},2]`), [][]byte{{0xa}})
	b := NewArgs([]byte(`[]`), nil)
	c := NewArgs([]byte(`[123456789012345678901234567890,{"_placeholder":true,"num":0}]`), [][]byte{{0xc}})
	d := NewArgs([]byte(`[{"_placeholder":true,"num":0}]`), [][]byte{{0xd}})
	j := JoinArgs(a.Element(0), b.Element(0), c.Element(0), d.Element(0))
	if j.Len() != 4 {
		t.Fatalf("Len = %d", j.Len())
	}
	if j.Raw(1) != nil {
		t.Fatalf("absent argument: Raw = %q", j.Raw(1))
	}
	var v any = "unchanged"
	if err := j.Decode(1, &v); !errors.Is(err, ErrMissingArg) || v != "unchanged" {
		t.Fatalf("absent argument: Decode = %v, %v", v, err)
	}
	var att [][]byte
	got, err := j.AppendElements(nil, &att)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"x":{"_placeholder":true,"num":0}},null,123456789012345678901234567890,{"_placeholder":true,"num":2}`
	if string(got) != want {
		t.Fatalf("elements %s\nwant     %s", got, want)
	}
	if len(att) != 3 || att[0][0] != 0xa || att[2][0] != 0xd {
		t.Fatalf("attachments %x", att)
	}
	vals, err := j.Values()
	if err != nil || vals[1] != nil || !bytes.Equal(vals[3].([]byte), []byte{0xd}) {
		t.Fatalf("Values = %#v, %v", vals, err)
	}
	if m, _ := j.MarshalJSON(); !strings.Contains(string(m), ",null,") {
		t.Fatalf("MarshalJSON = %s", m)
	}
}
