// Package packet encodes and decodes Engine.IO packets and long-polling
// payloads.
//
// It implements revision 4 of the Engine.IO protocol (EIO=4), used by
// socket.io 3.x and 4.x clients:
//
//   - A text packet is one ASCII type digit followed by its data: "4hello",
//     "2", "3probe".
//   - Over WebSocket, a binary frame is a message packet whose data is the
//     frame, with no type byte.
//   - In a long-polling payload, packets are joined with the record separator
//     0x1e, and a binary message is written as 'b' followed by its data in
//     standard base64, with no type digit.
//
// Revision 3 (EIO=3), used by socket.io 1.x and 2.x clients, has its own
// functions, named with V3 (v3.go).
//
// The functions are stateless and safe for concurrent use. Decoders never
// retain the slice they are given unless they say so.
package packet

import (
	"encoding/base64"
	"errors"
	"fmt"
)

// Type is an Engine.IO packet type.
type Type byte

// The packet types of Engine.IO v4, numbered as on the wire.
const (
	Open    Type = 0 // server to client: the handshake
	Close   Type = 1 // either way: close the session
	Ping    Type = 2 // server to client (and "2probe" from a client that upgrades)
	Pong    Type = 3 // client to server (and "3probe" from the server)
	Message Type = 4 // either way: data for the layer above
	Upgrade Type = 5 // client to server: switch to the probed transport
	Noop    Type = 6 // server to client: releases a pending long-poll
)

var typeNames = [...]string{"open", "close", "ping", "pong", "message", "upgrade", "noop"}

// String returns the name the reference implementation uses for the type.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", byte(t))
}

// Valid reports whether t is one of the seven packet types.
func (t Type) Valid() bool { return t <= Noop }

// Separator joins packets in a long-polling payload (ASCII record separator).
const Separator = 0x1e

// Packet is one Engine.IO packet.
//
// Binary is meaningful for Message packets only: the data is raw bytes to be
// sent as a binary WebSocket frame, or base64 in a polling payload. Other
// packet types always carry text.
type Packet struct {
	Type   Type
	Data   []byte
	Binary bool
}

// ErrInvalidPacket is wrapped by every decoding error.
var ErrInvalidPacket = errors.New("engineio: invalid packet")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPacket}, args...)...)
}

// AppendText appends p in its text form: the type digit and the data, or,
// for a binary message, 'b' and the data in base64. This is the form of a
// packet in a long-polling payload, and of a text WebSocket frame.
func AppendText(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, '0'+byte(p.Type))
	return append(dst, p.Data...)
}

// TextLen returns len(AppendText(nil, p)) without encoding.
func TextLen(p Packet) int {
	if p.Binary {
		return 1 + base64.StdEncoding.EncodedLen(len(p.Data))
	}
	return 1 + len(p.Data)
}

// DecodeText decodes one packet in text form. The returned packet's Data
// aliases b for text packets; binary data is newly allocated.
func DecodeText(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, invalid("empty packet")
	}
	if b[0] == 'b' {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return Packet{}, invalid("bad base64 in binary packet: %v", err)
		}
		return Packet{Type: Message, Data: data[:n], Binary: true}, nil
	}
	t := Type(b[0] - '0')
	if b[0] < '0' || !t.Valid() {
		return Packet{}, invalid("unknown packet type %q", b[0])
	}
	p := Packet{Type: t}
	if len(b) > 1 {
		p.Data = b[1:]
	}
	return p, nil
}

// DecodeFrame decodes one WebSocket frame: a binary frame is a message
// packet holding the frame as is, a text frame is a packet in text form.
func DecodeFrame(b []byte, binary bool) (Packet, error) {
	if binary {
		return Packet{Type: Message, Data: b, Binary: true}, nil
	}
	return DecodeText(b)
}
