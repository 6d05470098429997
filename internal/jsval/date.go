package jsval

import (
	"math"
	"time"
)

// A Date's time value is a float64, as in JavaScript: whole milliseconds
// since 1970-01-01 UTC, within ±MaxTime, or NaN for an invalid Date.

// MaxTime is the largest time value, in milliseconds from the epoch, a
// Date holds (ECMA-262 "Time Values and Time Range"); past it a Date is
// invalid.
const MaxTime = 8.64e15

// TimeClip returns the time value new Date(ms) holds: ms truncated toward
// zero, or NaN when ms is NaN or beyond ±MaxTime.
func TimeClip(ms float64) float64 {
	if !(math.Abs(ms) <= MaxTime) {
		return math.NaN()
	}
	return math.Trunc(ms)
}

// AppendDateJSON appends what JSON.stringify writes for the Date of time
// value t: the quoted string of Date#toISOString, the UTC time with
// milliseconds and the year in four digits from 0 to 9999 and as a signed
// six-digit year outside; null for an invalid Date.
func AppendDateJSON(dst []byte, t float64) []byte {
	if !(math.Abs(t) <= MaxTime) {
		return append(dst, "null"...)
	}
	tm := time.UnixMilli(int64(t)).UTC()
	dst = append(dst, '"')
	switch y := tm.Year(); {
	case y < 0:
		dst = appendPadded(append(dst, '-'), -y, 6)
	case y > 9999:
		dst = appendPadded(append(dst, '+'), y, 6)
	default:
		dst = appendPadded(dst, y, 4)
	}
	dst = appendPadded(append(dst, '-'), int(tm.Month()), 2)
	dst = appendPadded(append(dst, '-'), tm.Day(), 2)
	dst = appendPadded(append(dst, 'T'), tm.Hour(), 2)
	dst = appendPadded(append(dst, ':'), tm.Minute(), 2)
	dst = appendPadded(append(dst, ':'), tm.Second(), 2)
	dst = appendPadded(append(dst, '.'), tm.Nanosecond()/1e6, 3)
	return append(dst, 'Z', '"')
}

// AppendDateString appends what String(date) writes for the Date of time
// value t in a Node process whose time zone is UTC (Date#toString depends
// on the zone; servers run in UTC as a rule, and a Go peer has no other to
// choose): "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal
// Time)", or "Invalid Date".
func AppendDateString(dst []byte, t float64) []byte {
	if !(math.Abs(t) <= MaxTime) {
		return append(dst, "Invalid Date"...)
	}
	tm := time.UnixMilli(int64(t)).UTC()
	dst = append(dst, tm.Weekday().String()[:3]...)
	dst = append(dst, ' ')
	dst = append(dst, tm.Month().String()[:3]...)
	dst = appendPadded(append(dst, ' '), tm.Day(), 2)
	dst = append(dst, ' ')
	y := tm.Year()
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	dst = appendPadded(dst, y, 4)
	dst = appendPadded(append(dst, ' '), tm.Hour(), 2)
	dst = appendPadded(append(dst, ':'), tm.Minute(), 2)
	dst = appendPadded(append(dst, ':'), tm.Second(), 2)
	return append(dst, " GMT+0000 (Coordinated Universal Time)"...)
}

// appendPadded appends n, which is not negative, in width digits at
// least, zeros first.
func appendPadded(dst []byte, n, width int) []byte {
	var buf [12]byte
	i := len(buf)
	for n > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[i:]...)
}
