package msgpack

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/internal/jsval"
	"github.com/ab218a8d/socketio/parser"
)

// invalid returns an error that wraps parser.ErrInvalidPacket.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: msgpack: "+format, append([]any{parser.ErrInvalidPacket}, args...)...)
}

var (
	errTruncated = invalid("truncated message")
	errTooDeep   = invalid("data nested too deeply")
)

// decoder turns one msgpack message into a packet: the data written as
// JSON text into out, each binary value taken out into att.
type decoder struct {
	src      []byte
	i        int // the next byte of src to read
	out      []byte
	att      [][]byte
	maxDepth int
	// lookalike is set when the data has a map whose _placeholder is
	// true: in the JSON text it could not be told from an attachment.
	lookalike bool
}

// The kinds of the top-level data value that the reference tells apart.
const (
	kindOther = iota
	kindMap
	kindArray
	kindString
)

func decode(msg []byte, maxDepth int) (*parser.Packet, error) {
	// Room for the data of most messages, which is about as long as the
	// message, but not for the bytes of a large attachment, which Data
	// would keep.
	size := min(len(msg)+len(msg)/8+16, 4096)
	d := decoder{src: msg, out: make([]byte, 0, size), maxDepth: maxDepth}
	return d.packet()
}

// packet decodes the message: a map of type, nsp, data and id, each
// taken from its last occurrence, other keys skipped, as notepack.io
// builds the object and socket.io-msgpack-parser reads it.
func (d *decoder) packet() (*parser.Packet, error) {
	n, ok, err := d.mapHeader()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("a packet is a map")
	}
	typeAt, nspAt, idAt := -1, -1, -1 // where the value of each key starts
	hasData, dataKind := false, kindOther
	for range n {
		mark := len(d.out)
		if err := d.key(); err != nil {
			return nil, err
		}
		var at *int // where the key's value is noted
		isData := false
		switch string(d.out[mark:]) {
		case `"type"`:
			at = &typeAt
		case `"nsp"`:
			at = &nspAt
		case `"id"`:
			at = &idAt
		case `"data"`:
			isData = true
		}
		d.out = d.out[:mark]
		if isData {
			d.out, d.att, d.lookalike = d.out[:0], d.att[:0], false
			dataKind = kindOf(d.src[d.i:])
			undefined, err := d.value(1)
			if err != nil {
				return nil, err
			}
			hasData = !undefined
			continue
		}
		if at != nil {
			*at = d.i
		}
		if err := d.skip(); err != nil {
			return nil, err
		}
	}
	if d.i != len(d.src) {
		return nil, invalid("%d bytes after the packet", len(d.src)-d.i)
	}

	// The checks of socket.io-msgpack-parser's checkPacket, in its order.
	p := &parser.Packet{}
	t, ok := d.integer(typeAt)
	if !ok || t > uint64(parser.ConnectError) {
		return nil, invalid("invalid packet type")
	}
	p.Type = parser.Type(t)
	if p.Namespace, ok = d.str(nspAt); !ok {
		return nil, invalid("invalid namespace")
	}
	if !dataValid(p.Type, hasData, dataKind) {
		return nil, invalid("invalid payload for %s", p.Type)
	}
	if idAt >= 0 && !d.undefined(idAt) {
		if p.ID, ok = d.integer(idAt); !ok {
			return nil, invalid("invalid packet id")
		}
		p.HasID = true
	}

	// The default parser's rules, which the layers above rely on.
	if p.Type == parser.Event && !validEventName(d.out) {
		return nil, invalid("invalid event name")
	}
	if d.lookalike && len(d.att) > 0 {
		return nil, invalid("a map in the data looks like an attachment placeholder")
	}
	if hasData {
		p.Data = d.out
	}
	if len(d.att) > 0 {
		p.Attachments = d.att
	}
	return p, nil
}

// dataValid applies the reference's isDataValid to the kind of the data.
func dataValid(t parser.Type, has bool, kind int) bool {
	switch t {
	case parser.Connect:
		return !has || kind == kindMap
	case parser.Disconnect:
		return !has
	case parser.ConnectError:
		return has && (kind == kindMap || kind == kindString)
	default:
		return has && kind == kindArray
	}
}

