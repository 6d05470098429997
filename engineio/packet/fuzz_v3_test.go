package packet

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// checkV3 checks what a v3 decoder returned for one input: only valid
// packets, errors that wrap ErrInvalidPacket, and packets that survive
// both encodings: the text payload decodes to the very same packets, the
// binary payload to the same packets with invalid UTF-8 replaced.
func checkV3(t *testing.T, got []Packet, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("unexpected error type: %v", err)
	}
	for i, p := range got {
		if !p.Type.Valid() {
			t.Fatalf("packet %d: invalid type %d", i, p.Type)
		}
	}
	if err != nil {
		return
	}
	// got aliases the input, which the encoders do not touch.
	text := AppendPayloadV3(nil, got)
	if n := PayloadLenV3(got); n != len(text) {
		t.Fatalf("PayloadLenV3 = %d, len(AppendPayloadV3) = %d", n, len(text))
	}
	again, err := decodeAll(text, NextPayloadV3)
	if err != nil {
		t.Fatalf("re-decode %q: %v", text, err)
	}
	if len(again) != len(got) {
		t.Fatalf("re-decoded %q to %d packets, want %d", text, len(again), len(got))
	}
	for i := range got {
		if !samePacket(again[i], got[i]) {
			t.Fatalf("packet %d: %+v != %+v", i, again[i], got[i])
		}
	}
	bin := AppendBinaryPayloadV3(nil, got)
	again, err = decodeAll(bin, NextBinaryPayloadV3)
	if err != nil {
		t.Fatalf("re-decode binary %q: %v", bin, err)
	}
	if len(again) != len(got) {
		t.Fatalf("re-decoded binary %q to %d packets, want %d", bin, len(again), len(got))
	}
	for i := range got {
		if form(again[i]) != form(got[i]) {
			t.Fatalf("binary packet %d: %+v != %+v", i, again[i], got[i])
		}
	}
}

// FuzzPayloadV3 checks that decoding a text payload never panics, and that
// what it accepts re-encodes to a payload that decodes to the same
// packets.
func FuzzPayloadV3(f *testing.F) {
	for _, s := range []string{
		"6:4hello2:4€", "10:b4AQIDBA==", "0:", "0:0:", "5:4abcd0:x", "3:4😀", "2:4😀", "4:4€",
		"99999999999999999999:4", "1:21:3", "2:b4", "3:4\xe2\x82A", "6:4\xf0\x9f\x98\xe2\x82", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// The units a length counts and the bytes they take agree.
		if n, ok := cutUTF16(in, UTF16Len(in)); !ok || n != len(in) {
			t.Fatalf("cutUTF16(%q, UTF16Len) = %d, %v; want %d", in, n, ok, len(in))
		}
		got, err := decodeAll(in, NextPayloadV3)
		checkV3(t, got, err)
	})
}

// FuzzBinaryPayloadV3 is FuzzPayloadV3 for binary payloads.
func FuzzBinaryPayloadV3(f *testing.F) {
	for _, s := range []string{
		"\x00\x06\xff4hello\x01\x05\xff\x04\x01\x02\x03\x04", "", "\x00\x01\xff3", "\x01\x01\xff\x06",
		"\x00\x06\xffb4AQID", "\x00\x04\xff4€", "\x00\x06\xff4hell", "\x02\x01\xff\x04", "\x00\x0a\xff4",
		"\x01\x00\xff", "\x00\x02\xff4\xff", "\x00\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\xff4",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := decodeAll(in, NextBinaryPayloadV3)
		for i, p := range got {
			if !p.Binary && !p.Type.Valid() {
				t.Fatalf("packet %d: invalid type", i)
			}
			if !p.Binary && !bytes.Equal(p.Data, jsval.AppendValid(nil, p.Data)) {
				t.Fatalf("packet %d: invalid UTF-8 %q", i, p.Data)
			}
		}
		checkV3(t, got, err)
	})
}
