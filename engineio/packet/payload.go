package packet

import "bytes"

// AppendPayload appends packets as one long-polling payload: each packet in
// text form, joined with Separator.
func AppendPayload(dst []byte, packets []Packet) []byte {
	for i, p := range packets {
		if i > 0 {
			dst = append(dst, Separator)
		}
		dst = AppendText(dst, p)
	}
	return dst
}

// PayloadLen returns len(AppendPayload(nil, packets)) without encoding.
func PayloadLen(packets []Packet) int {
	n := 0
	for i, p := range packets {
		if i > 0 {
			n++
		}
		n += TextLen(p)
	}
	return n
}

// DecodePayload decodes a long-polling payload and calls fn for each packet
// in order. It stops at the first packet that does not decode, after the
// packets before it were handed to fn, and returns that error (as the
// reference decoder does), or at the first error fn returns.
//
// Text packets handed to fn alias payload.
func DecodePayload(payload []byte, fn func(Packet) error) error {
	for {
		i := bytes.IndexByte(payload, Separator)
		part := payload
		if i >= 0 {
			part = payload[:i]
		}
		p, err := DecodeText(part)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if i < 0 {
			return nil
		}
		payload = payload[i+1:]
	}
}
