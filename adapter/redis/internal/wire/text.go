package wire

import "unicode/utf8"

// Text in both directions is UTF-8 as Node reads bytes (Buffer#toString,
// the WHATWG decoder): each maximal ill-formed subsequence becomes one
// U+FFFD. Go's utf8 package accepts exactly the same well-formed
// sequences, so it finds the valid runs; jsval.InvalidLen sizes the bad
// ones, and jsval writes the text of decoded values.

const replacement = "\uFFFD"

// jsonSafe[c] reports whether ASCII byte c stands for itself inside a
// JSON string as JSON.parse reads it.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

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
