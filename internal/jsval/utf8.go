package jsval

import "unicode/utf8"

// Go's utf8 package accepts exactly the well-formed sequences the WHATWG
// decoder accepts; they differ only in how much of an ill-formed one a
// single U+FFFD replaces: utf8 one byte, WHATWG the maximal subpart
// (Unicode 3.9, "U+FFFD substitution of maximal subparts").

// DecodeRune is utf8.DecodeRune as Node.js and browsers decode UTF-8: a
// valid sequence decodes to its rune, and an invalid one to
// utf8.RuneError whose size is the sequence's maximal subpart (see
// InvalidLen). An empty b yields (utf8.RuneError, 0).
func DecodeRune(b []byte) (r rune, size int) {
	r, size = utf8.DecodeRune(b)
	if r == utf8.RuneError && size == 1 {
		size = InvalidLen(b)
	}
	return r, size
}

// InvalidLen returns the length of the maximal subpart of the ill-formed
// sequence that starts b, where utf8.DecodeRune reports (RuneError, 1):
// the lead byte and the bytes after it that could still have continued a
// well-formed sequence, 1 to 3 bytes. One U+FFFD replaces them. For
// "\xe2\x82A" it is 2, where utf8 would report each byte on its own.
func InvalidLen(b []byte) int {
	// The bytes that may follow each lead: utf8's accept ranges.
	lo, hi := byte(0x80), byte(0xbf)
	var need int
	switch c := b[0]; {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		need, lo = 2, 0xa0 // not overlong
	case c == 0xed:
		need, hi = 2, 0x9f // no surrogates
	case c >= 0xe1 && c <= 0xef:
		need = 2
	case c == 0xf0:
		need, lo = 3, 0x90 // not overlong
	case c == 0xf4:
		need, hi = 3, 0x8f // nothing above U+10FFFF
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	default: // a continuation byte, or never a lead
		return 1
	}
	// A complete sequence would have decoded, so this stops at need or
	// before.
	i := 1
	for i <= need && i < len(b) && b[i] >= lo && b[i] <= hi {
		i++
		lo, hi = 0x80, 0xbf
	}
	return i
}

// replacement is U+FFFD in UTF-8.
const replacement = "\uFFFD"

// AppendValid appends b as the string Node decodes it to, in UTF-8: b
// with each maximal invalid subpart replaced by U+FFFD.
func AppendValid(dst, b []byte) []byte {
	for len(b) > 0 {
		n := validPrefix(b)
		dst = append(dst, b[:n]...)
		if b = b[n:]; len(b) == 0 {
			break
		}
		dst = append(dst, replacement...)
		b = b[InvalidLen(b):]
	}
	return dst
}

// ValidLen returns len(AppendValid(nil, b)) without writing it.
func ValidLen(b []byte) int {
	n := 0
	for len(b) > 0 {
		v := validPrefix(b)
		n += v
		if b = b[v:]; len(b) == 0 {
			break
		}
		n += len(replacement)
		b = b[InvalidLen(b):]
	}
	return n
}

// validPrefix returns the length of the longest prefix of b that is
// valid UTF-8.
func validPrefix(b []byte) int {
	i := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	return i
}
