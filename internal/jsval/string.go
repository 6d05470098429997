package jsval

import "unicode/utf8"

// safe[c] reports whether the ASCII byte c stands for itself inside a
// JSON string, both as JSON.parse reads it and as JSON.stringify writes
// it.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// AppendStringJSON appends what JSON.stringify writes for the string Node
// decodes s to: AppendEscaped's text, quoted.
func AppendStringJSON(dst, s []byte) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s, false)
	return append(dst, '"')
}

// AppendEscaped appends the UTF-8 text s as the inside of the string
// JSON.stringify writes for it: quote and backslash escaped, the control
// characters as \b \t \n \f \r or \u00xx, everything else as is, and each
// maximal invalid subpart replaced by U+FFFD (see DecodeRune).
func AppendEscaped(dst, s []byte) []byte {
	return appendEscaped(dst, s, false)
}

// AppendScriptEscaped is AppendEscaped for a string literal in a script:
// it escapes U+2028 and U+2029 as well, which JSON allows in a string and
// JavaScript before ES2019 does not.
func AppendScriptEscaped(dst, s []byte) []byte {
	return appendEscaped(dst, s, true)
}

func appendEscaped(dst, s []byte, script bool) []byte {
	start := 0 // s[start:i] is yet to be copied as is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
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
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, replacement...)
			i += InvalidLen(s[i:])
			start = i
		case script && (r == '\u2028' || r == '\u2029'):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
		default:
			i += size
		}
	}
	return append(dst, s[start:]...)
}
