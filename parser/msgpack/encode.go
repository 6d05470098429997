package msgpack

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/parser"
)

// encoder writes JSON text as msgpack, in one pass, the way notepack.io
// writes the value JSON.parse would make of the text: each placeholder
// replaced by its attachment as a bin.
type encoder struct {
	src      []byte // JSON
	i        int    // the next byte of src to read
	out      []byte
	att      [][]byte
	maxDepth int
}

var (
	errNotJSON     = invalid("data is not JSON")
	errPlaceholder = invalid("placeholder without its attachment")
)

// data writes the packet's data, which must be one JSON value.
func (e *encoder) data() error {
	if err := e.value(1); err != nil {
		return err
	}
	if e.space(); e.i != len(e.src) {
		return errNotJSON
	}
	return nil
}

func (e *encoder) space() {
	for e.i < len(e.src) {
		switch e.src[e.i] {
		case ' ', '\t', '\n', '\r':
			e.i++
		default:
			return
		}
	}
}

// value writes the JSON value at e.i, at depth depth.
func (e *encoder) value(depth int) error {
	if e.space(); e.i >= len(e.src) {
		return errNotJSON
	}
	switch c := e.src[e.i]; c {
	case '{':
		return e.object(depth)
	case '[':
		return e.array(depth)
	case '"':
		return e.string()
	case 't':
		return e.literal("true", 0xc3)
	case 'f':
		return e.literal("false", 0xc2)
	case 'n':
		return e.literal("null", 0xc0)
	default:
		return e.number()
	}
}

func (e *encoder) literal(lit string, b byte) error {
	if len(e.src)-e.i < len(lit) || string(e.src[e.i:e.i+len(lit)]) != lit {
		return errNotJSON
	}
	e.i += len(lit)
	e.out = append(e.out, b)
	return nil
}

func (e *encoder) array(depth int) error {
	if depth > e.maxDepth {
		return errTooDeep
	}
	e.i++
	header := len(e.out)
	e.out = append(e.out, 0x90)
	n := 0
	if e.space(); e.i < len(e.src) && e.src[e.i] == ']' {
		e.i++
		return nil
	}
	for {
		if err := e.value(depth + 1); err != nil {
			return err
		}
		n++
		if e.space(); e.i >= len(e.src) {
			return errNotJSON
		}
		c := e.src[e.i]
		e.i++
		if c == ']' {
			break
		}
		if c != ',' {
			return errNotJSON
		}
	}
	e.setHeader(header, n, 0x90, 0xdc)
	return nil
}

// setHeader writes the header of the array or map of n elements whose
// content follows the byte reserved for it at offset at: a fix header
// there, or, from 16 elements on, a 16-bit or 32-bit one for which the
// content moves. (Counting first would read the text twice, or its
// containers many times.)
func (e *encoder) setHeader(at, n int, fix, h16 byte) {
	if n < 16 {
		e.out[at] = fix | byte(n)
		return
	}
	var h [5]byte
	size := 3
	if n < 1<<16 {
		h[0] = h16
		binary.BigEndian.PutUint16(h[1:], uint16(n))
	} else {
		size = 5
		h[0] = h16 + 1
		binary.BigEndian.PutUint32(h[1:], uint32(n))
	}
	e.out = slices.Insert(e.out, at+1, h[1:size]...)
	e.out[at] = h[0]
}

// object writes a JSON object as a map, or, when the packet has
// attachments, a placeholder as the bin of its attachment: an object
// whose _placeholder is true, as the reference's reconstructPacket and
// the default parser see one.
func (e *encoder) object(depth int) error {
	// A placeholder is no level of the data: it stands for a bin, which
	// may sit in a container at the deepest level.
	if depth > e.maxDepth+1 {
		return errTooDeep
	}
	e.i++
	header := len(e.out)
	e.out = append(e.out, 0x80)
	if e.space(); e.i < len(e.src) && e.src[e.i] == '}' {
		e.i++
		if depth > e.maxDepth {
			return errTooDeep
		}
		return nil
	}
	n := 0
	placeholder, num := false, -1
	for {
		if e.space(); e.i >= len(e.src) || e.src[e.i] != '"' {
			return errNotJSON
		}
		keyAt := len(e.out)
		if err := e.string(); err != nil {
			return err
		}
		keyEnd := len(e.out)
		if e.space(); e.i >= len(e.src) || e.src[e.i] != ':' {
			return errNotJSON
		}
		e.i++
		valueAt := len(e.out)
		if err := e.value(depth + 1); err != nil {
			return err
		}
		n++
		if len(e.att) > 0 {
			switch string(e.out[keyAt:keyEnd]) {
			case "\xac_placeholder":
				placeholder = string(e.out[valueAt:]) == "\xc3"
			case "\xa3num":
				num = e.index(valueAt)
			}
		}
		if e.space(); e.i >= len(e.src) {
			return errNotJSON
		}
		c := e.src[e.i]
		e.i++
		if c == '}' {
			break
		}
		if c != ',' {
			return errNotJSON
		}
	}
	if placeholder {
		if num < 0 || num >= len(e.att) {
			return errPlaceholder
		}
		e.out = appendBin(e.out[:header], e.att[num])
		return nil
	}
	if depth > e.maxDepth {
		return errTooDeep
	}
	e.setHeader(header, n, 0x80, 0xde)
	return nil
}

