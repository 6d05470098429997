package engineio

import (
	"bytes"
	"net/http"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// A payloadCodec is how long-polling bodies carry packets: Engine.IO v4
// separates text packets with a record separator; v3 prefixes each with
// its length and has binary payloads of its own; JSONP wraps either in a
// script and a form. A session's codec is chosen by its handshake and
// never changes.
type payloadCodec interface {
	// accepts reports whether a POST body of this Content-Type can be
	// decoded.
	accepts(contentType string) bool
	// unwrap returns the payload a POST body carries.
	unwrap(body []byte) ([]byte, error)
	// next decodes the first packet of a payload and returns the rest of
	// it, nil after the last packet; binary tells a binary payload (a
	// body of Content-Type application/octet-stream). (An iterator rather
	// than a callback: a function handed to an interface's method
	// escapes, and with it what it captures, three allocations per POST.)
	next(payload []byte, binary bool) (p packet.Packet, rest []byte, err error)
	// appendPayload appends pkts, encoded as one poll's response body,
	// and returns it with its Content-Type.
	appendPayload(dst []byte, pkts []outPacket) ([]byte, string)
}

const (
	contentText   = "text/plain; charset=UTF-8"
	contentBinary = "application/octet-stream"
	// contentScript is JSONP's. The reference sends text/plain, which a
	// browser refuses to run as a script once anything on the way adds
	// X-Content-Type-Options: nosniff.
	contentScript = "text/javascript; charset=UTF-8"
)

// newPayloadCodec returns the codec the handshake r asks for.
func newPayloadCodec(r *http.Request, v3 bool) payloadCodec {
	q := r.URL.RawQuery
	var c payloadCodec = payloadV4{}
	if v3 {
		// b64=1: a client that cannot take binary payloads.
		c = payloadV3{base64: queryHas(q, "b64")}
	}
	if j, ok := queryLookup(q, "j"); ok {
		if v3 {
			c = payloadV3{base64: true} // a script carries text only
		}
		return jsonp{inner: c, index: jsonpIndex(j)}
	}
	return c
}

// validJSONPIndex reports whether j, the JSONP callback index a handshake
// asks for, is a number: the reference drops every other character, which
// leaves a client that sent none without a callback to call.
func validJSONPIndex(j string) bool {
	if j == "" || len(j) > 10 {
		return false
	}
	for i := 0; i < len(j); i++ {
		if j[i] < '0' || j[i] > '9' {
			return false
		}
	}
	return true
}

// payloadV4 is Engine.IO v4's payload: text packets, binary as base64,
// separated by '\x1e'.
type payloadV4 struct{}

func (payloadV4) accepts(contentType string) bool {
	// Binary payloads are an Engine.IO v3 thing.
	return contentType != contentBinary
}

func (payloadV4) unwrap(body []byte) ([]byte, error) { return body, nil }

func (payloadV4) next(body []byte, _ bool) (packet.Packet, []byte, error) {
	part, rest := body, []byte(nil)
	if i := bytes.IndexByte(body, packet.Separator); i >= 0 {
		part, rest = body[:i], body[i+1:]
	}
	p, err := packet.DecodeText(part)
	return p, rest, err
}

func (payloadV4) appendPayload(dst []byte, pkts []outPacket) ([]byte, string) {
	for i, p := range pkts {
		if i > 0 {
			dst = append(dst, packet.Separator)
		}
		dst = packet.AppendText(dst, p.Packet)
	}
	return dst, contentText
}

// payloadV3 is Engine.IO v3's payload: each packet prefixed with its
// length; binary packets in base64 when the client asked for it (b64=1),
// otherwise a whole binary payload when any packet is binary.
type payloadV3 struct{ base64 bool }

func (payloadV3) accepts(string) bool { return true }

func (payloadV3) unwrap(body []byte) ([]byte, error) { return body, nil }

func (payloadV3) next(body []byte, binary bool) (packet.Packet, []byte, error) {
	if binary {
		return packet.NextBinaryPayloadV3(body)
	}
	return packet.NextPayloadV3(body)
}

func (c payloadV3) appendPayload(dst []byte, pkts []outPacket) ([]byte, string) {
	ps := make([]packet.Packet, len(pkts))
	binary := false
	for i, p := range pkts {
		ps[i] = p.Packet
		binary = binary || p.Binary
	}
	if binary && !c.base64 {
		return packet.AppendBinaryPayloadV3(dst, ps), contentBinary
	}
	return packet.AppendPayloadV3(dst, ps), contentText
}

// jsonp is JSONP polling (the query parameter j): responses are a script
// that hands the payload to the client's callback number index, and POST
// bodies a form whose field d is the payload.
type jsonp struct {
	inner payloadCodec // always text
	index string
}

func (jsonp) accepts(string) bool { return true }

func (jsonp) unwrap(body []byte) ([]byte, error) { return decodeJSONPBody(body) }

func (c jsonp) next(payload []byte, _ bool) (packet.Packet, []byte, error) {
	return c.inner.next(payload, false)
}

func (c jsonp) appendPayload(dst []byte, pkts []outPacket) ([]byte, string) {
	payload, _ := c.inner.appendPayload(nil, pkts)
	return appendJSONP(dst, c.index, payload), contentScript
}
