package parser

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// DefaultMaxAttachments is the most binary attachments one packet may
// announce, as in socket.io-parser 4.2.6 and later.
const DefaultMaxAttachments = 10

// Default is the parser of the reference implementation (socket.io-parser):
// JSON text, with binary attachments sent as separate binary messages.
var Default Parser = &JSON{}

// JSON is the default Socket.IO parser. The zero value is ready to use.
type JSON struct {
	// MaxAttachments bounds the attachments a decoded packet may announce.
	// Default DefaultMaxAttachments.
	MaxAttachments int
}

// Encode returns the text message of p followed by one binary message per
// attachment.
func (j *JSON) Encode(p *Packet) ([]Frame, error) {
	frames := make([]Frame, 1+len(p.Attachments))
	frames[0] = Frame{Data: AppendText(nil, p)}
	for i, a := range p.Attachments {
		frames[i+1] = Frame{Data: a, Binary: true}
	}
	return frames, nil
}

// AppendEncode appends the text message of p to dst; p's attachments
// follow it, one binary message each (Appender).
func (j *JSON) AppendEncode(dst []byte, p Packet) (Frame, bool, error) {
	return Frame{Data: AppendText(dst, &p)}, len(p.Attachments) > 0, nil
}

// AppendText appends the text encoding of p:
// <type>[<attachments>-][<namespace>,][<ack id>][<JSON data>].
func AppendText(dst []byte, p *Packet) []byte {
	t := p.Type
	if len(p.Attachments) > 0 {
		switch t {
		case Event:
			t = BinaryEvent
		case Ack:
			t = BinaryAck
		}
	}
	dst = append(dst, '0'+byte(t))
	if t == BinaryEvent || t == BinaryAck {
		dst = strconv.AppendInt(dst, int64(len(p.Attachments)), 10)
		dst = append(dst, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		dst = append(dst, p.Namespace...)
		dst = append(dst, ',')
	}
	if p.HasID {
		dst = strconv.AppendUint(dst, p.ID, 10)
	}
	return append(dst, p.Data...)
}

// NewDecoder returns a decoder for one connection.
func (j *JSON) NewDecoder() Decoder {
	max := j.MaxAttachments
	if max == 0 {
		max = DefaultMaxAttachments
	}
	return &jsonDecoder{max: max}
}

type jsonDecoder struct {
	max     int
	pending *Packet // waiting for attachments
	need    int
}

func (d *jsonDecoder) Reset() { d.pending, d.need = nil, 0 }

func (d *jsonDecoder) Add(data []byte, binary bool) (*Packet, error) {
	if binary {
		if d.pending == nil {
			return nil, invalid("binary data while no packet awaits attachments")
		}
		d.pending.Attachments = append(d.pending.Attachments, data)
		if len(d.pending.Attachments) < d.need {
			return nil, nil
		}
		p := d.pending
		d.Reset()
		if err := checkPlaceholders(p.Data, len(p.Attachments)); err != nil {
			return nil, err
		}
		return p, nil
	}
	if d.pending != nil {
		return nil, invalid("text data while a packet awaits attachments")
	}
	p, n, err := decodeText(data, d.max)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		p.Attachments = make([][]byte, 0, n)
		d.pending, d.need = p, n
		return nil, nil
	}
	return p, nil
}

// decodeText decodes a packet in text form and returns how many
// attachments it announces.
func decodeText(s []byte, maxAttachments int) (*Packet, int, error) {
	if len(s) == 0 {
		return nil, 0, invalid("empty packet")
	}
	if s[0] < '0' || s[0] > '6' {
		return nil, 0, invalid("unknown packet type %q", s[0])
	}
	p := &Packet{Type: Type(s[0] - '0'), Namespace: "/"}
	i := 1
	attachments := 0
	if p.Type == BinaryEvent || p.Type == BinaryAck {
		dash := bytes.IndexByte(s, '-')
		if dash < 2 {
			return nil, 0, invalid("illegal attachments")
		}
		n, err := strconv.ParseUint(string(s[1:dash]), 10, 32)
		if err != nil {
			return nil, 0, invalid("illegal attachments")
		}
		if n > uint64(maxAttachments) {
			return nil, 0, invalid("too many attachments (%d, at most %d)", n, maxAttachments)
		}
		attachments = int(n)
		i = dash + 1
		if p.Type == BinaryEvent {
			p.Type = Event
		} else {
			p.Type = Ack
		}
	}
	if i < len(s) && s[i] == '/' {
		end := bytes.IndexByte(s[i:], ',')
		if end < 0 {
			p.Namespace = string(s[i:])
			i = len(s)
		} else {
			p.Namespace = string(s[i : i+end])
			i += end + 1
		}
	}
	if i < len(s) && s[i] >= '0' && s[i] <= '9' {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		id, err := strconv.ParseUint(string(s[start:i]), 10, 64)
		if err != nil {
			return nil, 0, invalid("ack id out of range")
		}
		p.ID, p.HasID = id, true
	}
	if i < len(s) {
		p.Data = s[i:]
		if !validJSON(p.Data) {
			return nil, 0, invalid("payload is not JSON")
		}
	}
	if err := checkPayload(p); err != nil {
		return nil, 0, err
	}
	return p, attachments, nil
}

// checkPayload applies the reference's isPayloadValid.
func checkPayload(p *Packet) error {
	c := firstByte(p.Data)
	ok := false
	switch p.Type {
	case Connect:
		ok = p.Data == nil || c == '{'
	case Disconnect:
		ok = p.Data == nil
	case ConnectError:
		ok = c == '{' || c == '"'
	case Event:
		ok = c == '[' && validEventName(p.Data)
	case Ack:
		ok = c == '['
	}
	if !ok {
		return invalid("invalid payload for %s", p.Type)
	}
	return nil
}

// validEventName reports whether the first element of an EVENT array is a
// number or a string that is not reserved.
func validEventName(data []byte) bool {
	i := skipSpace(data, 0) + 1
	i = skipSpace(data, i)
	if i >= len(data) {
		return false
	}
	switch c := data[i]; {
	case c == '"':
		raw := data[i:skipString(data, i)]
		if s, ok := plainString(raw); ok {
			return !IsReserved(string(s))
		}
		var name string
		if json.Unmarshal(raw, &name) != nil {
			return false
		}
		return !IsReserved(name)
	case c == '-' || (c >= '0' && c <= '9'):
		return true
	}
	return false
}

// checkPlaceholders verifies that every placeholder in data points at one
// of n attachments.
func checkPlaceholders(data []byte, n int) error {
	if !bytes.Contains(data, placeholderKey) {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return invalid("payload: %v", err)
	}
	var bad bool
	walkPlaceholders(v, func(num json.Number) any {
		if i, err := strconv.Atoi(string(num)); err != nil || i < 0 || i >= n {
			bad = true
		}
		return nil
	})
	if bad {
		return invalid("illegal attachments")
	}
	return nil
}

var placeholderKey = []byte(`"_placeholder"`)

// walkPlaceholders calls f for each placeholder in v and replaces it with
// f's result where f returns non-nil. It returns v with replacements.
func walkPlaceholders(v any, f func(num json.Number) any) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = walkPlaceholders(e, f)
		}
	case map[string]any:
		if ph, ok := x["_placeholder"].(bool); ok && ph {
			var num json.Number
			switch n := x["num"].(type) {
			case json.Number:
				num = n
			case float64:
				num = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
			}
			if r := f(num); r != nil {
				return r
			}
			return x
		}
		for k, e := range x {
			x[k] = walkPlaceholders(e, f)
		}
	}
	return v
}
