package packet

// Engine.IO protocol revision 3 (EIO=3), spoken by socket.io 1.x and 2.x
// clients (engine.io-client 3.x):
//
//   - A text packet is the same as in v4: "4hello". A binary packet carries
//     its type too: 'b', the type digit, then base64 ("b4AQIDBA==").
//   - A binary WebSocket frame is the type byte followed by the data.
//   - A text long-polling payload prefixes each packet with its length and
//     a colon, the length counted in UTF-16 code units, as JavaScript's
//     String length counts: "6:4hello2:4€".
//   - An XHR2 client may instead receive and send a binary payload: per
//     packet a 0 (string) or 1 (binary) byte, the decimal digits of the
//     packet's length as byte values, 0xFF, then the packet.
//
// The reference is engine.io's lib/parser-v3. Where it silently drops or
// mangles something malformed, the decoders here return an error wrapping
// ErrInvalidPacket instead (a parse error, which closes the session); each
// function says where.
//
// Counting characters needs a decision the reference never faces, because
// it only sees bytes after Node has decoded them into a JavaScript string:
// bytes that are not valid UTF-8. Everything here counts them as Node and
// browsers decode them (the WHATWG UTF-8 decoder, see DecodeRune): each
// maximal invalid subsequence is one U+FFFD, one code unit. A length this
// package writes is therefore the length the peer's decoder sees.

import (
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// AppendTextV3 appends p in its Engine.IO v3 text form: the type digit and
// the data, or, for a binary packet, 'b', the type digit and the data in
// standard base64. This is the form of a packet in a text long-polling
// payload and of a text WebSocket frame.
func AppendTextV3(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, 'b', '0'+byte(p.Type))
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, '0'+byte(p.Type))
	return append(dst, p.Data...)
}

// DecodeTextV3 decodes one packet in v3 text form. A text packet's Data
// aliases b; binary data is newly allocated.
//
// Unlike the reference, which hands on a base64 packet of an unknown type
// ("b9...") with an undefined type and decodes base64 leniently, it
// rejects both.
func DecodeTextV3(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, invalid("empty packet")
	}
	if b[0] != 'b' {
		return DecodeText(b)
	}
	if len(b) < 2 {
		return Packet{}, invalid("binary packet without a type")
	}
	t := Type(b[1] - '0')
	if b[1] < '0' || !t.Valid() {
		return Packet{}, invalid("unknown packet type %q", b[1])
	}
	data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-2))
	n, err := base64.StdEncoding.Decode(data, b[2:])
	if err != nil {
		return Packet{}, invalid("bad base64 in binary packet: %v", err)
	}
	return Packet{Type: t, Data: data[:n], Binary: true}, nil
}

// AppendFrameV3 appends p as the content of a v3 WebSocket frame. A binary
// packet becomes its type byte followed by its data, to be sent as a
// binary frame; any other packet its text form (AppendTextV3), to be sent
// as a text frame.
func AppendFrameV3(dst []byte, p Packet) []byte {
	if !p.Binary {
		return AppendTextV3(dst, p)
	}
	dst = append(dst, byte(p.Type))
	return append(dst, p.Data...)
}

// DecodeFrameV3 decodes the content of a v3 WebSocket frame: a binary
// frame is a type byte followed by the data (which the packet's Data
// aliases), a text frame a packet in text form (DecodeTextV3).
//
// The reference passes on an empty binary frame, or one whose type byte is
// above 6, as a packet of undefined type that nothing handles, so the frame
// is ignored; here it is an error, which closes the session.
func DecodeFrameV3(b []byte, binary bool) (Packet, error) {
	if !binary {
		return DecodeTextV3(b)
	}
	if len(b) == 0 {
		return Packet{}, invalid("empty binary frame")
	}
	t := Type(b[0])
	if !t.Valid() {
		return Packet{}, invalid("unknown packet type %d in binary frame", b[0])
	}
	return Packet{Type: t, Data: b[1:], Binary: true}, nil
}

