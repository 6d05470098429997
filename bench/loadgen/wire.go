package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// The wire protocol, as much of it as the load generator needs: Engine.IO v4
// packets in text form (one per WebSocket frame, or joined with 0x1e in a
// long-polling payload) carrying Socket.IO v5 packets for the namespace "/".
// Everything here works on byte slices the caller owns and allocates nothing
// on the paths taken once per message.

// recordSeparator joins the packets of a long-polling payload.
const recordSeparator = 0x1e

// Packets the generator sends as they are.
var (
	pongPacket    = []byte("3")
	connectPacket = []byte("40")
	closePacket   = []byte("1")
)

// kind is what the generator makes of a received Engine.IO packet.
type kind uint8

const (
	kindIgnored      kind = iota // pong, noop, upgrade, binary, other Socket.IO types
	kindOpen                     // 0{...}: the Engine.IO handshake
	kindClose                    // 1: the server closes the session
	kindPing                     // 2: answer with 3
	kindConnect                  // 40...: the namespace CONNECT reply
	kindDisconnect               // 41: the server disconnects the socket
	kindEvent                    // 42...: an EVENT
	kindAck                      // 43...: an ACK
	kindConnectError             // 44...: CONNECT_ERROR
	kindInvalid                  // empty packet or unknown type
)

// classify tells what a received Engine.IO packet (text form) is.
func classify(p []byte) kind {
	if len(p) == 0 {
		return kindInvalid
	}
	switch p[0] {
	case '0':
		return kindOpen
	case '1':
		return kindClose
	case '2':
		return kindPing
	case '3', '5', '6':
		return kindIgnored
	case '4':
		if len(p) < 2 {
			return kindIgnored // an empty message is not Socket.IO
		}
		switch p[1] {
		case '0':
			return kindConnect
		case '1':
			return kindDisconnect
		case '2':
			return kindEvent
		case '3':
			return kindAck
		case '4':
			return kindConnectError
		}
		return kindIgnored
	case 'b':
		return kindIgnored // a base64 binary message in a polling payload
	}
	return kindInvalid
}

// openInfo is the JSON of the Engine.IO open packet.
type openInfo struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// parseOpen decodes an Engine.IO open packet, "0{...}".
func parseOpen(p []byte) (openInfo, error) {
	var o openInfo
	if len(p) == 0 || p[0] != '0' {
		return o, fmt.Errorf("failed to read the Engine.IO handshake: got %q", abbrev(p))
	}
	if err := json.Unmarshal(p[1:], &o); err != nil {
		return o, fmt.Errorf("failed to parse the Engine.IO handshake %q: %w", abbrev(p), err)
	}
	if o.SID == "" {
		return o, fmt.Errorf("failed to parse the Engine.IO handshake %q: no sid", abbrev(p))
	}
	return o, nil
}

// errConnectRefused is wrapped by the error of a CONNECT_ERROR reply.
var errConnectRefused = errors.New("namespace connect refused")

// parseConnectReply checks the reply to CONNECT "40" for the namespace "/":
// `40{"sid":"..."}` succeeds, `44{...}` fails with the server's message.
func parseConnectReply(p []byte) error {
	switch classify(p) {
	case kindConnect:
		var r struct {
			SID string `json:"sid"`
		}
		if len(p) < 3 || p[2] != '{' {
			return fmt.Errorf("failed to connect to \"/\": reply %q for another namespace or without sid", abbrev(p))
		}
		if err := json.Unmarshal(p[2:], &r); err != nil || r.SID == "" {
			return fmt.Errorf("failed to connect to \"/\": reply %q has no sid", abbrev(p))
		}
		return nil
	case kindConnectError:
		return fmt.Errorf("failed to connect to \"/\": %w: %s", errConnectRefused, abbrev(p[2:]))
	}
	return fmt.Errorf("failed to connect to \"/\": unexpected packet %q", abbrev(p))
}

// The prefixes of the events the servers under test send back.
var (
	echoReplyPrefix = []byte(`42["echo"`)
	broadcastPrefix = []byte(`42["broadcast",`)
)

// isEchoReply reports whether p is the event "echo" for "/".
func isEchoReply(p []byte) bool {
	return bytes.HasPrefix(p, echoReplyPrefix) && len(p) > len(echoReplyPrefix) &&
		(p[len(echoReplyPrefix)] == ',' || p[len(echoReplyPrefix)] == ']')
}

// ackID returns the id of an ACK for "/", `43<id>[...]`.
func ackID(p []byte) (uint64, bool) {
	if len(p) < 3 || p[0] != '4' || p[1] != '3' {
		return 0, false
	}
	return leadingUint(p[2:])
}

// broadcastSeq returns the sequence number of a broadcast this generator
// published, `42["broadcast",<seq>,...]`.
func broadcastSeq(p []byte) (uint64, bool) {
	if !bytes.HasPrefix(p, broadcastPrefix) {
		return 0, false
	}
	return leadingUint(p[len(broadcastPrefix):])
}

// leadingUint parses the decimal digits that start b, which must be
// followed by something (a '[' or a ',').
func leadingUint(b []byte) (uint64, bool) {
	var n uint64
	i := 0
	for ; i < len(b) && i < 19 && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + uint64(b[i]-'0')
	}
	if i == 0 || i == len(b) || (b[i] >= '0' && b[i] <= '9') {
		return 0, false
	}
	return n, true
}

// jsonPayload returns the payload argument of every emit: a JSON string of
// n 'x' characters, quotes included.
func jsonPayload(n int) []byte {
	b := make([]byte, n+2)
	b[0] = '"'
	for i := 1; i <= n; i++ {
		b[i] = 'x'
	}
	b[n+1] = '"'
	return b
}

// appendEcho appends the emit `42["echo",<payload>]`.
func appendEcho(dst, payload []byte) []byte {
	dst = append(dst, `42["echo",`...)
	dst = append(dst, payload...)
	return append(dst, ']')
}

// appendEchoAck appends the emit with ack id `42<id>["echo-ack",<payload>]`.
func appendEchoAck(dst []byte, id uint64, payload []byte) []byte {
	dst = append(dst, "42"...)
	dst = strconv.AppendUint(dst, id, 10)
	dst = append(dst, `["echo-ack",`...)
	dst = append(dst, payload...)
	return append(dst, ']')
}

// appendBroadcast appends the emit `42["broadcast",<seq>,<payload>]`: the
// server sends the same arguments to every socket, so each receiver learns
// which publish it got.
func appendBroadcast(dst []byte, seq uint64, payload []byte) []byte {
	dst = append(dst, broadcastPrefix...)
	dst = strconv.AppendUint(dst, seq, 10)
	dst = append(dst, ',')
	dst = append(dst, payload...)
	return append(dst, ']')
}

// splitPayload calls fn with each packet of a long-polling payload, in
// order, and stops early if fn returns false.
func splitPayload(payload []byte, fn func(p []byte) bool) {
	for len(payload) > 0 {
		i := bytes.IndexByte(payload, recordSeparator)
		if i < 0 {
			fn(payload)
			return
		}
		if !fn(payload[:i]) {
			return
		}
		payload = payload[i+1:]
	}
}

// abbrev shortens a packet for an error message.
func abbrev(p []byte) string {
	const max = 80
	if len(p) > max {
		return string(p[:max]) + "..."
	}
	return string(p)
}
