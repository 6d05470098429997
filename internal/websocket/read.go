package websocket

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/internal/netpoll"
	"github.com/ab218a8d/socketio/internal/rawio"
)

// maxReadsPerWake is how many reads a busy connection makes before it lets
// the others run.
const maxReadsPerWake = 16

// errWouldBlock is a non-blocking read finding nothing to read.
var errWouldBlock = errors.New("websocket: read would block")

// Serve reads messages until the connection ends and hands each to
// onMessage, in order and one at a time, on goroutines started by the
// Upgrader's Spawn; it returns at once. data belongs to onMessage. When
// onMessage returns false, reading stops and neither callback is called
// again; nor are they after Close. Otherwise onEnd is called once, when
// reading ends, with: a
// *CloseError if the peer sent a close frame; io.EOF; ErrReadLimit or a
// *ProtocolError, after which the peer has been sent a close frame; or the
// read's error. Call Serve once.
//
// While the connection is idle no goroutine waits on it where a
// netpoll.Poller is available; elsewhere one goroutine reads it.
func (c *Conn) Serve(onMessage func(binary bool, data []byte) bool, onEnd func(error)) {
	c.onMessage, c.onEnd = onMessage, onEnd
	if len(c.in) > 0 {
		// Frames came with the handshake: deliver them first, from a
		// goroutine as any other message.
		c.u.opts.Spawn(func() {
			if stop, err := c.parse(); stop || err != nil {
				c.finish(stop, err)
				return
			}
			c.watchOrRead()
		})
		return
	}
	c.watchOrRead()
}

// watchOrRead hands the connection to the Poller, or to a goroutine of its
// own if it cannot watch it.
func (c *Conn) watchOrRead() {
	if c.rc == nil {
		c.u.opts.Spawn(c.readLoop)
		return
	}
	if p := c.u.pollerFor(); p != nil {
		w, err := p.Watch(c.nc, c.readable)
		if err == nil {
			c.watch.Store(w)
			return
		}
	}
	c.u.opts.Spawn(c.readLoop)
}

// readable runs when the Poller sees data: it reads without blocking until
// nothing is left, delivering the messages.
func (c *Conn) readable(w *netpoll.Watch) {
	for reads := 1; ; reads++ {
		drained, stop, err := c.readAndParse(c.readNonblock)
		if err == errWouldBlock {
			drained, err = true, nil
		}
		if stop || err != nil {
			c.finish(stop, err)
			return
		}
		if drained {
			if len(c.in) == 0 {
				c.releaseBuffer()
			}
			// Past a true Done nothing of c's reading state may be
			// touched: the next callback may be running already.
			if w.Done() {
				return
			}
		}
		if reads%maxReadsPerWake == 0 {
			runtime.Gosched() // a busy connection lets the others in
		}
	}
}

// readLoop reads the connection with blocking reads until it ends.
func (c *Conn) readLoop() {
	for {
		_, stop, err := c.readAndParse(c.nc.Read)
		if stop || err != nil {
			c.finish(stop, err)
			return
		}
	}
}

// finish ends reading.
func (c *Conn) finish(stop bool, err error) {
	c.releaseBuffer()
	c.frag = nil
	if !stop && !c.closed.Load() {
		c.onEnd(err)
	}
}

