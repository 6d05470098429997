package msgpack

import (
	"github.com/ab218a8d/socketio/parser"
)

// DefaultMaxDepth is how deeply arrays and maps may nest in a packet's
// data by default. Node.js itself stops near 4000 (notepack.io recurses
// until the stack overflows), so what a JavaScript peer sends and takes
// fits; the bound keeps a hostile message from costing more than it
// weighs.
const DefaultMaxDepth = 1000

// Parser is the msgpack parser, wire-compatible with socket.io-msgpack-parser
// 3.0.2: each packet is one binary message. It is safe for concurrent use;
// the zero value is ready to use.
type Parser struct {
	// MaxDepth bounds how deeply arrays and maps nest in a packet's data
	// (the data's own array or map is at depth 1), in what Encode writes
	// and what a Decoder accepts. Past 10000 nothing is gained: the
	// arguments of an event decode with encoding/json, which stops
	// there. Default DefaultMaxDepth.
	MaxDepth int
}

var _ parser.Parser = (*Parser)(nil)

func (p *Parser) maxDepth() int {
	if p == nil || p.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return p.MaxDepth
}

// Encode returns the one binary message that carries pk, attachments
// included.
func (p *Parser) Encode(pk *parser.Packet) ([]parser.Frame, error) {
	size := len(pk.Data) + len(pk.Namespace) + 32
	for _, a := range pk.Attachments {
		size += len(a)
	}
	f, _, err := p.AppendEncode(make([]byte, 0, size), *pk)
	if err != nil {
		return nil, err
	}
	return []parser.Frame{f}, nil
}

// Key strings as notepack.io writes them: a fixstr header, then the name.
const (
	keyType = "\xa4type"
	keyData = "\xa4data"
	keyID   = "\xa2id"
	keyNsp  = "\xa3nsp"
)

// AppendEncode appends the message that carries pk to dst and returns it,
// dst included, as a binary Frame. more is always false: the attachments
// are inside the message, and no other message follows it. (It is the
// method of the parser.Appender interface: pk comes by value, so that a
// caller's packet does not escape through the interface.)
//
// The message is the msgpack map socket.io 4.8 writes: type, data, id
// and nsp, in the order of the reference server (see the package doc).
// Data, JSON text, is written as msgpack as it is read, each placeholder
// replaced by its attachment as a bin. A packet the reference decoder
// would refuse is an error wrapping parser.ErrInvalidPacket: a type past
// BinaryAck (BinaryEvent and BinaryAck are sent as Event and Ack, their
// attachments inside), data that is not JSON, nested deeper than
// MaxDepth, or of the wrong shape for the type (an array for an EVENT or
// an ACK, an object or nothing for a CONNECT, ...), or a placeholder
// without its attachment.
func (p *Parser) AppendEncode(dst []byte, pk parser.Packet) (first parser.Frame, more bool, err error) {
	t := pk.Type
	switch t {
	case parser.BinaryEvent:
		t = parser.Event
	case parser.BinaryAck:
		t = parser.Ack
	}
	if t > parser.ConnectError {
		return parser.Frame{}, false, invalid("unknown packet type %d", t)
	}
	if !dataShapeValid(t, pk.Data) {
		return parser.Frame{}, false, invalid("invalid payload for %s", t)
	}
	n := byte(2) // type and nsp
	if pk.Data != nil {
		n++
	}
	if pk.HasID {
		n++
	}
	dst = append(dst, 0x80|n)
	if pk.HasID && t == parser.Ack {
		dst = appendUint(append(dst, keyID...), pk.ID)
	}
	dst = append(dst, keyType...)
	dst = append(dst, byte(t))
	if pk.Data != nil {
		e := encoder{src: pk.Data, out: append(dst, keyData...), att: pk.Attachments, maxDepth: p.maxDepth()}
		if err := e.data(); err != nil {
			return parser.Frame{}, false, err
		}
		dst = e.out
	}
	if pk.HasID && t != parser.Ack {
		dst = appendUint(append(dst, keyID...), pk.ID)
	}
	nsp := pk.Namespace
	if nsp == "" {
		nsp = "/"
	}
	dst = appendStr(append(dst, keyNsp...), nsp)
	return parser.Frame{Data: dst, Binary: true}, false, nil
}

// NewDecoder returns a decoder for one connection. It keeps no state
// between messages: each message is a whole packet.
func (p *Parser) NewDecoder() parser.Decoder {
	return decoderFor{maxDepth: p.maxDepth()}
}

// Decode decodes one message, as a Decoder's Add does with a binary
// message.
//
// Data is the JSON text JSON.stringify would write for the data
// JavaScript decodes, each bin (or ArrayBuffer extension) taken out as an
// attachment and written as a placeholder, so that arguments decode as
// they do from the default parser. The attachments alias msg. The checks
// are those of the reference decoder and of the default parser; see the
// package doc. Every error wraps parser.ErrInvalidPacket.
func (p *Parser) Decode(msg []byte) (*parser.Packet, error) {
	return decode(msg, p.maxDepth())
}

// decoderFor is the Decoder of a Parser.
type decoderFor struct{ maxDepth int }

var errText = invalid("text message (every packet is one binary message)")

func (d decoderFor) Add(data []byte, binary bool) (*parser.Packet, error) {
	if !binary {
		return nil, errText
	}
	return decode(data, d.maxDepth)
}

func (decoderFor) Reset() {}
