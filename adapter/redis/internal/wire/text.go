package wire

import "unicode/utf8"

// Text in both directions is UTF-8 as Node reads bytes (Buffer#toString,
// the WHATWG decoder): each maximal ill-formed subsequence becomes one
// U+FFFD. Go's utf8 package accepts exactly the same well-formed
// sequences, so it finds the valid runs; badLen sizes the bad ones.

const replacement = "\uFFFD"

// badLen returns the length of the maximal ill-formed subsequence at the
// start of b, where utf8.DecodeRune failed: the lead byte and the bytes
// after it that could still have continued a well-formed sequence.
func badLen(b []byte) int {
	lo, hi := byte(0x80), byte(0xbf)
	var need int
	switch c := b[0]; {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		need, lo = 2, 0xa0
	case c == 0xed:
		need, hi = 2, 0x9f
	case c >= 0xe1 && c <= 0xef:
		need = 2
	case c == 0xf0:
		need, lo = 3, 0x90
	case c == 0xf4:
		need, hi = 3, 0x8f
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	default:
		return 1
	}
	i := 1
	for i <= need && i < len(b) && b[i] >= lo && b[i] <= hi {
		i++
		lo, hi = 0x80, 0xbf
	}
	return i
}

// jsonSafe[c] reports whether ASCII byte c stands for itself inside a
// JSON string, both as JSON.parse reads it and as JSON.stringify writes it.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendEscaped appends the UTF-8 text s as the inside of a JSON string,
// escaped as JSON.stringify escapes it, ill-formed bytes replaced.
func appendEscaped(dst, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, replacement...)
			i += badLen(s[i:])
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

// arrayIndex reports whether the string s is an array index, a key that
// JavaScript lists before all others, in numeric order: the canonical
// decimal form of an integer from 0 to 2^32-2.
func arrayIndex(s []byte) (uint32, bool) {
	if len(s) == 0 || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-2 {
		return 0, false
	}
	return uint32(n), true
}