// readNonblock reads what the socket holds, or fails with errWouldBlock.
func (c *Conn) readNonblock(p []byte) (int, error) {
	n, errno, err := rawio.Read(c.rc, p)
	switch {
	case err != nil:
		return 0, err // closed
	case errno == syscall.EAGAIN:
		return 0, errWouldBlock
	case errno != nil:
		return 0, os.NewSyscallError("read", errno)
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// readAndParse reads once into the free end of c.in and delivers the
// messages it completes. It reports the read's error after the messages,
// and whether the read left room in the buffer: the socket had no more.
func (c *Conn) readAndParse(read func([]byte) (int, error)) (drained, stop bool, err error) {
	if c.in == nil {
		c.inBP = getBuffer()
		c.in = *c.inBP
	}
	free := c.in[len(c.in):cap(c.in)]
	n, rerr := read(free)
	if n > 0 {
		c.in = c.in[:len(c.in)+n]
		if stop, err := c.parse(); stop || err != nil {
			return false, stop, err
		}
	}
	return n < len(free), false, rerr
}

// releaseBuffer gives c.in back to the pool.
func (c *Conn) releaseBuffer() {
	if c.inBP != nil {
		*c.inBP = c.in[:0]
		putBuffer(c.inBP)
		c.inBP = nil
	}
	c.in = nil
}

// parse handles the complete frames at the start of c.in and keeps the rest
// at its start, with room for the frame it begins.
func (c *Conn) parse() (stop bool, err error) {
	b := c.in
	for len(b) >= 2 {
		fin, rsv1, op := b[0]&0x80 != 0, b[0]&0x40 != 0, b[0]&0x0f
		masked, n := b[1]&0x80 != 0, int64(b[1]&0x7f)
		hdr := 2
		switch n {
		case 126:
			if len(b) < 4 {
				c.keep(b)
				return false, nil
			}
			n, hdr = int64(binary.BigEndian.Uint16(b[2:])), 4
		case 127:
			if len(b) < 10 {
				c.keep(b)
				return false, nil
			}
			n, hdr = int64(binary.BigEndian.Uint64(b[2:])), 10
		}
		hdr += 4 // the mask
		switch {
		case b[0]&0x30 != 0 || rsv1 && (!c.deflate || op != opText && op != opBinary):
			return false, c.protocolError(CloseProtocolError, "reserved bits set")
		case !masked:
			return false, c.protocolError(CloseProtocolError, "a client frame is not masked")
		case n < 0:
			return false, c.protocolError(CloseProtocolError, "frame length out of range")
		case op >= opClose && (!fin || n > 125):
			return false, c.protocolError(CloseProtocolError, "control frame fragmented or too long")
		case op > opBinary && op < opClose || op > opPong:
			return false, c.protocolError(CloseProtocolError, "unknown opcode "+strconv.Itoa(int(op)))
		case op == opContinuation && c.fragOp == 0:
			return false, c.protocolError(CloseProtocolError, "continuation frame without a message")
		case (op == opText || op == opBinary) && c.fragOp != 0:
			return false, c.protocolError(CloseProtocolError, "data frame inside a fragmented message")
		case op < opClose && c.u.opts.ReadLimit > 0 && int64(len(c.frag))+n > c.u.opts.ReadLimit:
			c.WriteClose(CloseMessageTooBig)
			return false, ErrReadLimit
		}
		total := int64(hdr) + n
		if int64(len(b)) < total {
			if total > int64(cap(c.in)) {
				// Room for the whole frame, read straight into it.
				nb := make([]byte, len(b), total)
				copy(nb, b)
				c.releaseBuffer()
				c.in, b = nb, nb
			}
			c.keep(b)
			return false, nil
		}
		key := binary.LittleEndian.Uint32(b[hdr-4:])
		payload := b[hdr:total]
		// A frame alone in a buffer of its own (a large one) is handed
		// over as it is, not copied.
		own := c.inBP == nil && len(b) == len(c.in) && int64(len(b)) == total
		b = b[total:]
		if own {
			c.in = nil
		}
		mask(payload, key)

		switch op {
		case opPing:
			if err := c.writeControl(opPong, payload, time.Now().Add(closeWait)); err != nil {
				return false, err
			}
		case opPong:
		case opClose:
			return false, c.closeReceived(payload)
		case opText, opBinary:
			if !fin {
				c.fragOp, c.fragDeflat = op, rsv1
				c.frag = append(c.frag[:0], payload...)
				continue
			}
			if stop, err := c.complete(op, rsv1, payload, own); stop || err != nil {
				return stop, err
			}
		case opContinuation:
			c.frag = append(c.frag, payload...)
			if fin {
				data, op, deflated := c.frag, c.fragOp, c.fragDeflat
				c.frag, c.fragOp, c.fragDeflat = nil, 0, false
				if stop, err := c.complete(op, deflated, data, true); stop || err != nil {
					return stop, err
				}
			}
		}
	}
	c.keep(b)
	return false, nil
}

// keep moves b, the unparsed end of c.in, to its start.
func (c *Conn) keep(b []byte) {
	if len(b) < len(c.in) {
		c.in = c.in[:copy(c.in, b)]
	}
}

// complete hands a complete message to onMessage, decompressing it first
// if it is compressed. Unless owned, payload lies in the read buffer and is
// copied.
func (c *Conn) complete(op byte, deflated bool, payload []byte, owned bool) (stop bool, err error) {
	data := payload
	switch {
	case deflated:
		if data, err = inflate(payload, c.u.opts.ReadLimit); err != nil {
			return false, c.readFailed(err)
		}
	case !owned:
		data = append([]byte(nil), payload...)
	}
	return c.deliver(op, data)
}

// deliver hands a message to onMessage.
func (c *Conn) deliver(op byte, data []byte) (stop bool, err error) {
	if op == opText && !utf8.Valid(data) {
		return false, c.protocolError(CloseInvalidPayload, "invalid UTF-8 in a text message")
	}
	return !c.onMessage(op == opBinary, data), nil
}

// closeReceived turns the peer's close frame into the error ending reading.
func (c *Conn) closeReceived(payload []byte) error {
	switch {
	case len(payload) == 0:
		return &CloseError{Code: closeNoStatus}
	case len(payload) == 1:
		return c.protocolError(CloseProtocolError, "close frame payload of one byte")
	case !utf8.Valid(payload[2:]):
		return c.protocolError(CloseInvalidPayload, "invalid UTF-8 in a close frame")
	}
	return &CloseError{Code: int(binary.BigEndian.Uint16(payload)), Text: string(payload[2:])}
}

// readFailed sends the close frame an inflate error calls for.
func (c *Conn) readFailed(err error) error {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		c.WriteClose(pe.Code)
	} else if err == ErrReadLimit {
		c.WriteClose(CloseMessageTooBig)
	}
	return err
}

// protocolError sends the peer a close frame with code and returns the
// error that ends reading.
func (c *Conn) protocolError(code int, msg string) error {
	c.WriteClose(code)
	return &ProtocolError{Code: code, Msg: msg}
}

// mask applies a client's masking key to b, a whole payload, in place.
func mask(b []byte, key uint32) {
	k := uint64(key) | uint64(key)<<32
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= byte(key >> (8 * (i & 3)))
	}
}