// index returns the non-negative integer that was just written from
// offset at, or -1.
func (e *encoder) index(at int) int {
	b := e.out[at:]
	switch {
	case len(b) == 1 && b[0] <= 0x7f:
		return int(b[0])
	case len(b) == 2 && b[0] == 0xcc:
		return int(b[1])
	case len(b) == 3 && b[0] == 0xcd:
		return int(binary.BigEndian.Uint16(b[1:]))
	case len(b) == 5 && b[0] == 0xce:
		return int(binary.BigEndian.Uint32(b[1:]))
	}
	return -1
}

// string writes the JSON string at e.i as a str. Invalid UTF-8 becomes
// U+FFFD, one per byte, and so does an unpaired surrogate escape, as
// encoding/json decodes them (JavaScript strings hold neither).
func (e *encoder) string() error {
	start := e.i + 1
	i := start
	for i < len(e.src) {
		c := e.src[i]
		if c == '"' {
			e.out = appendStrHeader(e.out, i-start)
			e.out = append(e.out, e.src[start:i]...)
			e.i = i + 1
			return nil
		}
		if c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	// Escapes or non-ASCII text: decode after room for the longest
	// header, then move the text next to the header it needs.
	header := len(e.out)
	e.out = append(e.out, 0, 0, 0, 0, 0)
	e.out = append(e.out, e.src[start:i]...)
	for {
		if i >= len(e.src) {
			return errNotJSON
		}
		c := e.src[i]
		switch {
		case c == '"':
			n := len(e.out) - header - 5
			var buf [5]byte
			h := appendStrHeader(buf[:0], n)
			copy(e.out[header:], h)
			copy(e.out[header+len(h):], e.out[header+5:])
			e.out = e.out[:header+len(h)+n]
			e.i = i + 1
			return nil
		case c < 0x20:
			return errNotJSON
		case c == '\\':
			var err error
			if i, err = e.escape(i + 1); err != nil {
				return err
			}
		case c < utf8.RuneSelf:
			e.out = append(e.out, c)
			i++
		default:
			r, size := utf8.DecodeRune(e.src[i:])
			e.out = utf8.AppendRune(e.out, r) // RuneError for an invalid byte
			i += size
		}
	}
}

// escape decodes the escape whose letter is at src[i] and returns the
// index past it.
func (e *encoder) escape(i int) (int, error) {
	if i >= len(e.src) {
		return i, errNotJSON
	}
	var c byte
	switch e.src[i] {
	case '"', '\\', '/':
		c = e.src[i]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r, ok := hex4(e.src, i+1)
		if !ok {
			return i, errNotJSON
		}
		i += 5
		if utf16.IsSurrogate(r) {
			// A pair, or U+FFFD for the first alone.
			r2, ok := rune(0), false
			if i+1 < len(e.src) && e.src[i] == '\\' && e.src[i+1] == 'u' {
				r2, ok = hex4(e.src, i+2)
			}
			if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
				r = dec
				i += 6
			} else {
				r = utf8.RuneError
			}
		}
		e.out = utf8.AppendRune(e.out, r)
		return i, nil
	default:
		return i, errNotJSON
	}
	e.out = append(e.out, c)
	return i + 1, nil
}

