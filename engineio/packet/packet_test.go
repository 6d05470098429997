package packet

import (
	"bytes"
	"errors"
	"testing"
)

func TestAppendText(t *testing.T) {
	tests := []struct {
		name string
		p    Packet
		want string
	}{
		{"open", Packet{Type: Open, Data: []byte(`{"sid":"x"}`)}, `0{"sid":"x"}`},
		{"close", Packet{Type: Close}, "1"},
		{"ping probe", Packet{Type: Ping, Data: []byte("probe")}, "2probe"},
		{"pong", Packet{Type: Pong}, "3"},
		{"message", Packet{Type: Message, Data: []byte("hello")}, "4hello"},
		{"utf8 message", Packet{Type: Message, Data: []byte("€")}, "4€"},
		{"upgrade", Packet{Type: Upgrade}, "5"},
		{"noop", Packet{Type: Noop}, "6"},
		{"binary", Packet{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true}, "bAQIDBA=="},
		{"empty binary", Packet{Type: Message, Binary: true}, "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendText(nil, tt.p)
			if string(got) != tt.want {
				t.Fatalf("AppendText = %q, want %q", got, tt.want)
			}
			if n := TextLen(tt.p); n != len(got) {
				t.Fatalf("TextLen = %d, want %d", n, len(got))
			}
			back, err := DecodeText(got)
			if err != nil {
				t.Fatalf("DecodeText(%q): %v", got, err)
			}
			if back.Type != tt.p.Type || back.Binary != tt.p.Binary || !bytes.Equal(back.Data, tt.p.Data) {
				t.Fatalf("round trip = %+v, want %+v", back, tt.p)
			}
		})
	}
}

func TestDecodeTextErrors(t *testing.T) {
	for _, in := range []string{"", "7", "9hello", "a", "abc", "/", "\x00", "b!!!", "bAQ"} {
		_, err := DecodeText([]byte(in))
		if !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("DecodeText(%q) error = %v, want ErrInvalidPacket", in, err)
		}
	}
}

func TestDecodeFrame(t *testing.T) {
	p, err := DecodeFrame([]byte{1, 2, 3}, true)
	if err != nil || p.Type != Message || !p.Binary || !bytes.Equal(p.Data, []byte{1, 2, 3}) {
		t.Fatalf("binary frame = %+v, %v", p, err)
	}
	p, err = DecodeFrame([]byte("3probe"), false)
	if err != nil || p.Type != Pong || string(p.Data) != "probe" {
		t.Fatalf("text frame = %+v, %v", p, err)
	}
	if _, err := DecodeFrame([]byte("x"), false); !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("bad text frame error = %v", err)
	}
}

func TestTypeString(t *testing.T) {
	if Message.String() != "message" || Noop.String() != "noop" || Type(9).String() != "Type(9)" {
		t.Fatal("unexpected type names")
	}
}

func TestPayload(t *testing.T) {
	packets := []Packet{
		{Type: Message, Data: []byte("hello")},
		{Type: Message, Data: []byte{1, 2, 3, 4}, Binary: true},
		{Type: Ping},
		{Type: Message, Data: []byte("world")},
	}
	enc := AppendPayload(nil, packets)
	if want := "4hello\x1ebAQIDBA==\x1e2\x1e4world"; string(enc) != want {
		t.Fatalf("AppendPayload = %q, want %q", enc, want)
	}
	if PayloadLen(packets) != len(enc) {
		t.Fatalf("PayloadLen = %d, want %d", PayloadLen(packets), len(enc))
	}
	var got []Packet
	if err := DecodePayload(enc, func(p Packet) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(packets) {
		t.Fatalf("decoded %d packets, want %d", len(got), len(packets))
	}
	for i := range packets {
		if got[i].Type != packets[i].Type || got[i].Binary != packets[i].Binary || !bytes.Equal(got[i].Data, packets[i].Data) {
			t.Fatalf("packet %d = %+v, want %+v", i, got[i], packets[i])
		}
	}
}

func TestDecodePayloadStopsAtFirstError(t *testing.T) {
	var got []string
	err := DecodePayload([]byte("4a\x1e4b\x1ex\x1e4c"), func(p Packet) error {
		got = append(got, string(p.Data))
		return nil
	})
	if !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("error = %v, want ErrInvalidPacket", err)
	}
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("packets before the error = %q, want [a b]", got)
	}
	for _, in := range []string{"", "\x1e", "4a\x1e", "\x1e4a"} {
		if err := DecodePayload([]byte(in), func(Packet) error { return nil }); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("DecodePayload(%q) error = %v, want ErrInvalidPacket", in, err)
		}
	}
}

func TestDecodePayloadCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := DecodePayload([]byte("4a\x1e4b"), func(Packet) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("err = %v after %d packets, want stop after 1", err, n)
	}
}
