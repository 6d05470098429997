package wire

import "github.com/tinylib/msgp/msgp"

// The adapter's envelopes, [uid, packet, opts] and {uid, requestId, type,
// packet, opts}, are read field by field with these, and the packet's
// data handed to AppendMsgpackAsJSON. None allocates or copies: strings
// are views into the input. Each checks what it reads as readHead does, so
// a claimed length is never trusted past the bytes at hand.

// ReadArrayHeader reads the head of an array and returns its length.
func ReadArrayHeader(b []byte) (n int, rest []byte, err error) {
	return readContainer(b, kindArray, "an array")
}

// ReadMapHeader reads the head of a map and returns its number of pairs.
func ReadMapHeader(b []byte) (n int, rest []byte, err error) {
	return readContainer(b, kindMap, "a map")
}

func readContainer(b []byte, k kind, what string) (int, []byte, error) {
	h, rest, err := readHead(b)
	if err != nil {
		return 0, b, err
	}
	if h.kind != k {
		return 0, b, msgpackError("format 0x%02x where %s was expected", h.f, what)
	}
	return h.n, rest, nil
}

// ReadString reads a str and returns its bytes, which alias b and are not
// checked to be UTF-8.
func ReadString(b []byte) (s, rest []byte, err error) {
	h, rest, err := readHead(b)
	if err != nil {
		return nil, b, err
	}
	if h.kind != kindStr {
		return nil, b, msgpackError("format 0x%02x where a string was expected", h.f)
	}
	return rest[:h.n:h.n], rest[h.n:], nil
}

// ReadInt reads an integer in any of msgpack's integer formats, as long
// as it fits an int64.
func ReadInt(b []byte) (v int64, rest []byte, err error) {
	h, rest, err := readHead(b)
	if err != nil {
		return 0, b, err
	}
	if h.kind == kindInt || h.kind == kindUint && h.u <= 1<<63-1 {
		return int64(h.u), rest, nil
	}
	return 0, b, msgpackError("format 0x%02x where an int64 was expected", h.f)
}

// Skip returns what follows the value at the start of b, which it checks
// as AppendMsgpackAsJSON would, with the same depth limit.
func Skip(b []byte) (rest []byte, err error) {
	return skip(b, 0)
}

// The writers below make the envelopes as notepack would; msgp writes
// the heads.

// AppendArrayHeader appends the head of an array of n elements.
func AppendArrayHeader(dst []byte, n int) []byte {
	return msgp.AppendArrayHeader(dst, uint32(n))
}

// AppendMapHeader appends the head of a map of n pairs.
func AppendMapHeader(dst []byte, n int) []byte {
	return msgp.AppendMapHeader(dst, uint32(n))
}

// AppendString appends s, which must be UTF-8, as a str.
func AppendString(dst []byte, s string) []byte {
	return msgp.AppendString(dst, s)
}

// AppendInt appends v in the format notepack picks for a number: the
// smallest, unsigned when v >= 0.
func AppendInt(dst []byte, v int64) []byte {
	return appendInt(dst, v)
}

// AppendBool appends true or false.
func AppendBool(dst []byte, v bool) []byte {
	return msgp.AppendBool(dst, v)
}