// hex4 reads four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if len(b)-i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number writes the JSON number at e.i as notepack.io writes the number
// JSON.parse makes of it: an integer in the smallest form that holds it,
// anything else as a float64. Unlike JavaScript, an integer written with
// more digits than a float64 holds keeps them all, up to 64 bits; past
// them, where notepack.io writes the value modulo 2^64, it is a float64.
func (e *encoder) number() error {
	start := e.i
	i := start
	if i < len(e.src) && e.src[i] == '-' {
		i++
	}
	switch {
	case i < len(e.src) && e.src[i] == '0':
		i++
	case i < len(e.src) && e.src[i] >= '1' && e.src[i] <= '9':
		i = skipDigits(e.src, i+1)
	default:
		return errNotJSON
	}
	integer := true
	if i < len(e.src) && e.src[i] == '.' {
		integer = false
		j := skipDigits(e.src, i+1)
		if j == i+1 {
			return errNotJSON
		}
		i = j
	}
	if i < len(e.src) && (e.src[i] == 'e' || e.src[i] == 'E') {
		integer = false
		i++
		if i < len(e.src) && (e.src[i] == '+' || e.src[i] == '-') {
			i++
		}
		j := skipDigits(e.src, i)
		if j == i {
			return errNotJSON
		}
		i = j
	}
	e.i = i
	text := e.src[start:i]
	if integer && len(text) <= 18 {
		// Fits an int64 whatever the digits: the common case, at no cost.
		var v int64
		neg := text[0] == '-'
		digits := text
		if neg {
			digits = text[1:]
		}
		for _, c := range digits {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		e.out = appendInt(e.out, v)
		return nil
	}
	if integer {
		if v, err := strconv.ParseInt(string(text), 10, 64); err == nil {
			e.out = appendInt(e.out, v)
			return nil
		}
		if v, err := strconv.ParseUint(string(text), 10, 64); err == nil {
			e.out = appendUint(e.out, v)
			return nil
		}
	}
	// The syntax was checked: the only error left is a range error, with
	// f the infinity or the zero JavaScript makes of the text too.
	f, _ := strconv.ParseFloat(string(text), 64)
	switch {
	case f != math.Trunc(f) || math.IsInf(f, 0):
	case f >= -(1<<63) && f < 0:
		e.out = appendInt(e.out, int64(f))
		return nil
	case f >= 0 && f < 1<<64:
		e.out = appendUint(e.out, uint64(f)) // -0 too, as 0
		return nil
	}
	e.out = append(e.out, 0xcb)
	e.out = binary.BigEndian.AppendUint64(e.out, math.Float64bits(f))
	return nil
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// appendUint appends v as notepack.io writes a non-negative integer.
func appendUint(dst []byte, v uint64) []byte {
	switch {
	case v < 0x80:
		return append(dst, byte(v))
	case v < 1<<8:
		return append(dst, 0xcc, byte(v))
	case v < 1<<16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(v))
	case v < 1<<32:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), v)
}

// appendInt appends v as notepack.io writes an integer.
func appendInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0:
		return appendUint(dst, uint64(v))
	case v >= -32:
		return append(dst, byte(v))
	case v >= math.MinInt8:
		return append(dst, 0xd0, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(v))
}

// appendStrHeader appends the header of a str of n bytes.
func appendStrHeader(dst []byte, n int) []byte {
	switch {
	case n < 32:
		return append(dst, 0xa0|byte(n))
	case n < 1<<8:
		return append(dst, 0xd9, byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(dst, 0xda), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdb), uint32(n))
}

// appendStr appends s as a str.
func appendStr(dst []byte, s string) []byte {
	return append(appendStrHeader(dst, len(s)), s...)
}

// appendBin appends b as a bin, as notepack.io writes a Buffer.
func appendBin(dst, b []byte) []byte {
	switch n := len(b); {
	case n < 1<<8:
		dst = append(dst, 0xc4, byte(n))
	case n < 1<<16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xc5), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xc6), uint32(n))
	}
	return append(dst, b...)
}

// dataShapeValid reports whether data, JSON text or nil, has the shape
// the reference's decoder wants for a packet of type t.
func dataShapeValid(t parser.Type, data []byte) bool {
	var c byte
	for _, b := range data {
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			c = b
			break
		}
	}
	switch t {
	case parser.Connect:
		return data == nil || c == '{'
	case parser.Disconnect:
		return data == nil
	case parser.ConnectError:
		return c == '{' || c == '"'
	}
	return c == '['
}
