package jsval

import (
	"math"
	"strconv"
)

// AppendNumber appends f as Number#toString and String(f) write it
// (ECMA-262 Number::toString): NaN, Infinity and -Infinity by name, -0 as
// 0, otherwise the shortest digits that read back as f, in plain notation
// from 1e-7 up to but excluding 1e21 and in exponent notation outside
// (1e-7, 1.5e+21).
func AppendNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return appendFinite(dst, f)
}

// AppendNumberJSON appends f as JSON.stringify writes a number: as
// AppendNumber, but NaN and the infinities as null.
func AppendNumberJSON(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return appendFinite(dst, f)
}

// appendFinite appends the finite f as Number::toString writes it. It is
// also what encoding/json writes for a float64, which follows the same
// rule, except for -0.
func appendFinite(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, '0')
	}
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// strconv writes at least two exponent digits: 1e-07 → 1e-7.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}
