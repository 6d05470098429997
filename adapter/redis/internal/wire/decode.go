package wire

import (
	"math"
	"strconv"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// AppendMsgpackAsJSON decodes the one msgpack value at the start of msg
// as notepack.io 3.0.1 decodes it, and appends the JSON text that
// JSON.stringify writes for it once socket.io-parser has taken its binary
// values out. It returns the extended buffer and the bytes after the
// value.
//
// Binary values (bin, and the ArrayBuffers of ext type 0) become
// placeholders {"_placeholder":true,"num":N}, N counting on from
// len(*attachments), and are appended to *attachments: sub-slices of msg,
// not copies, with their capacity cut to their length. A nil attachments
// makes binary values an error.
//
// On error, dst and *attachments are returned to their lengths on entry,
// and rest is msg.
func AppendMsgpackAsJSON(dst, msg []byte, attachments *[][]byte) (out, rest []byte, err error) {
	d := decoder{atts: attachments}
	start, natts := len(dst), d.natts()
	out, rest, err = d.value(dst, msg, 0)
	if err != nil {
		d.truncate(natts)
		return dst[:start], msg, err
	}
	return out, rest, nil
}

type decoder struct {
	atts *[][]byte
}

func (d *decoder) natts() int {
	if d.atts == nil {
		return 0
	}
	return len(*d.atts)
}

func (d *decoder) truncate(n int) {
	if d.atts != nil {
		*d.atts = (*d.atts)[:n]
	}
}

// value appends the JSON text of the value at the start of b, which sits
// inside depth arrays and maps.
func (d *decoder) value(dst, b []byte, depth int) ([]byte, []byte, error) {
	if len(b) > 0 { // the usual small values first
		switch c := b[0]; {
		case c <= 0x7f:
			return strconv.AppendUint(dst, uint64(c), 10), b[1:], nil
		case c&0xe0 == 0xa0 && int(c&0x1f) < len(b):
			n := 1 + int(c&0x1f)
			return jsval.AppendStringJSON(dst, b[1:n]), b[n:], nil
		}
	}
	h, b, err := readHead(b)
	if err != nil {
		return dst, b, err
	}
	switch h.kind {
	case kindNil:
		dst = append(dst, "null"...)
	case kindFalse:
		dst = append(dst, "false"...)
	case kindTrue:
		dst = append(dst, "true"...)
	case kindUint, kindInt:
		dst = appendInteger(dst, h)
	case kindFloat:
		dst = jsval.AppendNumberJSON(dst, math.Float64frombits(h.u))
	case kindStr:
		dst = jsval.AppendStringJSON(dst, b[:h.n])
		b = b[h.n:]
	case kindBin:
		if dst, err = d.placeholder(dst, b[:h.n:h.n]); err != nil {
			return dst, b, err
		}
		b = b[h.n:]
	case kindExt:
		if dst, err = d.ext(dst, h, b[:h.n:h.n]); err != nil {
			return dst, b, err
		}
		b = b[h.n:]
	case kindArray:
		if depth >= MaxDepth {
			return dst, b, errTooDeep
		}
		dst = append(dst, '[')
		for i := range h.n {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, b, err = d.value(dst, b, depth+1); err != nil {
				return dst, b, err
			}
		}
		dst = append(dst, ']')
	case kindMap:
		if depth >= MaxDepth {
			return dst, b, errTooDeep
		}
		return d.object(dst, b, h.n, depth+1)
	}
	return dst, b, nil
}

// appendInteger appends an integer as the JavaScript number notepack
// makes of it: exact up to 2^53, rounded to a double beyond.
func appendInteger(dst []byte, h head) []byte {
	if h.kind == kindUint {
		if h.u <= 1<<53 {
			return strconv.AppendUint(dst, h.u, 10)
		}
		return jsval.AppendNumber(dst, float64(h.u))
	}
	v := int64(h.u)
	if v >= -1<<53 && v <= 1<<53 {
		return strconv.AppendInt(dst, v, 10)
	}
	return jsval.AppendNumber(dst, float64(v))
}

func (d *decoder) placeholder(dst, bin []byte) ([]byte, error) {
	if d.atts == nil {
		return dst, ErrAttachment
	}
	dst = append(dst, `{"_placeholder":true,"num":`...)
	dst = strconv.AppendInt(dst, int64(len(*d.atts)), 10)
	*d.atts = append(*d.atts, bin)
	return append(dst, '}'), nil
}

// isUndefined reports whether b starts with notepack's undefined, the
// fixext 1 of type 0.
func isUndefined(b []byte) bool {
	return len(b) >= 3 && b[0] == 0xd4 && b[1] == 0
}

// isArrayBuffer reports whether an ext is one notepack decodes into an
// ArrayBuffer: type 0 in an ext 8, 16 or 32.
func isArrayBuffer(h head) bool {
	return h.ext == 0 && h.f >= 0xc7 && h.f <= 0xc9
}

// ext appends an extension value as notepack decodes it: undefined
// (written null, as JSON.stringify writes it in an array), an ArrayBuffer
// (a binary value), a Date (its toJSON: the ISO string, or null when
// invalid), or else the pair [type, Buffer].
func (d *decoder) ext(dst []byte, h head, p []byte) ([]byte, error) {
	if h.f == 0xd4 && h.ext == 0 {
		return append(dst, "null"...), nil
	}
	if isArrayBuffer(h) {
		return d.placeholder(dst, p)
	}
	if t, ok := extDate(h.f, h.ext, p); ok {
		return jsval.AppendDateJSON(dst, t), nil
	}
	dst = append(dst, '[')
	dst = strconv.AppendInt(dst, int64(h.ext), 10)
	dst = append(dst, ',')
	dst, err := d.placeholder(dst, p)
	return append(dst, ']'), err
}

// object appends a map of n pairs, whose keys and values sit at depth.
// It writes the pairs as they come while that gives JavaScript's object
// (see jsOrder); on the first key that does not, it starts again on the
// slow path.
func (d *decoder) object(dst, b []byte, n, depth int) ([]byte, []byte, error) {
	if n > fastKeys {
		return d.objectSlow(dst, b, n, depth)
	}
	start, natts, body := len(dst), d.natts(), b
	var keys [fastKeys]struct{ start, end int }
	nk := 0
	dst = append(dst, '{')
	for range n {
		mark := len(dst)
		if nk > 0 {
			dst = append(dst, ',')
		}
		ks := len(dst)
		var err error
		if dst, b, err = d.key(dst, b, depth); err != nil {
			return dst, b, err
		}
		key := dst[ks:]
		if string(key) == `"__proto__"` {
			// notepack's assignment sets the object's prototype, which
			// JSON.stringify never writes.
			if b, err = skip(b, depth); err != nil {
				return dst, b, err
			}
			dst = dst[:mark]
			continue
		}
		slow := isUndefined(b)
		if _, ok := arrayIndex(key[1 : len(key)-1]); ok {
			slow = true
		}
		for _, k := range keys[:nk] {
			if string(dst[k.start:k.end]) == string(key) {
				slow = true
				break
			}
		}
		if slow {
			d.truncate(natts)
			return d.objectSlow(dst[:start], body, n, depth)
		}
		keys[nk] = struct{ start, end int }{ks, len(dst)}
		nk++
		dst = append(dst, ':')
		if dst, b, err = d.value(dst, b, depth); err != nil {
			return dst, b, err
		}
	}
	return append(dst, '}'), b, nil
}

// objectSlow appends a map of n pairs as JavaScript orders its keys, with
// undefined values left out as JSON.stringify leaves them out. It writes
// the keys after dst, orders them, then writes the object after them,
// each kept value decoded in its final place so that attachments are
// numbered in the order the text names them, and moves it down.
func (d *decoder) objectSlow(dst, b []byte, n, depth int) ([]byte, []byte, error) {
	base := len(dst)
	type setting struct {
		start, end int // the key's JSON text in dst
		val        []byte
	}
	sets := make([]setting, 0, n) // n <= len(b)/2: readHead checked
	var err error
	for range n {
		ks := len(dst)
		if dst, b, err = d.key(dst, b, depth); err != nil {
			return dst, b, err
		}
		v := b
		if b, err = skip(b, depth); err != nil {
			return dst, b, err
		}
		if string(dst[ks:]) == `"__proto__"` {
			dst = dst[:ks]
			continue
		}
		sets = append(sets, setting{ks, len(dst), v[:len(v)-len(b)]})
	}
	props := make([]prop, len(sets))
	for i, s := range sets {
		key := dst[s.start:s.end]
		idx, ok := arrayIndex(key[1 : len(key)-1])
		props[i] = prop{key: key, index: idx, isIndex: ok, first: i, last: i}
	}
	props = jsOrder(props)
	out := len(dst)
	dst = append(dst, '{')
	first := true
	for _, p := range props {
		val := sets[p.last].val
		if isUndefined(val) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		k := sets[p.first]
		dst = append(dst, dst[k.start:k.end]...)
		dst = append(dst, ':')
		if dst, _, err = d.value(dst, val, depth); err != nil {
			return dst, b, err
		}
	}
	dst = append(dst, '}')
	return dst[:base+copy(dst[base:], dst[out:])], b, nil
}

// key appends the map key at the start of b as a JSON string: what
// notepack's assignment makes of it, String(key).
func (d *decoder) key(dst, b []byte, depth int) ([]byte, []byte, error) {
	if len(b) > 0 && b[0]&0xe0 == 0xa0 && int(b[0]&0x1f) < len(b) { // fixstr, the usual key
		n := 1 + int(b[0]&0x1f)
		return jsval.AppendStringJSON(dst, b[1:n]), b[n:], nil
	}
	dst = append(dst, '"')
	dst, b, err := d.keyText(dst, b, depth, false)
	return append(dst, '"'), b, err
}

// keyText appends String(v), escaped, for the value v at the start of b;
// inArray when v is an element of an array being joined, where null and
// undefined are empty.
func (d *decoder) keyText(dst, b []byte, depth int, inArray bool) ([]byte, []byte, error) {
	h, b, err := readHead(b)
	if err != nil {
		return dst, b, err
	}
	switch h.kind {
	case kindNil:
		if !inArray {
			dst = append(dst, "null"...)
		}
	case kindFalse:
		dst = append(dst, "false"...)
	case kindTrue:
		dst = append(dst, "true"...)
	case kindUint, kindInt:
		dst = appendInteger(dst, h)
	case kindFloat:
		dst = jsval.AppendNumber(dst, math.Float64frombits(h.u))
	case kindStr, kindBin: // a Buffer's toString is its UTF-8 text
		dst = jsval.AppendEscaped(dst, b[:h.n])
		b = b[h.n:]
	case kindExt:
		p := b[:h.n]
		b = b[h.n:]
		if t, ok := extDate(h.f, h.ext, p); ok {
			return jsval.AppendDateString(dst, t), b, nil
		}
		switch {
		case h.f == 0xd4 && h.ext == 0:
			if !inArray {
				dst = append(dst, "undefined"...)
			}
		case isArrayBuffer(h):
			dst = append(dst, "[object ArrayBuffer]"...)
		default:
			dst = strconv.AppendInt(dst, int64(h.ext), 10)
			dst = append(dst, ',')
			dst = jsval.AppendEscaped(dst, p)
		}
	case kindArray: // Array#join(",")
		if depth >= MaxDepth {
			return dst, b, errTooDeep
		}
		for i := range h.n {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, b, err = d.keyText(dst, b, depth+1, true); err != nil {
				return dst, b, err
			}
		}
	case kindMap:
		if depth >= MaxDepth {
			return dst, b, errTooDeep
		}
		for range 2 * h.n {
			if b, err = skip(b, depth+1); err != nil {
				return dst, b, err
			}
		}
		dst = append(dst, "[object Object]"...)
	}
	return dst, b, nil
}

// skip returns what follows the value at the start of b, which sits inside
// depth arrays and maps, having checked it as value would.
func skip(b []byte, depth int) ([]byte, error) {
	h, rest, err := readHead(b)
	if err != nil {
		return b, err
	}
	switch h.kind {
	case kindStr, kindBin, kindExt:
		return rest[h.n:], nil
	case kindArray, kindMap:
		if depth >= MaxDepth {
			return b, errTooDeep
		}
		m := h.n
		if h.kind == kindMap {
			m *= 2
		}
		for range m {
			if rest, err = skip(rest, depth+1); err != nil {
				return b, err
			}
		}
	}
	return rest, nil
}
