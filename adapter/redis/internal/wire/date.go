package wire

import (
	"encoding/binary"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// extDate returns the time value of the Date notepack 3.0.1 makes of the
// timestamp extension with format byte f and payload p, if it makes one
// (NaN for an invalid Date, as jsval.TimeClip gives). It does the
// decoder's floating-point operations one by one, each conversion forcing
// its rounding, so that the milliseconds come out as JavaScript's do:
//
//	d6 ff: seconds (u32)                       → s*1e3
//	d7 ff: ns<<34 | seconds (u64, 30+34 bits)  → s*1e3 + ns/1e6
//	c7 0c ff: ns (u32), seconds (i64)           → (hi*2^32 + lo)*1e3 + ns/1e6
//	d7 00: milliseconds (i64), the legacy form  → hi*2^32 + lo
func extDate(f byte, typ int8, p []byte) (float64, bool) {
	be := binary.BigEndian
	switch {
	case f == 0xd6 && typ == -1:
		return jsval.TimeClip(float64(be.Uint32(p)) * 1e3), true
	case f == 0xd7 && typ == -1:
		hi, lo := be.Uint32(p), be.Uint32(p[4:])
		s := float64(float64(hi&3)*4294967296) + float64(lo)
		return jsval.TimeClip(float64(s*1e3) + float64(hi>>2)/1e6), true
	case f == 0xc7 && typ == -1: // readHead made sure len(p) == 12
		ns := be.Uint32(p)
		hi, lo := int32(be.Uint32(p[4:])), be.Uint32(p[8:])
		s := float64(float64(hi)*4294967296) + float64(lo)
		return jsval.TimeClip(float64(s*1e3) + float64(ns)/1e6), true
	case f == 0xd7 && typ == 0:
		hi, lo := int32(be.Uint32(p)), be.Uint32(p[4:])
		return jsval.TimeClip(float64(float64(hi)*4294967296) + float64(lo)), true
	}
	return 0, false
}
