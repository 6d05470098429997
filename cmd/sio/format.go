package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/ab218a8d/socketio/client"
	"github.com/ab218a8d/socketio/parser"
)

// emitSpec is an event to emit: from -emit or a line of standard input.
type emitSpec struct {
	event string
	args  []any // json.RawMessage, or a tree with []byte where binary was asked for
}

// parseEmit parses -emit's 'event [JSON args...]': the event's name, bare
// up to the first space or as a JSON string, then JSON values separated by
// spaces.
func parseEmit(s string) (emitSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return emitSpec{}, errors.New("want 'event [JSON args...]'")
	}
	var e emitSpec
	var rest string
	if s[0] == '"' {
		d := json.NewDecoder(strings.NewReader(s))
		if err := d.Decode(&e.event); err != nil {
			return emitSpec{}, fmt.Errorf("the event's name: %v", err)
		}
		rest = s[d.InputOffset():]
	} else if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		e.event, rest = s[:i], s[i:]
	} else {
		e.event = s
	}
	if err := checkEvent(e.event); err != nil {
		return emitSpec{}, err
	}
	d := json.NewDecoder(strings.NewReader(rest))
	for {
		var raw json.RawMessage
		err := d.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return emitSpec{}, fmt.Errorf("argument %d: %v (arguments are JSON: quote strings)", len(e.args)+1, err)
		}
		v, err := argValue(raw)
		if err != nil {
			return emitSpec{}, fmt.Errorf("argument %d: %v", len(e.args)+1, err)
		}
		e.args = append(e.args, v)
	}
	return e, nil
}

// parseLine parses a line of standard input: ["event", arg1, ...].
func parseLine(line []byte) (emitSpec, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(line, &elems); err != nil || len(elems) == 0 {
		return emitSpec{}, errors.New(`want a JSON array ["event", arg1, ...]`)
	}
	var e emitSpec
	if err := json.Unmarshal(elems[0], &e.event); err != nil {
		return emitSpec{}, errors.New("the event's name must be a JSON string")
	}
	if err := checkEvent(e.event); err != nil {
		return emitSpec{}, err
	}
	for i, raw := range elems[1:] {
		v, err := argValue(raw)
		if err != nil {
			return emitSpec{}, fmt.Errorf("argument %d: %v", i+1, err)
		}
		e.args = append(e.args, v)
	}
	return e, nil
}

func checkEvent(name string) error {
	if name == "" {
		return errors.New("empty event name")
	}
	if parser.IsReserved(name) {
		return fmt.Errorf("%q is a reserved event name", name)
	}
	return nil
}

var binaryKey = []byte(`"$binary"`)

// argValue makes an argument to emit of raw: raw itself, compacted, unless
// it holds {"$binary":"<base64>"} objects; then a tree where they are
// []byte, sent as binary attachments (the tree's objects are written with
// their keys sorted).
func argValue(raw json.RawMessage) (any, error) {
	if !bytes.Contains(raw, binaryKey) {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, err
		}
		return json.RawMessage(b.Bytes()), nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return withBinary(v)
}

func withBinary(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["$binary"].(string); ok && len(x) == 1 {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf(`{"$binary":...}: bad base64: %v`, err)
			}
			return b, nil
		}
		for k, e := range x {
			var err error
			if x[k], err = withBinary(e); err != nil {
				return nil, err
			}
		}
	case []any:
		for i, e := range x {
			var err error
			if x[i], err = withBinary(e); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// The lines written on stdout.

type connectLine struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type disconnectLine struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
	Error  string `json:"error,omitempty"`
}

type connectErrorLine struct {
	Type    string          `json:"type"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

type reconnectAttemptLine struct {
	Type    string `json:"type"`
	Attempt int    `json:"attempt"`
}

// jsonLine returns v as a line of JSON, HTML characters unescaped.
func jsonLine(v any) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		panic(err) // the line types always encode
	}
	return b.Bytes()
}

// eventLine returns the line of an event (typ "event") or of an
// acknowledgement (typ "ack").
func eventLine(typ, event string, args client.Args, ack bool) []byte {
	b := parser.AppendString(append(make([]byte, 0, 64), `{"type":`...), typ)
	b = parser.AppendString(append(b, `,"event":`...), event)
	b = appendArgs(append(b, `,"args":`...), args)
	if ack {
		b = append(b, `,"ack":true`...)
	}
	return append(b, "}\n"...)
}

var placeholderKey = []byte(`"_placeholder"`)

// appendArgs appends args as a JSON array, as they came, but for binary
// attachments, written {"$binary":"<base64>"}.
func appendArgs(b []byte, args client.Args) []byte {
	b = append(b, '[')
	for i := range args.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		raw := args.Raw(i)
		if raw == nil { // absent
			b = append(b, "null"...)
			continue
		}
		if bytes.Contains(raw, placeholderKey) {
			// Decoded into an interface, the argument has a []byte where
			// each attachment was: walk it beside the text, which keeps
			// the order of the keys and the numbers as they were written.
			var mirror any
			if args.Decode(i, &mirror) == nil {
				if out, err := appendBinary(b, raw, mirror); err == nil {
					b = out
					continue
				}
			}
		}
		b = appendCompact(b, raw)
	}
	return append(b, ']')
}

func appendCompact(b, raw []byte) []byte {
	buf := bytes.NewBuffer(b)
	if json.Compact(buf, raw) != nil {
		return parser.AppendString(b, string(raw)) // not JSON: as a string
	}
	return buf.Bytes()
}

// appendBinary appends the JSON value raw, each placeholder that mirror
// (raw decoded) has as a []byte written as {"$binary":"<base64>"}.
func appendBinary(b, raw []byte, mirror any) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	switch raw[0] {
	case '{':
		if bin, ok := mirror.([]byte); ok {
			b = append(b, `{"$binary":"`...)
			b = base64.StdEncoding.AppendEncode(b, bin)
			return append(b, `"}`...), nil
		}
		m, _ := mirror.(map[string]any)
		d := json.NewDecoder(bytes.NewReader(raw))
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		b = append(b, '{')
		for n := 0; d.More(); n++ {
			tok, err := d.Token()
			if err != nil {
				return nil, err
			}
			key, _ := tok.(string)
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return nil, err
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = append(parser.AppendString(b, key), ':')
			if b, err = appendBinary(b, v, m[key]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case '[':
		a, _ := mirror.([]any)
		d := json.NewDecoder(bytes.NewReader(raw))
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		b = append(b, '[')
		for i := 0; d.More(); i++ {
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return nil, err
			}
			var mv any
			if i < len(a) {
				mv = a[i]
			}
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendBinary(b, v, mv); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return appendCompact(b, raw), nil
}

// syncWriter writes whole lines from several goroutines, each with one
// Write: unbuffered, so each line is out at once. Once closed, it drops
// what it is given.
type syncWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (w *syncWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return len(b), nil
	}
	return w.w.Write(b)
}

func (w *syncWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}
