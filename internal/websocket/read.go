package websocket

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/bits"
	"os"
	"runtime"
	"strconv"
	"sync"
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

// A Handler receives what Serve reads. Its methods are called one at a
// time.
type Handler interface {
	// Message handles one message; data belongs to it. Returning false
	// stops reading: no method is called again.
	Message(binary bool, data []byte) bool
	// End is told why reading ended (see Serve), once.
	End(err error)
	// Release is called by a goroutine of a Poller that read what it
	// could, before it hands the connection back: the next messages may
	// then be read by another goroutine. It returns work to run after
	// that, on the same goroutine, or nil: what the Messages just
	// delivered left to do, done without holding up the reading. It is
	// called after every such read, even one that stopped reading or
	// found the connection closed (then before End, if End is called). A
	// connection read by a goroutine of its own (see Polled) is never
	// released.
	Release() (after func())
}

// Funcs adapts two functions to Handler, releasing with nothing to do.
type Funcs struct {
	Message func(binary bool, data []byte) bool
	End     func(err error)
}

// funcsHandler is Funcs as a Handler.
type funcsHandler struct{ f Funcs }

func (h funcsHandler) Message(binary bool, data []byte) bool { return h.f.Message(binary, data) }
func (h funcsHandler) End(err error)                         { h.f.End(err) }
func (funcsHandler) Release() func()                         { return nil }

// Handler returns f as a Handler.
func (f Funcs) Handler() Handler { return funcsHandler{f} }