// validEventName reports whether data, the JSON array of an EVENT, has a
// first element that is a number or a string other than a reserved name,
// as the default parser requires. The strings this package writes escape
// only what no reserved name holds, so a name is compared as written.
func validEventName(data []byte) bool {
	if len(data) < 2 || data[0] != '[' {
		return false
	}
	switch c := data[1]; {
	case c == '-' || c >= '0' && c <= '9':
		return true
	case c != '"':
		return false
	}
	end := 2
	for end < len(data) && data[end] != '"' {
		if data[end] == '\\' {
			return true // escaped: not a reserved name
		}
		end++
	}
	name := data[2:end]
	for _, r := range parser.ReservedEvents {
		if string(name) == r {
			return false
		}
	}
	return true
}

// kindOf tells the kind of the value that b starts with, as the
// reference's checks see it: a Map is an object, an ext that notepack.io
// decodes into [type, Buffer] an array; a Date, ArrayBuffer or Buffer is
// none of these.
func kindOf(b []byte) int {
	if len(b) == 0 {
		return kindOther
	}
	switch c := b[0]; {
	case c >= 0x80 && c <= 0x8f || c == 0xde || c == 0xdf:
		return kindMap
	case c >= 0x90 && c <= 0x9f || c == 0xdc || c == 0xdd:
		return kindArray
	case c >= 0xa0 && c <= 0xbf || c >= 0xd9 && c <= 0xdb:
		return kindString
	case c == 0xd5 || c == 0xd6 || c == 0xd8:
		return kindArray
	case c == 0xd4 || c == 0xd7:
		if len(b) > 1 && b[1] != 0 {
			return kindArray
		}
	case c >= 0xc7 && c <= 0xc9:
		if n := 1 << (c - 0xc7); len(b) > n+1 && b[n+1] != 0 {
			return kindArray
		}
	}
	return kindOther
}

// need fails unless n more bytes are there.
func (d *decoder) need(n uint64) error {
	if n > uint64(len(d.src)-d.i) {
		return errTruncated
	}
	return nil
}

// uint reads an n-byte big-endian unsigned integer.
func (d *decoder) uint(n int) (uint64, error) {
	if err := d.need(uint64(n)); err != nil {
		return 0, err
	}
	b := d.src[d.i : d.i+n]
	d.i += n
	switch n {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	}
	return binary.BigEndian.Uint64(b), nil
}

// bytes returns the next n bytes.
func (d *decoder) bytes(n uint64) ([]byte, error) {
	if err := d.need(n); err != nil {
		return nil, err
	}
	b := d.src[d.i : d.i+int(n) : d.i+int(n)]
	d.i += int(n)
	return b, nil
}

// mapHeader reads the header of a map and returns its size; ok is false,
// and nothing read, if the next value is not a map.
func (d *decoder) mapHeader() (n uint64, ok bool, err error) {
	if err := d.need(1); err != nil {
		return 0, false, err
	}
	switch c := d.src[d.i]; {
	case c >= 0x80 && c <= 0x8f:
		d.i++
		n = uint64(c & 0x0f)
	case c == 0xde:
		d.i++
		n, err = d.uint(2)
	case c == 0xdf:
		d.i++
		n, err = d.uint(4)
	default:
		return 0, false, nil
	}
	if err == nil && n > uint64(len(d.src)-d.i)/2 {
		err = errTruncated
	}
	return n, true, err
}

