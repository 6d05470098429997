package wire

import (
	"encoding/binary"
	"math"
)

// kind is what a msgpack value is, as notepack tells them apart.
type kind uint8

const (
	kindNil kind = iota
	kindFalse
	kindTrue
	kindUint  // positive fixint, uint 8/16/32/64: head.u
	kindInt   // negative fixint, int 8/16/32/64: int64(head.u)
	kindFloat // float 32 and 64, as float64 bits in head.u
	kindStr   // head.n bytes follow
	kindBin   // head.n bytes follow
	kindExt   // head.n bytes of type head.ext follow
	kindArray // head.n values follow
	kindMap   // head.n key-value pairs follow
)

// head is the head of one msgpack value: everything before its payload
// or its elements.
type head struct {
	kind kind
	f    byte // the format byte
	ext  int8
	n    int
	u    uint64
}

// readHead reads the head of the value that starts b, and checks that b
// holds the bytes it claims: a payload's length, or at least one byte per
// element, so that nothing is sized from a claim the input cannot back.
func readHead(b []byte) (h head, rest []byte, err error) {
	if len(b) == 0 {
		return h, b, msgpackError("unexpected end of input")
	}
	c := b[0]
	h.f = c
	switch {
	case c <= 0x7f:
		h.kind, h.u = kindUint, uint64(c)
		return h, b[1:], nil
	case c >= 0xe0:
		h.kind, h.u = kindInt, uint64(int64(int8(c)))
		return h, b[1:], nil
	case c <= 0x8f:
		h.kind, h.n = kindMap, int(c&0x0f)
		if h.n > len(b[1:])/2 {
			return h, b, msgpackError("map of %d pairs in %d bytes", h.n, len(b)-1)
		}
		return h, b[1:], nil
	case c <= 0x9f:
		h.kind, h.n = kindArray, int(c&0x0f)
		if h.n > len(b[1:]) {
			return h, b, msgpackError("array of %d elements in %d bytes", h.n, len(b)-1)
		}
		return h, b[1:], nil
	case c <= 0xbf:
		h.kind, h.n = kindStr, int(c&0x1f)
		if h.n > len(b[1:]) {
			return h, b, msgpackError("str of %d bytes, %d left", h.n, len(b)-1)
		}
		return h, b[1:], nil
	}
	be := binary.BigEndian
	size := headSize[c-0xc0]
	if size == 0 {
		return h, b, msgpackError("byte 0x%02x is no msgpack format", c)
	}
	if len(b) < size {
		return h, b, msgpackError("format 0x%02x needs %d bytes, %d left", c, size, len(b))
	}
	p, rest := b[1:size], b[size:]
	var n uint64 // a length or count, checked against rest before use
	switch c {
	case 0xc0:
		h.kind = kindNil
	case 0xc2:
		h.kind = kindFalse
	case 0xc3:
		h.kind = kindTrue
	case 0xc4, 0xc5, 0xc6:
		h.kind, n = kindBin, uintN(p)
	case 0xc7, 0xc8, 0xc9:
		h.kind, n, h.ext = kindExt, uintN(p[:len(p)-1]), int8(p[len(p)-1])
		if c == 0xc7 && h.ext == -1 && n != 12 {
			// notepack reads 12 bytes whatever the length says, and
			// loses its place in what follows; this is no timestamp.
			return h, b, msgpackError("timestamp 96 of %d bytes", n)
		}
	case 0xca:
		h.kind, h.u = kindFloat, math.Float64bits(float64(math.Float32frombits(be.Uint32(p))))
	case 0xcb:
		h.kind, h.u = kindFloat, be.Uint64(p)
	case 0xcc, 0xcd, 0xce, 0xcf:
		h.kind, h.u = kindUint, uintN(p)
	case 0xd0:
		h.kind, h.u = kindInt, uint64(int64(int8(p[0])))
	case 0xd1:
		h.kind, h.u = kindInt, uint64(int64(int16(be.Uint16(p))))
	case 0xd2:
		h.kind, h.u = kindInt, uint64(int64(int32(be.Uint32(p))))
	case 0xd3:
		h.kind, h.u = kindInt, be.Uint64(p)
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		h.kind, n, h.ext = kindExt, 1<<(c-0xd4), int8(p[0])
	case 0xd9, 0xda, 0xdb:
		h.kind, n = kindStr, uintN(p)
	case 0xdc, 0xdd:
		h.kind, n = kindArray, uintN(p)
		if n > uint64(len(rest)) {
			return h, b, msgpackError("array of %d elements in %d bytes", n, len(rest))
		}
	case 0xde, 0xdf:
		h.kind, n = kindMap, uintN(p)
		if n > uint64(len(rest)/2) {
			return h, b, msgpackError("map of %d pairs in %d bytes", n, len(rest))
		}
	}
	if (h.kind == kindStr || h.kind == kindBin || h.kind == kindExt) && n > uint64(len(rest)) {
		return h, b, msgpackError("format 0x%02x claims %d bytes, %d left", c, n, len(rest))
	}
	h.n = int(n)
	return h, rest, nil
}

// headSize is the size of the head of formats 0xc0 to 0xdf, format byte
// included; 0 for 0xc1, which is no format.
var headSize = [32]int{
	1, 0, 1, 1, // nil, (never used), false, true
	2, 3, 5, // bin 8, 16, 32
	3, 4, 6, // ext 8, 16, 32
	5, 9, // float 32, 64
	2, 3, 5, 9, // uint 8, 16, 32, 64
	2, 3, 5, 9, // int 8, 16, 32, 64
	2, 2, 2, 2, 2, // fixext 1, 2, 4, 8, 16
	2, 3, 5, // str 8, 16, 32
	3, 5, // array 16, 32
	3, 5, // map 16, 32
}

// uintN reads a big-endian unsigned integer of 1, 2, 4 or 8 bytes.
func uintN(p []byte) uint64 {
	switch len(p) {
	case 1:
		return uint64(p[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(p))
	case 4:
		return uint64(binary.BigEndian.Uint32(p))
	}
	return binary.BigEndian.Uint64(p)
}