// DecodeRune is utf8.DecodeRune as Node.js and browsers decode UTF-8 (the
// WHATWG decoder): a valid sequence decodes to its rune, and an invalid
// sequence to utf8.RuneError whose size is the sequence's maximal subpart,
// the longest prefix of a valid sequence (1 to 3 bytes), where utf8 would
// report each byte on its own. Decoding "\xe2\x82A" yields U+FFFD, 'A' (two
// UTF-16 code units), not U+FFFD, U+FFFD, 'A'. An empty b yields
// (utf8.RuneError, 0).
func DecodeRune(b []byte) (r rune, size int) {
	return jsval.DecodeRune(b)
}

// ascii8 reports whether the first 8 bytes of b are all ASCII.
func ascii8(b []byte) bool {
	return binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0
}

// UTF16Len returns the length JavaScript gives the string b decodes to:
// its count of UTF-16 code units. A rune above U+FFFF counts 2, and an
// invalid sequence counts 1 (see DecodeRune).
func UTF16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		for len(b) >= 8 && ascii8(b) {
			n += 8
			b = b[8:]
		}
		if len(b) == 0 {
			break
		}
		if b[0] < utf8.RuneSelf {
			n++
			b = b[1:]
			continue
		}
		r, size := DecodeRune(b)
		n += utf16Units(r)
		b = b[size:]
	}
	return n
}

func utf16Units(r rune) int {
	if r > 0xffff {
		return 2
	}
	return 1
}

// cutUTF16 returns how many bytes at the start of b decode to exactly n
// UTF-16 code units. It fails when b is too short, or when the n-th unit
// is the first of a surrogate pair: the length cuts a rune in two.
func cutUTF16(b []byte, n int) (int, bool) {
	i := 0
	for n > 0 {
		for n >= 8 && len(b)-i >= 8 && ascii8(b[i:]) {
			i += 8
			n -= 8
		}
		if n == 0 {
			break
		}
		if i == len(b) {
			return 0, false
		}
		if b[i] < utf8.RuneSelf {
			i++
			n--
			continue
		}
		r, size := DecodeRune(b[i:])
		u := utf16Units(r)
		if u > n {
			return 0, false
		}
		n -= u
		i += size
	}
	return i, true
}

// appendUint appends the decimal digits of n.
func appendUint(dst []byte, n int) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = '0' + byte(n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// textLenV3 returns the UTF-16 length of p's text form.
func textLenV3(p Packet) int {
	if p.Binary {
		return 2 + base64.StdEncoding.EncodedLen(len(p.Data))
	}
	return 1 + UTF16Len(p.Data)
}

// AppendPayloadV3 appends packets as one v3 text long-polling payload: each
// packet's text form (AppendTextV3) prefixed by its length in UTF-16 code
// units and a colon. An empty list is "0:", as in the reference.
//
// The length of data that is not valid UTF-8 counts each invalid sequence
// as the one U+FFFD the client's decoder will turn it into (see
// DecodeRune), so the client cuts the payload where the server meant.
func AppendPayloadV3(dst []byte, packets []Packet) []byte {
	if len(packets) == 0 {
		return append(dst, '0', ':')
	}
	for _, p := range packets {
		dst = appendUint(dst, textLenV3(p))
		dst = append(dst, ':')
		dst = AppendTextV3(dst, p)
	}
	return dst
}

// PayloadLenV3 returns len(AppendPayloadV3(nil, packets)) without
// encoding. It reads the text packets' data to count their characters.
func PayloadLenV3(packets []Packet) int {
	if len(packets) == 0 {
		return 2
	}
	n := 0
	for _, p := range packets {
		units := textLenV3(p)
		n += digits(units) + 1
		if p.Binary {
			n += units // base64 is ASCII
		} else {
			n += 1 + len(p.Data)
		}
	}
	return n
}

// parseLength reads the decimal digits at the start of b up to a colon,
// and returns their value and the count of bytes read, colon included. A
// value above len(b) fails, which bounds it without overflow: a length
// counts UTF-16 units, and each takes at least a byte.
func parseLength(b []byte) (n, read int, err error) {
	i := 0
	for ; i < len(b) && b[i] != ':'; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, 0, invalid("bad length prefix %q", c)
		}
		n = n*10 + int(c-'0')
		if n > len(b) {
			return 0, 0, invalid("length prefix larger than the payload")
		}
	}
	if i == 0 {
		return 0, 0, invalid("empty length prefix")
	}
	if i == len(b) {
		return 0, 0, invalid("length prefix without its end")
	}
	return n, i + 1, nil
}

