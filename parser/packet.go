package parser

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Type is a Socket.IO packet type.
type Type byte

// The packet types of Socket.IO v5, numbered as on the wire.
const (
	Connect      Type = 0
	Disconnect   Type = 1
	Event        Type = 2
	Ack          Type = 3
	ConnectError Type = 4
	BinaryEvent  Type = 5
	BinaryAck    Type = 6
)

var typeNames = [...]string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Packet is one Socket.IO packet.
//
// Data is the payload as JSON text, nil when the packet has none. Binary
// attachments are not in Data: each is replaced there by a placeholder
// {"_placeholder":true,"num":N} and carried in Attachments[N]. A decoded
// packet's Type is Event or Ack even when it arrived as BinaryEvent or
// BinaryAck; Attachments tells. The encoder picks the binary type when
// Attachments is not empty.
type Packet struct {
	Type      Type
	Namespace string // "/" for the main namespace; "" is taken as "/"
	// ID is the acknowledgement id, meaningful when HasID is set.
	ID          uint64
	HasID       bool
	Data        []byte
	Attachments [][]byte
}

// Frame is one Engine.IO message: text, or binary.
type Frame struct {
	Data   []byte
	Binary bool
}

// A Parser encodes packets into Engine.IO messages and makes decoders for
// the messages of one connection. Implementations are safe for concurrent
// use and keep no per-connection state; a Decoder does.
type Parser interface {
	// Encode returns the messages that carry p, in order.
	Encode(p *Packet) ([]Frame, error)
	// NewDecoder returns a decoder for one connection's messages.
	NewDecoder() Decoder
}

// An Appender is a Parser that encodes a packet into a buffer it is
// given. A socket's emits and acknowledgements go through it when the
// server's parser has it: the arguments are encoded into a reused buffer
// and the message into one of its own, with no slice of frames per
// packet. A Parser without it is called through Encode. Both parsers of
// this module have it.
type Appender interface {
	Parser
	// AppendEncode appends the first message of p's encoding to dst and
	// returns it. more reports whether p's attachments follow it as
	// binary messages of their own, one each, as Encode would return
	// them; false means that the message carries them, or that there
	// are none.
	// p is passed by value: a pointer given to an interface's method
	// escapes, and the packet with it, an allocation per emit.
	AppendEncode(dst []byte, p Packet) (first Frame, more bool, err error)
}

// A Decoder decodes the messages of one connection in order. It is not safe
// for concurrent use.
type Decoder interface {
	// Add feeds one message. It returns the packet the message completes,
	// or nil while a packet still waits for binary attachments. Any error
	// means the connection must be closed.
	Add(data []byte, binary bool) (*Packet, error)
	// Reset drops a packet waiting for attachments.
	Reset()
}

// ErrInvalidPacket is wrapped by every decoding error.
var ErrInvalidPacket = errors.New("socketio: invalid packet")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidPacket}, args...)...)
}

// ReservedEvents are event names an EVENT may not carry: the decoder
// refuses them, as the reference does, and emitting them is an error.
var ReservedEvents = []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// IsReserved reports whether name is one of ReservedEvents.
func IsReserved(name string) bool {
	switch name {
	case "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener":
		return true
	}
	return false
}

// EventName returns the event name that raw, the first element of an
// EVENT's data, carries: a JSON string decoded, or a number as written.
func EventName(raw []byte) string {
	if s, ok := plainString(raw); ok {
		return string(s)
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}
