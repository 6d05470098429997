package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/internal/jsval"
	"github.com/tinylib/msgp/msgp"
)

// AppendJSON appends the msgpack encoding of the one JSON value in json,
// byte for byte what notepack.io 3.0.1 encodes for the value JSON.parse
// makes of it, with each placeholder {"_placeholder":true,"num":N} (an
// object whose "_placeholder" is true) replaced by attachments[N] as
// socket.io-parser puts it back: a Buffer, encoded as bin. A placeholder
// whose num is not an integer naming an attachment is an error. Like
// socket.io-parser, which puts back only the attachments a packet
// carries, AppendJSON takes placeholders for plain objects when
// attachments is empty.
//
// On error, dst is returned to its length on entry.
func AppendJSON(dst, json []byte, attachments [][]byte) ([]byte, error) {
	e := encoder{s: json, atts: attachments}
	start := len(dst)
	dst, i, err := e.value(dst, skipSpace(json, 0), 0)
	if err == nil {
		if i = skipSpace(json, i); i < len(json) {
			err = syntaxError("text after the value", i)
		}
	}
	if err == nil {
		err = e.bad
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

type encoder struct {
	s    []byte
	atts [][]byte
	// bad is the first placeholder that named no attachment, unless an
	// object that holds it turned out to be a placeholder itself, whose
	// contents socket.io-parser never looks into. badAt is where in dst
	// it was.
	bad   error
	badAt int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s []byte, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// value appends the value that starts at e.s[i], inside depth arrays and
// objects, and returns the index after it.
func (e *encoder) value(dst []byte, i, depth int) ([]byte, int, error) {
	s := e.s
	if i >= len(s) {
		return dst, i, syntaxError("unexpected end of input", i)
	}
	switch c := s[i]; {
	case c == '"':
		return e.str(dst, i)
	case c == '{':
		return e.object(dst, i, depth)
	case c == '[':
		return e.array(dst, i, depth)
	case c == '-' || c >= '0' && c <= '9':
		return e.number(dst, i)
	case c == 't':
		return e.literal(dst, i, "true", 0xc3)
	case c == 'f':
		return e.literal(dst, i, "false", 0xc2)
	case c == 'n':
		return e.literal(dst, i, "null", 0xc0)
	}
	return dst, i, syntaxError(fmt.Sprintf("unexpected %q", s[i]), i)
}

func (e *encoder) literal(dst []byte, i int, word string, b byte) ([]byte, int, error) {
	if len(e.s)-i < len(word) || string(e.s[i:i+len(word)]) != word {
		return dst, i, syntaxError("bad literal", i)
	}
	return append(dst, b), i + len(word), nil
}

// setHeader writes the header of an array or map of n elements at
// dst[start], where one byte was kept for it, moving the elements up when
// the header needs more.
func setHeader(dst []byte, start int, fix, format16 byte, n int) []byte {
	if n < 16 {
		dst[start] = fix | byte(n)
		return dst
	}
	grow, format := 2, format16
	if n > math.MaxUint16 {
		grow, format = 4, format16+1
	}
	end := len(dst)
	dst = append(dst, make([]byte, grow)...)
	copy(dst[start+1+grow:], dst[start+1:end])
	dst[start] = format
	if grow == 2 {
		binary.BigEndian.PutUint16(dst[start+1:], uint16(n))
	} else {
		binary.BigEndian.PutUint32(dst[start+1:], uint32(n))
	}
	return dst
}

func (e *encoder) array(dst []byte, i, depth int) ([]byte, int, error) {
	if depth >= MaxDepth {
		return dst, i, errTooDeep
	}
	s := e.s
	start := len(dst)
	dst = append(dst, 0x90)
	n := 0
	if i = skipSpace(s, i+1); i < len(s) && s[i] == ']' {
		return dst, i + 1, nil
	}
	for {
		var err error
		if dst, i, err = e.value(dst, i, depth+1); err != nil {
			return dst, i, err
		}
		n++
		if i = skipSpace(s, i); i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if i < len(s) && s[i] == ']' {
			return setHeader(dst, start, 0x90, 0xdc, n), i + 1, nil
		}
		return dst, i, syntaxError("expected ',' or ']'", i)
	}
}

// member is one key-value pair of an object being encoded, as offsets in
// dst: the key's msgpack str at [key, val), its value at [val, end).
type member struct{ key, val, end int }

// object appends a JSON object. It encodes the pairs as written while
// that gives JavaScript's object (see jsOrder), then rebuilds it in that
// order if it does not.
func (e *encoder) object(dst []byte, i, depth int) ([]byte, int, error) {
	if depth >= MaxDepth {
		return dst, i, errTooDeep
	}
	s := e.s
	start := len(dst)
	dst = append(dst, 0x80)
	if i = skipSpace(s, i+1); i < len(s) && s[i] == '}' {
		return dst, i + 1, nil
	}
	var buf [fastKeys]member
	members := buf[:0]
	reorder := false
	placeholder, num := false, -1 // as the last "_placeholder" and "num" set them
	for {
		if i >= len(s) || s[i] != '"' {
			return dst, i, syntaxError("expected a property name", i)
		}
		key := len(dst)
		var err error
		if dst, i, err = e.str(dst, i); err != nil {
			return dst, i, err
		}
		if i = skipSpace(s, i); i >= len(s) || s[i] != ':' {
			return dst, i, syntaxError("expected ':'", i)
		}
		val := len(dst)
		if dst, i, err = e.value(dst, skipSpace(s, i+1), depth+1); err != nil {
			return dst, i, err
		}
		name := strPayload(dst[key:val])
		switch string(name) {
		case "_placeholder":
			placeholder = len(dst)-val == 1 && dst[val] == 0xc3
		case "num":
			num = len(members)
		}
		if !reorder {
			if _, ok := arrayIndex(name); ok || len(members) >= fastKeys {
				reorder = true
			}
			for _, m := range members {
				if string(dst[m.key:m.val]) == string(dst[key:val]) {
					reorder = true
					break
				}
			}
		}
		if len(members) == cap(members) {
			members = slices.Grow(members, len(members)) // double, not append's 1.25
		}
		members = append(members, member{key, val, len(dst)})
		if i = skipSpace(s, i); i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '}' {
			i++
			break
		}
		return dst, i, syntaxError("expected ',' or '}'", i)
	}
	if placeholder && len(e.atts) > 0 {
		if e.bad != nil && e.badAt >= start {
			e.bad = nil
		}
		var n []byte
		if num >= 0 {
			n = dst[members[num].val:members[num].end]
		}
		return e.attachment(dst, start, n), i, nil
	}
	if reorder {
		return reorderMembers(dst, start, members), i, nil
	}
	return setHeader(dst, start, 0x80, 0xde, len(members)), i, nil
}

// attachment replaces what dst holds from start by the attachment that a
// placeholder's num names; num is the encoded value of num, in dst, or
// nil if absent. A placeholder that names none becomes nil, and e.bad.
func (e *encoder) attachment(dst []byte, start int, num []byte) []byte {
	var err error
	if num == nil {
		err = fmt.Errorf("%w: placeholder without num", ErrAttachment)
	} else if h, _, herr := readHead(num); herr != nil || h.kind != kindUint || h.u >= uint64(len(e.atts)) {
		err = fmt.Errorf("%w: num is not one of %d attachments", ErrAttachment, len(e.atts))
	} else if a := e.atts[h.u]; uint64(len(a)) > math.MaxUint32 {
		err = fmt.Errorf("%w: attachment of %d bytes", ErrAttachment, len(a))
	} else {
		return msgp.AppendBytes(dst[:start], a)
	}
	if e.bad == nil {
		e.bad, e.badAt = err, start
	}
	return append(dst[:start], 0xc0)
}

// reorderMembers rewrites the map at dst[start:] in JavaScript's order.
func reorderMembers(dst []byte, start int, members []member) []byte {
	props := make([]prop, len(members))
	for i, m := range members {
		idx, ok := arrayIndex(strPayload(dst[m.key:m.val]))
		props[i] = prop{key: dst[m.key:m.val], index: idx, isIndex: ok, first: i, last: i}
	}
	props = jsOrder(props)
	out := len(dst)
	dst = msgp.AppendMapHeader(dst, uint32(len(props)))
	for _, p := range props {
		k, v := members[p.first], members[p.last]
		dst = append(dst, dst[k.key:k.val]...)
		dst = append(dst, dst[v.val:v.end]...)
	}
	return dst[:start+copy(dst[start:], dst[out:])]
}

// strPayload returns the bytes of the msgpack str b.
func strPayload(b []byte) []byte {
	switch b[0] {
	case 0xd9:
		return b[2:]
	case 0xda:
		return b[3:]
	case 0xdb:
		return b[5:]
	}
	return b[1:]
}

func appendStrHeader(dst []byte, n int) []byte {
	switch {
	case n < 32:
		return append(dst, 0xa0|byte(n))
	case n <= math.MaxUint8:
		return append(dst, 0xd9, byte(n))
	case n <= math.MaxUint16:
		return append(dst, 0xda, byte(n>>8), byte(n))
	}
	return append(dst, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// str appends the JSON string at e.s[i] as a msgpack str of its value in
// UTF-8: the raw bytes when they are that, else the value rebuilt with
// escapes decoded and ill-formed bytes replaced by U+FFFD.
func (e *encoder) str(dst []byte, i int) ([]byte, int, error) {
	s := e.s
	j := i + 1
	plain := true // the bytes between the quotes are the value
	n := 0        // the value's length in UTF-8
	for {
		for j < len(s) && s[j] < utf8.RuneSelf && jsonSafe[s[j]] {
			j++
			n++
		}
		if j >= len(s) {
			return dst, j, syntaxError("unterminated string", j)
		}
		c := s[j]
		switch {
		case c == '"':
			if uint64(n) > math.MaxUint32 { // as notepack: "String too long"
				return dst, j, fmt.Errorf("wire: string of %d bytes at offset %d is too long for msgpack", n, i)
			}
			dst = appendStrHeader(dst, n)
			if plain {
				return append(dst, s[i+1:j]...), j + 1, nil
			}
			return appendUnescaped(dst, s[i+1:j]), j + 1, nil
		case c == '\\':
			size, w := escape(s[j:])
			if w == 0 {
				return dst, j, syntaxError("bad escape", j)
			}
			plain = false
			n += size
			j += w
		case c < 0x20:
			return dst, j, syntaxError("control character in string", j)
		default:
			r, size := utf8.DecodeRune(s[j:])
			if r == utf8.RuneError && size == 1 {
				plain = false
				n += len(replacement)
				j += jsval.InvalidLen(s[j:])
				continue
			}
			n += size
			j += size
		}
	}
}

// escape reads the escape sequence at the start of s and returns the
// UTF-8 length of what it stands for and its own length, 0 if it is not
// one. A \u escape of a surrogate pairs with a \u escape of the other half
// right after it; alone, it stands for U+FFFD (see the package doc).
func escape(s []byte) (size, w int) {
	if len(s) < 2 {
		return 0, 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1, 2
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return 0, 0
		}
		if r >= 0xd800 && r <= 0xdbff && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
				return 4, 12
			}
		}
		if r >= 0xd800 && r <= 0xdfff {
			return len(replacement), 6
		}
		return utf8.RuneLen(r), 6
	}
	return 0, 0
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
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

// appendUnescaped appends the value of the inside of a JSON string that
// str has checked, as escape and jsval.InvalidLen sized it.
func appendUnescaped(dst, s []byte) []byte {
	for j := 0; j < len(s); {
		c := s[j]
		switch {
		case c == '\\':
			switch s[j+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, _ := hex4(s[j+2:])
				if size, w := escape(s[j:]); w == 12 {
					r2, _ := hex4(s[j+8:])
					r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
					j += 6
				} else if size == len(replacement) && r >= 0xd800 && r <= 0xdfff {
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				j += 6
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[j+1])
			}
			j += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			j++
		default:
			r, size := utf8.DecodeRune(s[j:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, replacement...)
				j += jsval.InvalidLen(s[j:])
				continue
			}
			dst = append(dst, s[j:j+size]...)
			j += size
		}
	}
	return dst
}

// number appends the JSON number at e.s[i] as notepack encodes the double
// JSON.parse reads from it.
func (e *encoder) number(dst []byte, i int) ([]byte, int, error) {
	s := e.s
	j := i
	if s[j] == '-' {
		j++
	}
	digits := j
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && s[j] >= '1' && s[j] <= '9':
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	default:
		return dst, j, syntaxError("no digits in number", j)
	}
	intEnd, integer := j, true
	if j < len(s) && s[j] == '.' {
		j++
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return dst, j, syntaxError("no digits after '.'", j)
		}
		integer = false
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return dst, j, syntaxError("no digits in exponent", j)
		}
		integer = false
	}
	if integer && intEnd-digits <= 15 { // below 2^53: exact
		var v int64
		for _, c := range s[digits:intEnd] {
			v = v*10 + int64(c-'0')
		}
		if s[i] == '-' {
			v = -v
		}
		return appendInt(dst, v), j, nil
	}
	f, err := strconv.ParseFloat(string(s[i:j]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // ±Inf, as JSON.parse
		return dst, j, syntaxError("bad number", i)
	}
	return appendNumber(dst, f), j, nil
}

// appendInt appends v as notepack encodes an integer below 2^63 in
// magnitude: the smallest format, unsigned ones for v >= 0.
func appendInt(dst []byte, v int64) []byte {
	if v >= 0 {
		return msgp.AppendUint64(dst, uint64(v))
	}
	return msgp.AppendInt64(dst, v)
}

// appendNumber appends f as notepack encodes a number: float 64 unless f
// is a finite integer; an integer in the smallest format up to 32 bits,
// else in uint 64 (f >= 0) or int 64, modulo 2^64 as notepack's 32-bit
// halves wrap.
func appendNumber(dst []byte, f float64) []byte {
	switch {
	case f != math.Trunc(f) || math.IsInf(f, 0):
		return msgp.AppendFloat64(dst, f)
	case f >= 0 && f < 1<<63, f < 0 && f >= -1<<63:
		return appendInt(dst, int64(f))
	case f > 0:
		return binary.BigEndian.AppendUint64(append(dst, 0xcf), wrap64(f))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), wrap64(f))
}

// wrap64 returns the integer f, at least 2^63 in magnitude, modulo 2^64.
func wrap64(f float64) uint64 {
	bits := math.Float64bits(f)
	exp := int(bits>>52&0x7ff) - 1075
	mant := bits&(1<<52-1) | 1<<52
	var u uint64
	if exp < 64 { // exp >= 11, as f >= 2^63
		u = mant << exp
	}
	if f < 0 {
		u = -u
	}
	return u
}