// value writes the value that starts at d.i as JSON, at depth depth (the
// data itself is at depth 1). It writes nothing, and reports it, for
// undefined: an array writes null in its place, a map drops its key.
func (d *decoder) value(depth int) (undefined bool, err error) {
	if err := d.need(1); err != nil {
		return false, err
	}
	c := d.src[d.i]
	d.i++
	switch {
	case c <= 0x7f:
		d.out = strconv.AppendUint(d.out, uint64(c), 10)
		return false, nil
	case c >= 0xe0:
		d.out = strconv.AppendInt(d.out, int64(int8(c)), 10)
		return false, nil
	case c <= 0x8f:
		return false, d.mapValue(uint64(c&0x0f), depth)
	case c <= 0x9f:
		return false, d.array(uint64(c&0x0f), depth)
	case c <= 0xbf:
		return false, d.string(uint64(c & 0x1f))
	}
	var n uint64
	switch c {
	case 0xc0:
		d.out = append(d.out, "null"...)
	case 0xc2:
		d.out = append(d.out, "false"...)
	case 0xc3:
		d.out = append(d.out, "true"...)
	case 0xc4, 0xc5, 0xc6:
		if n, err = d.uint(1 << (c - 0xc4)); err == nil {
			err = d.binary(n)
		}
	case 0xc7, 0xc8, 0xc9:
		if n, err = d.uint(1 << (c - 0xc7)); err == nil {
			err = d.ext(n, depth)
		}
	case 0xca:
		if n, err = d.uint(4); err == nil {
			d.out = jsval.AppendNumberJSON(d.out, float64(math.Float32frombits(uint32(n))))
		}
	case 0xcb:
		if n, err = d.uint(8); err == nil {
			d.out = jsval.AppendNumberJSON(d.out, math.Float64frombits(n))
		}
	case 0xcc, 0xcd, 0xce, 0xcf:
		if n, err = d.uint(1 << (c - 0xcc)); err == nil {
			d.out = strconv.AppendUint(d.out, n, 10)
		}
	case 0xd0, 0xd1, 0xd2, 0xd3:
		if n, err = d.uint(1 << (c - 0xd0)); err == nil {
			d.out = strconv.AppendInt(d.out, signExtend(n, 1<<(c-0xd0)), 10)
		}
	case 0xd4:
		if err = d.need(2); err == nil && d.src[d.i] == 0 {
			d.i += 2 // undefined
			return true, nil
		}
		if err == nil {
			err = d.ext(1, depth)
		}
	case 0xd5, 0xd6, 0xd8:
		err = d.ext(1<<(c-0xd4), depth)
	case 0xd7:
		if err = d.need(9); err == nil && d.src[d.i] == 0 {
			d.i++
			n, _ = d.uint(8)
			d.out = jsval.AppendDateJSON(d.out, jsval.TimeClip(float64(int64(n))))
		} else if err == nil {
			err = d.ext(8, depth)
		}
	case 0xd9, 0xda, 0xdb:
		if n, err = d.uint(1 << (c - 0xd9)); err == nil {
			err = d.string(n)
		}
	case 0xdc, 0xdd:
		if n, err = d.uint(2 << (c - 0xdc)); err == nil {
			err = d.array(n, depth)
		}
	case 0xde, 0xdf:
		if n, err = d.uint(2 << (c - 0xde)); err == nil {
			err = d.mapValue(n, depth)
		}
	default:
		err = invalid("unknown type 0x%02x", c)
	}
	return false, err
}

// signExtend reads the low size bytes of n as a signed integer.
func signExtend(n uint64, size int) int64 {
	shift := 64 - 8*size
	return int64(n<<shift) >> shift
}

func (d *decoder) string(n uint64) error {
	b, err := d.bytes(n)
	if err != nil {
		return err
	}
	d.out = jsval.AppendStringJSON(d.out, b)
	return nil
}

// binary takes n bytes out as an attachment and writes its placeholder.
func (d *decoder) binary(n uint64) error {
	b, err := d.bytes(n)
	if err != nil {
		return err
	}
	d.out = append(d.out, `{"_placeholder":true,"num":`...)
	d.out = strconv.AppendInt(d.out, int64(len(d.att)), 10)
	d.out = append(d.out, '}')
	d.att = append(d.att, b)
	return nil
}

// ext writes an extension value of n bytes, whose type is next: type 0
// is an ArrayBuffer, binary as any other; another type is [type, Buffer]
// in notepack.io, an array at depth depth.
func (d *decoder) ext(n uint64, depth int) error {
	if err := d.need(1 + n); err != nil {
		return err
	}
	t := int8(d.src[d.i])
	d.i++
	if t == 0 {
		return d.binary(n)
	}
	if depth > d.maxDepth {
		return errTooDeep
	}
	d.out = append(strconv.AppendInt(append(d.out, '['), int64(t), 10), ',')
	if err := d.binary(n); err != nil {
		return err
	}
	d.out = append(d.out, ']')
	return nil
}

