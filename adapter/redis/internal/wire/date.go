package wire

import (
	"encoding/binary"
	"math"
	"time"
)

// A date is what notepack decodes a timestamp extension into: a
// JavaScript Date, a count of milliseconds since 1970 or invalid.
type date struct {
	ms    int64
	valid bool
}

// newDate is the Date constructor's TimeClip: ms within ±8.64e15, else
// an invalid date; truncated toward zero.
func newDate(ms float64) date {
	if !(math.Abs(ms) <= 8.64e15) {
		return date{}
	}
	return date{ms: int64(math.Trunc(ms)), valid: true}
}

// extDate returns the Date notepack 3.0.1 makes of the timestamp
// extension with format byte f and payload p, if it makes one. It does the
// decoder's floating-point operations one by one, each conversion forcing
// its rounding, so that the milliseconds come out as JavaScript's do:
//
//	d6 ff: seconds (u32)                       → s*1e3
//	d7 ff: ns<<34 | seconds (u64, 30+34 bits)  → s*1e3 + ns/1e6
//	c7 0c ff: ns (u32), seconds (i64)           → (hi*2^32 + lo)*1e3 + ns/1e6
//	d7 00: milliseconds (i64), the legacy form  → hi*2^32 + lo
func extDate(f byte, typ int8, p []byte) (date, bool) {
	be := binary.BigEndian
	switch {
	case f == 0xd6 && typ == -1:
		return newDate(float64(be.Uint32(p)) * 1e3), true
	case f == 0xd7 && typ == -1:
		hi, lo := be.Uint32(p), be.Uint32(p[4:])
		s := float64(float64(hi&3)*4294967296) + float64(lo)
		return newDate(float64(s*1e3) + float64(hi>>2)/1e6), true
	case f == 0xc7 && typ == -1: // readHead made sure len(p) == 12
		ns := be.Uint32(p)
		hi, lo := int32(be.Uint32(p[4:])), be.Uint32(p[8:])
		s := float64(float64(hi)*4294967296) + float64(lo)
		return newDate(float64(s*1e3) + float64(ns)/1e6), true
	case f == 0xd7 && typ == 0:
		hi, lo := int32(be.Uint32(p)), be.Uint32(p[4:])
		return newDate(float64(float64(hi)*4294967296) + float64(lo)), true
	}
	return date{}, false
}

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

// appendISO appends what Date#toISOString gives: the UTC time with
// milliseconds, the year in four digits from 0 to 9999 and as a signed
// six-digit year outside.
func (d date) appendISO(dst []byte) []byte {
	t := time.UnixMilli(d.ms).UTC()
	y := t.Year()
	switch {
	case y < 0:
		dst = appendPadded(append(dst, '-'), -y, 6)
	case y > 9999:
		dst = appendPadded(append(dst, '+'), y, 6)
	default:
		dst = appendPadded(dst, y, 4)
	}
	dst = appendPadded(append(dst, '-'), int(t.Month()), 2)
	dst = appendPadded(append(dst, '-'), t.Day(), 2)
	dst = appendPadded(append(dst, 'T'), t.Hour(), 2)
	dst = appendPadded(append(dst, ':'), t.Minute(), 2)
	dst = appendPadded(append(dst, ':'), t.Second(), 2)
	dst = appendPadded(append(dst, '.'), t.Nanosecond()/1e6, 3)
	return append(dst, 'Z')
}

// appendString appends what String(date) gives in a Node process whose
// time zone is UTC (Date#toString depends on the zone; servers run in UTC
// as a rule, and this side has no other to choose).
func (d date) appendString(dst []byte) []byte {
	if !d.valid {
		return append(dst, "Invalid Date"...)
	}
	t := time.UnixMilli(d.ms).UTC()
	dst = append(dst, t.Weekday().String()[:3]...)
	dst = append(dst, ' ')
	dst = append(dst, t.Month().String()[:3]...)
	dst = appendPadded(append(dst, ' '), t.Day(), 2)
	dst = append(dst, ' ')
	y := t.Year()
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	dst = appendPadded(dst, y, 4)
	dst = appendPadded(append(dst, ' '), t.Hour(), 2)
	dst = appendPadded(append(dst, ':'), t.Minute(), 2)
	dst = appendPadded(append(dst, ':'), t.Second(), 2)
	return append(dst, " GMT+0000 (Coordinated Universal Time)"...)
}
