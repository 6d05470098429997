package engineio

import (
	"bytes"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// A payloadCodec is how long-polling bodies carry packets. Engine.IO v4
// separates text packets with a record separator; v3's length prefixes,
// its binary payloads and JSONP's script wrapping would be other codecs of
// the same polling transport.
type payloadCodec interface {
	// accepts reports whether a POST body of this Content-Type can be
	// decoded.
	accepts(contentType string) bool
	// next decodes the first packet of a POST body and returns the rest
	// of it, nil after the last packet. (An iterator rather than a
	// callback: a function handed to an interface's method escapes, and
	// with it what it captures, three allocations per POST.)
	next(body []byte) (p packet.Packet, rest []byte, err error)
	// contentType is the Content-Type of a poll's response.
	contentType() string
	// appendPayload appends pkts, encoded as one poll's response body.
	appendPayload(dst []byte, pkts []outPacket) []byte
}

// payloadV4 is Engine.IO v4's payload: text packets, binary as base64,
// separated by '\x1e'.
type payloadV4 struct{}

func (payloadV4) accepts(contentType string) bool {
	// Binary payloads are an Engine.IO v3 thing.
	return contentType != "application/octet-stream"
}

func (payloadV4) next(body []byte) (packet.Packet, []byte, error) {
	part, rest := body, []byte(nil)
	if i := bytes.IndexByte(body, packet.Separator); i >= 0 {
		part, rest = body[:i], body[i+1:]
	}
	p, err := packet.DecodeText(part)
	return p, rest, err
}

func (payloadV4) contentType() string { return "text/plain; charset=UTF-8" }

func (payloadV4) appendPayload(dst []byte, pkts []outPacket) []byte {
	for i, p := range pkts {
		if i > 0 {
			dst = append(dst, packet.Separator)
		}
		dst = packet.AppendText(dst, p.Packet)
	}
	return dst
}