func (d *decoder) array(n uint64, depth int) error {
	if depth > d.maxDepth {
		return errTooDeep
	}
	if err := d.need(n); err != nil { // each element takes a byte at least
		return err
	}
	d.out = append(d.out, '[')
	for i := range n {
		if i > 0 {
			d.out = append(d.out, ',')
		}
		undefined, err := d.value(depth + 1)
		if err != nil {
			return err
		}
		if undefined {
			d.out = append(d.out, "null"...) // as JSON.stringify writes it
		}
	}
	d.out = append(d.out, ']')
	return nil
}

// mapValue writes a map as a JSON object, its keys in their order on the
// wire. An entry whose value is undefined is left out, as JSON.stringify
// leaves it out, and so is one whose key is "__proto__", which in
// JavaScript sets the object's prototype instead of a property.
func (d *decoder) mapValue(n uint64, depth int) error {
	if depth > d.maxDepth {
		return errTooDeep
	}
	if err := d.need(2 * n); err != nil {
		return err
	}
	d.out = append(d.out, '{')
	empty := true
	for range n {
		mark, attachments := len(d.out), len(d.att)
		if !empty {
			d.out = append(d.out, ',')
		}
		keyAt := len(d.out)
		if err := d.key(); err != nil {
			return err
		}
		keyEnd, valueAt := len(d.out), d.i
		d.out = append(d.out, ':')
		undefined, err := d.value(depth + 1)
		if err != nil {
			return err
		}
		key := d.out[keyAt:keyEnd]
		if undefined || string(key) == `"__proto__"` {
			d.out, d.att = d.out[:mark], d.att[:attachments]
			continue
		}
		if string(key) == `"_placeholder"` && d.src[valueAt] == 0xc3 {
			d.lookalike = true
		}
		empty = false
	}
	d.out = append(d.out, '}')
	return nil
}

// key writes a map key as a JSON string: the property name JavaScript
// makes of it. A string, or a Buffer, is decoded from UTF-8; a number,
// null, a boolean or undefined is written as String() writes it. Other
// keys (arrays, maps, other extension values) are refused: JavaScript
// would name them "[object Object]" and the like.
func (d *decoder) key() error {
	if err := d.need(1); err != nil {
		return err
	}
	c := d.src[d.i]
	var n uint64
	var err error
	switch {
	case c >= 0xa0 && c <= 0xbf:
		d.i++
		return d.string(uint64(c & 0x1f))
	case c >= 0xd9 && c <= 0xdb:
		d.i++
		if n, err = d.uint(1 << (c - 0xd9)); err == nil {
			err = d.string(n)
		}
		return err
	case c >= 0xc4 && c <= 0xc6:
		d.i++
		if n, err = d.uint(1 << (c - 0xc4)); err == nil {
			err = d.string(n)
		}
		return err
	case c == 0xca || c == 0xcb:
		d.i++
		size := 4 << (c - 0xca)
		if n, err = d.uint(size); err != nil {
			return err
		}
		f := math.Float64frombits(n)
		if size == 4 {
			f = float64(math.Float32frombits(uint32(n)))
		}
		d.out = append(jsval.AppendNumber(append(d.out, '"'), f), '"')
		return nil
	case c == 0xd4:
		if err := d.need(3); err == nil && d.src[d.i+1] == 0 {
			d.i += 3
			d.out = append(d.out, `"undefined"`...)
			return nil
		}
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3 || c >= 0xcc && c <= 0xd3:
		d.out = append(d.out, '"')
		if _, err := d.value(0); err != nil {
			return err
		}
		d.out = append(d.out, '"')
		return nil
	}
	return invalid("map key of type 0x%02x", c)
}