// NextPayloadV3 decodes the first packet of a v3 text long-polling payload
// (a POST body as received, UTF-8) and returns it with the rest of the
// payload, which is nil after the last packet. It is meant for a loop:
//
//	for rest := body; ; {
//		p, rest, err = packet.NextPayloadV3(rest)
//		if err != nil { ... }
//		handle(p)
//		if rest == nil { break }
//	}
//
// A text packet's Data aliases payload.
//
// The reference skips empty packets ("0:"), so NextPayloadV3 steps over
// them too, before and after the packet it returns, and rest is nil as
// soon as nothing but empty packets remains. A payload that holds nothing
// but empty packets, "0:" among them (the reference's encoding of no
// packets), yields a Noop packet, which means nothing from a client, and a
// nil rest: never an empty Packet.
//
// A length prefix is one or more decimal digits (leading zeros allowed)
// and a colon; it counts UTF-16 code units, as UTF16Len does. An empty
// payload, a prefix that is not a number or is longer than what follows,
// a prefix that ends between the two halves of a surrogate pair (inside a
// 4-byte UTF-8 rune), trailing bytes without a colon, and a packet that
// does not decode (DecodeTextV3) are errors. Packets before the error have
// been returned, as the reference hands them on before it fails. Where the
// reference's Number() would also accept " 5", "+5", "5.0", "0x5" or
// "5e0" as a length, only digits are accepted: no client writes those.
//
// It takes time linear in the length of the packet it returns (the UTF-16
// count is never rescanned), and allocates only for a base64 packet's data,
// never more than the input, whatever a length claims.
func NextPayloadV3(payload []byte) (p Packet, rest []byte, err error) {
	if len(payload) == 0 {
		return Packet{}, nil, invalid("empty payload")
	}
	for {
		var msg []byte
		if msg, rest, err = nextTextV3(payload); err != nil {
			return Packet{}, nil, err
		}
		if msg != nil {
			if p, err = DecodeTextV3(msg); err != nil {
				return Packet{}, nil, err
			}
			return p, skipEmptyV3(rest), nil
		}
		if rest == nil {
			return Packet{Type: Noop}, nil, nil
		}
		payload = rest
	}
}

// nextTextV3 splits the first length-prefixed packet off payload, which is
// not empty. msg is nil for an empty packet; rest is nil at the end.
func nextTextV3(payload []byte) (msg, rest []byte, err error) {
	n, i, err := parseLength(payload)
	if err != nil {
		return nil, nil, err
	}
	size, ok := cutUTF16(payload[i:], n)
	if !ok {
		return nil, nil, invalid("length prefix %d does not match the packet", n)
	}
	if n > 0 {
		msg = payload[i : i+size]
	}
	if rest = payload[i+size:]; len(rest) == 0 {
		rest = nil
	}
	return msg, rest, nil
}

// skipEmptyV3 steps over empty packets at the start of rest, up to the
// first non-empty or malformed one, which the next call reads.
func skipEmptyV3(rest []byte) []byte {
	for len(rest) > 0 {
		n, i, err := parseLength(rest)
		if err != nil || n != 0 {
			return rest
		}
		rest = rest[i:]
	}
	return nil
}

