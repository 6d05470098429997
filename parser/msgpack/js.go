package msgpack

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The JSON text of decoded data is what JSON.stringify writes for the
// value notepack.io decodes in Node.js: the helpers here write strings,
// numbers and dates as JavaScript does.

// appendJSONString appends s, the bytes of a msgpack string, as a JSON
// string: each maximal invalid UTF-8 subpart replaced by U+FFFD, as
// Node.js's Buffer.toString does (the WHATWG decoder), then quotes,
// backslashes and control characters escaped, as JSON.stringify does.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	if utf8.Valid(s) {
		dst = appendEscaped(dst, s)
	} else {
		dst = appendReplaced(dst, s, true)
	}
	return append(dst, '"')
}

// appendReplaced appends s with its invalid UTF-8 replaced, escaped for
// JSON if escape is set.
func appendReplaced(dst, s []byte, escape bool) []byte {
	for len(s) > 0 {
		n := validPrefix(s)
		if escape {
			dst = appendEscaped(dst, s[:n])
		} else {
			dst = append(dst, s[:n]...)
		}
		if s = s[n:]; len(s) == 0 {
			break
		}
		dst = append(dst, "\uFFFD"...)
		s = s[invalidLen(s):]
	}
	return dst
}

// validPrefix returns the length of the longest prefix of s that is
// valid UTF-8.
func validPrefix(s []byte) int {
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	return i
}

// invalidLen returns the length of the maximal subpart of an ill-formed
// sequence that starts s (Unicode 3.9, as the WHATWG UTF-8 decoder takes
// it): the bytes that could begin a well-formed sequence, which one
// U+FFFD replaces.
func invalidLen(s []byte) int {
	lo, hi := byte(0x80), byte(0xbf)
	var need int
	switch c := s[0]; {
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
	for ; i <= need && i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return i
		}
		lo, hi = 0x80, 0xbf
	}
	return i
}

const hexDigits = "0123456789abcdef"

// appendEscaped appends valid UTF-8 s with the escapes of JSON.stringify:
// quote, backslash, and the control characters, as \b \t \n \f \r or
// \u00xx.
func appendEscaped(dst, s []byte) []byte {
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendNumber appends f as JSON.stringify writes a number: null for NaN
// and the infinities, otherwise as Number.prototype.toString.
func appendNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return appendJSNumber(dst, f)
}

// appendJSNumber appends f as JavaScript's Number.prototype.toString
// does: the shortest digits that read back as f, in plain notation from
// 1e-7 up to 1e21 and in exponent notation outside, -0 as 0. (It is
// what encoding/json writes for a float64, which follows the same
// rule.)
func appendJSNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		return append(dst, '0')
	}
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 → 1e-7, as JavaScript writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// maxTime is the largest time value, in milliseconds from the epoch, a
// JavaScript Date holds; past it a Date is invalid.
const maxTime = 8.64e15

// appendDate appends the JSON of a Date of ms milliseconds from the
// epoch: the quoted ISO 8601 string of Date.prototype.toISOString, with a
// six-digit signed year outside 0 to 9999; null for an invalid Date.
func appendDate(dst []byte, ms int64) []byte {
	if ms > maxTime || ms < -maxTime {
		return append(dst, "null"...)
	}
	t := time.UnixMilli(ms).UTC()
	dst = append(dst, '"')
	switch y := t.Year(); {
	case y >= 0 && y <= 9999:
		dst = appendDigits(dst, y, 4)
	case y < 0:
		dst = appendDigits(append(dst, '-'), -y, 6)
	default:
		dst = appendDigits(append(dst, '+'), y, 6)
	}
	dst = appendDigits(append(dst, '-'), int(t.Month()), 2)
	dst = appendDigits(append(dst, '-'), t.Day(), 2)
	dst = appendDigits(append(dst, 'T'), t.Hour(), 2)
	dst = appendDigits(append(dst, ':'), t.Minute(), 2)
	dst = appendDigits(append(dst, ':'), t.Second(), 2)
	dst = appendDigits(append(dst, '.'), t.Nanosecond()/1e6, 3)
	return append(dst, 'Z', '"')
}

// appendDigits appends n, which is not negative, in width digits at
// least, zeros first.
func appendDigits(dst []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n > 0 || len(buf)-i < width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[i:]...)
}
