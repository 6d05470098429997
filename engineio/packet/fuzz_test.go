package packet

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecodeText checks that any input either decodes to a packet that
// encodes back to an equivalent packet, or fails with ErrInvalidPacket.
func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"0{}", "1", "2probe", "3", "4hello", "5", "6", "bAQIDBA==", "b", "", "7", "abc", "b%%"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := DecodeText(in)
		if err != nil {
			if !errors.Is(err, ErrInvalidPacket) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		if !p.Type.Valid() {
			t.Fatalf("decoded invalid type %d", p.Type)
		}
		back, err := DecodeText(AppendText(nil, p))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if back.Type != p.Type || back.Binary != p.Binary || !bytes.Equal(back.Data, p.Data) {
			t.Fatalf("round trip %+v != %+v", back, p)
		}
	})
}

// FuzzDecodePayload checks that decoding never panics, hands over only
// valid packets, and that what it accepts re-encodes to a payload that
// decodes to the same packets.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range []string{"4hello", "4test1\x1e4test2\x1e4test3", "4hello\x1ebAQIDBA==", "3\x1e4x", "1", "\x1e", "4a\x1e", "abc"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var got []Packet
		err := DecodePayload(in, func(p Packet) error {
			if !p.Type.Valid() {
				t.Fatalf("invalid type %d", p.Type)
			}
			got = append(got, Packet{Type: p.Type, Binary: p.Binary, Data: bytes.Clone(p.Data)})
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrInvalidPacket) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		var again []Packet
		if err := DecodePayload(AppendPayload(nil, got), func(p Packet) error { again = append(again, p); return nil }); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if len(again) != len(got) {
			t.Fatalf("re-decoded %d packets, want %d", len(again), len(got))
		}
		for i := range got {
			if again[i].Type != got[i].Type || again[i].Binary != got[i].Binary || !bytes.Equal(again[i].Data, got[i].Data) {
				t.Fatalf("packet %d: %+v != %+v", i, again[i], got[i])
			}
		}
	})
}
