package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// WebSocket framing (RFC 6455), the client's side, without extensions:
// what a server sends is parsed straight from the stream's buffer, and
// what the client sends is built into a buffer the caller reuses, so that
// a message costs no allocation and no io.Reader.

// The opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// closeNoStatus is the code a close frame without a body stands for.
const closeNoStatus = 1005

// appendFrame appends one final frame of opcode op carrying payload,
// masked with key as a client's frames must be.
func appendFrame(dst []byte, op byte, payload []byte, key [4]byte) []byte {
	dst = append(dst, 0x80|op)
	switch n := len(payload); {
	case n <= 125:
		dst = append(dst, 0x80|byte(n))
	case n <= 0xffff:
		dst = append(dst, 0x80|126, byte(n>>8), byte(n))
	default:
		dst = append(dst, 0x80|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	dst = append(dst, key[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	maskBytes(dst[start:], key)
	return dst
}

// maskBytes XORs b, a frame's whole payload, with key, eight bytes at a
// time.
func maskBytes(b []byte, key [4]byte) {
	k := uint64(binary.LittleEndian.Uint32(key[:]))
	k |= k << 32
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k)
	}
	for ; i < len(b); i++ {
		b[i] ^= key[i&3]
	}
}

// frameReader parses the frames a server sends and reassembles the
// messages sent in fragments.
type frameReader struct {
	msgOp byte   // the opcode of the fragmented message under way; 0: none
	msg   []byte // its text so far (binary messages are not kept)
}

// errProtocol is wrapped by the errors of frames that break RFC 6455.
var errProtocol = errors.New("websocket protocol error")

// closeError is what reading returns when the server sent a close frame.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string {
	return fmt.Sprintf("websocket: the server closed the connection (%d %q)", e.code, e.reason)
}

// parse consumes the complete frames at the start of b and returns how
// many bytes they took. It calls text with each text message, complete,
// and control with each control frame (close, ping, pong), in order; the
// slices are valid until the stream reads again. Binary messages are
// skipped: no workload asks for them. It stops at the first error,
// text's and control's included.
func (r *frameReader) parse(b []byte, text func(p []byte) error, control func(op byte, p []byte) error) (int, error) {
	used := 0
	for {
		f := b[used:]
		if len(f) < 2 {
			return used, nil
		}
		fin, op := f[0]&0x80 != 0, f[0]&0x0f
		if f[0]&0x70 != 0 {
			return used, fmt.Errorf("%w: reserved bits set without an extension", errProtocol)
		}
		if f[1]&0x80 != 0 {
			return used, fmt.Errorf("%w: a masked frame from the server", errProtocol)
		}
		n, hdr := uint64(f[1]&0x7f), 2
		switch n {
		case 126:
			if len(f) < 4 {
				return used, nil
			}
			n, hdr = uint64(binary.BigEndian.Uint16(f[2:])), 4
		case 127:
			if len(f) < 10 {
				return used, nil
			}
			n, hdr = binary.BigEndian.Uint64(f[2:]), 10
		}
		if n > maxUnit {
			return used, fmt.Errorf("a frame of %d bytes, more than %d", n, maxUnit)
		}
		if uint64(len(f)-hdr) < n {
			return used, nil
		}
		p := f[hdr : hdr+int(n)]
		used += hdr + int(n)
		if err := r.frame(fin, op, p, text, control); err != nil {
			return used, err
		}
	}
}

// frame handles one complete frame.
func (r *frameReader) frame(fin bool, op byte, p []byte, text func(p []byte) error, control func(op byte, p []byte) error) error {
	switch op {
	case opClose, opPing, opPong:
		if !fin || len(p) > 125 {
			return fmt.Errorf("%w: a fragmented or long control frame", errProtocol)
		}
		return control(op, p)
	case opText, opBinary:
		if r.msgOp != 0 {
			return fmt.Errorf("%w: a new message inside a fragmented one", errProtocol)
		}
		if !fin {
			r.msgOp = op
			r.msg = r.msg[:0]
			if op == opText {
				r.msg = append(r.msg, p...)
			}
			return nil
		}
		if op == opText {
			return text(p)
		}
		return nil
	case opContinuation:
		if r.msgOp == 0 {
			return fmt.Errorf("%w: a continuation frame outside a message", errProtocol)
		}
		if r.msgOp == opText {
			if len(r.msg)+len(p) > maxUnit {
				return fmt.Errorf("a message of more than %d bytes", maxUnit)
			}
			r.msg = append(r.msg, p...)
		}
		if !fin {
			return nil
		}
		msgOp := r.msgOp
		r.msgOp = 0
		if msgOp == opText {
			return text(r.msg)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown opcode %#x", errProtocol, op)
}