// AppendBinaryPayloadV3 appends packets as one v3 binary long-polling
// payload, which the reference sends to a client that supports binary
// (no b64 query parameter) when a packet is binary. Each packet is a 0
// (string) or 1 (binary) byte, the decimal digits of its length as byte
// values (17 is 0x01 0x07), 0xFF, then the packet: for a string packet its
// text form (AppendTextV3) in UTF-8, the length in bytes; for a binary
// packet its type byte and data. An empty list appends nothing.
//
// Data that is not valid UTF-8 in a string packet is written with each
// invalid sequence replaced by U+FFFD (see DecodeRune): the reference
// client's strict UTF-8 decoder would reject the whole payload otherwise,
// and it is what a text payload's reader would see.
func AppendBinaryPayloadV3(dst []byte, packets []Packet) []byte {
	for _, p := range packets {
		if p.Binary {
			dst = append(dst, 1)
			dst = appendDigitBytes(dst, 1+len(p.Data))
			dst = append(dst, 0xff, byte(p.Type))
			dst = append(dst, p.Data...)
			continue
		}
		dst = append(dst, 0)
		if utf8.Valid(p.Data) {
			dst = appendDigitBytes(dst, 1+len(p.Data))
			dst = append(dst, 0xff, '0'+byte(p.Type))
			dst = append(dst, p.Data...)
			continue
		}
		dst = appendDigitBytes(dst, 1+jsval.ValidLen(p.Data))
		dst = append(dst, 0xff, '0'+byte(p.Type))
		dst = jsval.AppendValid(dst, p.Data)
	}
	return dst
}

// appendDigitBytes appends the decimal digits of n as the byte values 0
// to 9.
func appendDigitBytes(dst []byte, n int) []byte {
	start := len(dst)
	dst = appendUint(dst, n)
	for i := start; i < len(dst); i++ {
		dst[i] -= '0'
	}
	return dst
}

// NextBinaryPayloadV3 decodes the first packet of a v3 binary long-polling
// payload (the body of a POST with Content-Type application/octet-stream)
// and returns it with the rest of the payload, nil after the last packet,
// like NextPayloadV3. A binary packet's Data aliases payload; so does a
// string packet's, unless it is base64.
//
// An empty payload holds no packet (the reference accepts it): it yields a
// Noop packet and a nil rest.
//
// The reference reads whatever is there: any non-zero first byte means
// binary, a length byte above 9 adds several digits, a missing 0xFF is
// noticed only after 310 digits, and a length longer than the payload
// takes what is left. Here the first byte is 0 or 1, each length byte 0
// to 9, the length no larger than the rest of the payload, and a string
// packet valid UTF-8 (where the reference's decoder would let an encoded
// surrogate through as U+FFFD); anything else is an error, as are an empty
// packet and one that does not decode (DecodeTextV3; for a binary packet
// its type byte must be 0 to 6).
func NextBinaryPayloadV3(payload []byte) (Packet, []byte, error) {
	if len(payload) == 0 {
		return Packet{Type: Noop}, nil, nil
	}
	kind := payload[0]
	if kind > 1 {
		return Packet{}, nil, invalid("bad packet kind %d in binary payload", kind)
	}
	b := payload[1:]
	n := 0
	i := 0
	for ; i < len(b) && b[i] != 0xff; i++ {
		if b[i] > 9 {
			return Packet{}, nil, invalid("bad length digit %d in binary payload", b[i])
		}
		n = n*10 + int(b[i])
		if n > len(b) {
			return Packet{}, nil, invalid("length prefix larger than the payload")
		}
	}
	if i == 0 {
		return Packet{}, nil, invalid("empty length prefix in binary payload")
	}
	if i == len(b) {
		return Packet{}, nil, invalid("length prefix without its end in binary payload")
	}
	b = b[i+1:]
	if n > len(b) {
		return Packet{}, nil, invalid("length prefix %d larger than the payload", n)
	}
	msg, rest := b[:n], b[n:]
	if len(rest) == 0 {
		rest = nil
	}
	var p Packet
	var err error
	if kind == 1 {
		p, err = DecodeFrameV3(msg, true)
	} else if !utf8.Valid(msg) {
		err = invalid("string packet is not valid UTF-8")
	} else {
		p, err = DecodeTextV3(msg)
	}
	if err != nil {
		return Packet{}, nil, err
	}
	return p, rest, nil
}