// skip skips the value that starts at d.i, checking only that it is
// there: the values of keys the packet does not use. It needs no stack,
// so it has no depth limit.
func (d *decoder) skip() error {
	for pending := uint64(1); pending > 0; pending-- {
		if err := d.need(1); err != nil {
			return err
		}
		c := d.src[d.i]
		d.i++
		var n uint64 // bytes to skip
		var err error
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c <= 0x8f:
			pending += 2 * uint64(c&0x0f)
		case c <= 0x9f:
			pending += uint64(c & 0x0f)
		case c <= 0xbf:
			n = uint64(c & 0x1f)
		case c >= 0xc4 && c <= 0xc6:
			n, err = d.uint(1 << (c - 0xc4))
		case c >= 0xc7 && c <= 0xc9:
			n, err = d.uint(1 << (c - 0xc7))
			n++ // the type
		case c == 0xca || c == 0xcb:
			n = 4 << (c - 0xca)
		case c >= 0xcc && c <= 0xcf:
			n = 1 << (c - 0xcc)
		case c >= 0xd0 && c <= 0xd3:
			n = 1 << (c - 0xd0)
		case c >= 0xd4 && c <= 0xd8:
			n = 1 + 1<<(c-0xd4)
		case c >= 0xd9 && c <= 0xdb:
			n, err = d.uint(1 << (c - 0xd9))
		case c == 0xdc || c == 0xdd:
			n, err = d.uint(2 << (c - 0xdc))
			pending, n = pending+n, 0
		case c == 0xde || c == 0xdf:
			n, err = d.uint(2 << (c - 0xde))
			pending, n = pending+2*n, 0
		default:
			return invalid("unknown type 0x%02x", c)
		}
		if err == nil {
			err = d.need(n)
		}
		if err != nil {
			return err
		}
		d.i += int(n)
		// Every value pending takes a byte at least: more than remain is
		// a truncated message (and no count can overflow).
		if pending-1 > uint64(len(d.src)-d.i) {
			return errTruncated
		}
	}
	return nil
}

// integer reads the value at offset at, already checked to be there, as
// a packet's type or id: a non-negative integer (Number.isInteger: an
// integer type, or a float with an integral value) that fits in a
// uint64. ok is false for anything else, or if at is -1.
func (d *decoder) integer(at int) (v uint64, ok bool) {
	if at < 0 {
		return 0, false
	}
	r := decoder{src: d.src, i: at + 1}
	c := d.src[at]
	switch {
	case c <= 0x7f:
		return uint64(c), true
	case c >= 0xcc && c <= 0xcf:
		v, _ = r.uint(1 << (c - 0xcc))
		return v, true
	case c >= 0xd0 && c <= 0xd3:
		v, _ = r.uint(1 << (c - 0xd0))
		// Negative ids are integers to the reference, but none of its
		// clients or servers makes one, and Packet.ID cannot hold one.
		return v, signExtend(v, 1<<(c-0xd0)) >= 0
	case c == 0xca || c == 0xcb:
		v, _ = r.uint(4 << (c - 0xca))
		f := math.Float64frombits(v)
		if c == 0xca {
			f = float64(math.Float32frombits(uint32(v)))
		}
		if f != math.Trunc(f) || f < 0 || f >= 1<<64 {
			return 0, false // NaN, the infinities, fractions, out of range
		}
		return uint64(f), true
	}
	return 0, false
}

// str reads the string at offset at, already checked to be there, with
// invalid UTF-8 replaced. ok is false if it is not a string.
func (d *decoder) str(at int) (s string, ok bool) {
	if at < 0 {
		return "", false
	}
	r := decoder{src: d.src, i: at + 1}
	var n uint64
	switch c := d.src[at]; {
	case c >= 0xa0 && c <= 0xbf:
		n = uint64(c & 0x1f)
	case c >= 0xd9 && c <= 0xdb:
		n, _ = r.uint(1 << (c - 0xd9))
	default:
		return "", false
	}
	b, _ := r.bytes(n)
	if string(b) == "/" {
		return "/", true // the common case, without an allocation
	}
	if utf8.Valid(b) {
		return string(b), true
	}
	return string(jsval.AppendValid(nil, b)), true
}

// undefined reports whether the value at offset at is undefined.
func (d *decoder) undefined(at int) bool {
	return d.src[at] == 0xd4 && d.src[at+1] == 0
}