// Serve reads messages until the connection ends and hands each to
// h.Message, in order and one at a time, on goroutines started by the
// Upgrader's Spawn or a Poller's; it returns at once. When Message returns
// false, reading stops and no method of h is called again; nor is one
// after Close. Otherwise h.End is called once, when reading ends, with: a
// *CloseError if the peer sent a close frame; io.EOF; ErrReadLimit or a
// *ProtocolError, after which the peer has been sent a close frame; or the
// read's error. Call Serve once.
//
// While the connection is idle no goroutine waits on it where a
// netpoll.Poller is available; elsewhere one goroutine reads it.
func (c *Conn) Serve(h Handler) {
	c.h = h
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
	var after func() // what the handler left to do once released
	defer func() {
		if after != nil {
			after()
		}
	}()
	for reads := 1; ; reads++ {
		drained, stop, err := c.readAndParse(c.readNonblock)
		switch {
		case err == errWouldBlock:
			drained, err = true, nil
		case drained && w.HungUp():
			// The end of the stream came with the last data: read on to
			// it, no event will tell of it again.
			drained = false
		}
		if stop || err != nil {
			after = c.release(after)
			c.finish(stop, err)
			return
		}
		if drained {
			if len(c.in) == 0 && c.long == nil {
				c.releaseBuffer()
			}
			after = c.release(after)
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
		c.h.End(err)
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
	if len(c.in) == cap(c.in) {
		c.makeRoom()
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

// releaseBuffer gives c.in back to its pool, and the buffers of a long
// frame cut short.
func (c *Conn) releaseBuffer() {
	recycle(c.in, c.inBP, c.inChunk)
	c.in, c.inBP, c.inChunk = nil, nil, false
	if c.long != nil {
		for _, ch := range c.long.chunks {
			recycle(ch.b, ch.bp, ch.fromChunks)
		}
		c.long = nil
	}
}

// A frame larger than the read buffer is read into a series of buffers,
// each twice the size of the one before up to maxChunk, and copied out of
// them, unmasked, into one of its own size once it is all there. Memory
// thus follows the bytes that came, never the length a header announced:
// a header of 14 bytes may announce a megabyte and send nothing more. The
// copy costs little more than unmasking in place would. A Conn points to
// one only while it reads a long frame: an idle connection does not carry
// its bytes.
type longFrame struct {
	total  int64  // header and payload
	hdr    int    // the header's length
	key    uint32 // the masking key
	b0     byte   // the first byte: FIN, RSV and opcode
	filled int64  // the bytes in chunks
	chunks []chunk
}

// chunk is a full buffer of a long frame, with its pool entry (nil if it
// came from no pool) and whether that is a chunk pool's.
type chunk struct {
	b          []byte
	bp         *[]byte
	fromChunks bool
}

const (
	minChunk = 16 << 10
	maxChunk = 64 << 10
)

// chunkPools hold the buffers of long frames past the first: 16, 32 and
// 64 KiB.
var chunkPools [3]sync.Pool

func getChunk(size int) *[]byte {
	i := bits.Len(uint(size/minChunk)) - 1
	if bp, ok := chunkPools[i].Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, minChunk<<i)
	return &b
}

// recycle returns b to the pool of its entry bp.
func recycle(b []byte, bp *[]byte, fromChunks bool) {
	switch {
	case bp == nil:
	case !fromChunks:
		*bp = b[:0]
		putBuffer(bp)
	case cap(b) >= minChunk && cap(b) <= maxChunk && cap(b)&(cap(b)-1) == 0:
		*bp = b[:0]
		chunkPools[bits.Len(uint(cap(b)/minChunk))-1].Put(bp)
	}
}

// makeRoom gives c.in, which is full, room to read more: a long frame goes
// on in a new buffer. Otherwise c.in holds the start of a header only, in
// a buffer smaller than any from the pools: one from the pool takes it.
func (c *Conn) makeRoom() {
	if c.long == nil {
		old, oldBP, oldChunk := c.in, c.inBP, c.inChunk
		c.inBP, c.inChunk = getBuffer(), false
		if cap(*c.inBP) <= len(old) {
			putBuffer(c.inBP)
			b := make([]byte, 0, len(old)+bufferSize)
			c.inBP = &b
		}
		c.in = append(*c.inBP, old...)
		recycle(old, oldBP, oldChunk)
		return
	}
	c.long.chunks = append(c.long.chunks, chunk{c.in, c.inBP, c.inChunk})
	c.long.filled += int64(len(c.in))
	c.inBP, c.inChunk = getChunk(min(max(2*cap(c.in), minChunk), maxChunk)), true
	c.in = *c.inBP
}

// parse handles the complete frames at the start of c.in and keeps the rest
// at its start, with room for the frame it begins.
func (c *Conn) parse() (stop bool, err error) {
	b := c.in
	if c.long != nil {
		payload, rest, ok := c.longFrameRead()
		if !ok {
			return false, nil
		}
		if stop, err := c.frame(c.long.b0, payload, true); stop || err != nil {
			return stop, err
		}
		b = rest
		c.long = nil
	}
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
		case op == opContinuation && c.frag == nil:
			return false, c.protocolError(CloseProtocolError, "continuation frame without a message")
		case (op == opText || op == opBinary) && c.frag != nil:
			return false, c.protocolError(CloseProtocolError, "data frame inside a fragmented message")
		case op < opClose && c.u.opts.ReadLimit > 0 && c.fragLen()+n > c.u.opts.ReadLimit,
			n > int64(math.MaxInt-hdr): // without a limit, what a slice can hold
			c.WriteClose(CloseMessageTooBig)
			return false, ErrReadLimit
		}
		total := int64(hdr) + n
		if int64(len(b)) < total {
			c.keep(b)
			if total > int64(cap(c.in)) && len(b) >= hdr {
				c.long = &longFrame{total: total, hdr: hdr, b0: c.in[0], key: binary.LittleEndian.Uint32(c.in[hdr-4:])}
			}
			return false, nil
		}
		b0, key := b[0], binary.LittleEndian.Uint32(b[hdr-4:])
		payload := b[hdr:total]
		b = b[total:]
		mask(payload, key)
		if stop, err := c.frame(b0, payload, false); stop || err != nil {
			return stop, err
		}
	}
	c.keep(b)
	return false, nil
}

// longFrameRead returns the payload of the long frame being read, once it
// is all there, and what follows it in c.in.
func (c *Conn) longFrameRead() (payload, rest []byte, ok bool) {
	l := c.long
	if l.filled+int64(len(c.in)) < l.total {
		return nil, nil, false
	}
	payload = make([]byte, l.total-int64(l.hdr))
	at := -l.hdr // where the next piece starts in the payload
	add := func(p []byte) {
		if at < 0 {
			p = p[-at:] // the header, all in the first buffer
			at = 0
		}
		maskCopy(payload[at:], p, l.key, at)
		at += len(p)
	}
	for i, ch := range l.chunks {
		add(ch.b)
		recycle(ch.b, ch.bp, ch.fromChunks)
		l.chunks[i] = chunk{}
	}
	end := l.total - l.filled
	add(c.in[:end])
	return payload, c.in[end:], true
}

// frame handles a complete frame whose first byte is b0. Unless owned,
// payload lies in the read buffer.
func (c *Conn) frame(b0 byte, payload []byte, owned bool) (stop bool, err error) {
	fin, rsv1, op := b0&0x80 != 0, b0&0x40 != 0, b0&0x0f
	switch op {
	case opPing:
		return false, c.writeControl(opPong, payload, time.Now().Add(closeWait))
	case opPong:
	case opClose:
		return false, c.closeReceived(payload)
	case opText, opBinary:
		if !fin {
			c.frag = &fragmented{data: append([]byte(nil), payload...), op: op, deflated: rsv1}
			return false, nil
		}
		return c.complete(op, rsv1, payload, owned)
	case opContinuation:
		f := c.frag
		f.data = append(f.data, payload...)
		if fin {
			c.frag = nil
			return c.complete(f.op, f.deflated, f.data, true)
		}
	}
	return false, nil
}

// fragmented is a message coming in fragments. A Conn points to one only
// while it receives one: an idle connection does not carry its bytes.
type fragmented struct {
	data     []byte // the fragments so far
	op       byte   // the message's opcode
	deflated bool   // it is compressed
}

// fragLen returns the length of the fragments received so far.
func (c *Conn) fragLen() int64 {
	if c.frag == nil {
		return 0
	}
	return int64(len(c.frag.data))
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
	return !c.h.Message(op == opBinary, data), nil
}

// closeReceived turns the peer's close frame into the error ending reading.
func (c *Conn) closeReceived(payload []byte) error {
	switch {
	case len(payload) == 0:
		return &CloseError{Code: closeNoStatus}
	case len(payload) == 1:
		return c.protocolError(CloseProtocolError, "close frame payload of one byte")
	}
	code := int(binary.BigEndian.Uint16(payload))
	switch {
	case !sendableCloseCode(code):
		return c.protocolError(CloseProtocolError, "close code "+strconv.Itoa(code)+" may not be sent")
	case !utf8.Valid(payload[2:]):
		return c.protocolError(CloseInvalidPayload, "invalid UTF-8 in a close frame")
	}
	return &CloseError{Code: code, Text: string(payload[2:])}
}

// sendableCloseCode reports whether a close frame may carry code (RFC 6455
// section 7.4): a registered code, but for 1004 (reserved) and those that
// stand for no frame (1005 none, 1006 the connection lost, 1015 TLS
// failed), or one of 3000-4999 (libraries', applications'). 1012-1014
// were registered after the RFC; ws accepts them too.
func sendableCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1014:
		return code != 1004 && code != 1005 && code != 1006
	default:
		return code >= 3000 && code <= 4999
	}
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
func mask(b []byte, key uint32) { maskCopy(b, b, key, 0) }

// maskCopy copies src, which starts at byte off of a payload masked with
// key, to dst, unmasking it.
func maskCopy(dst, src []byte, key uint32, off int) {
	key = bits.RotateLeft32(key, -8*(off&3))
	k := uint64(key) | uint64(key)<<32
	dst = dst[:len(src)]
	for len(src) >= 8 {
		binary.LittleEndian.PutUint64(dst, binary.LittleEndian.Uint64(src)^k)
		dst, src = dst[8:], src[8:]
	}
	for i := range src {
		dst[i] = src[i] ^ byte(key>>(8*(i&3)))
	}
}

// release asks the handler for the work to run once the connection is
// handed back, and adds it to after. It asks even when reading stopped or
// the connection was closed: work the handler took on must be done.
func (c *Conn) release(after func()) func() {
	next := c.h.Release()
	switch {
	case next == nil:
		return after
	case after == nil:
		return next
	}
	return func() { after(); next() }
}

// Polled reports whether a Poller reads the connection, rather than a
// goroutine of its own: the handler's Release is then called after each
// read.
func (c *Conn) Polled() bool { return c.watch.Load() != nil }
