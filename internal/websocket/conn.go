// Package websocket is the server side of the WebSocket protocol (RFC 6455,
// with the permessage-deflate extension of RFC 7692) as the Engine.IO
// transport needs it.
//
// It is written for many mostly idle connections: an idle connection holds
// no buffer and, on Linux, no goroutine (see internal/netpoll); a batch of
// frames goes out in one write; a broadcast is framed once for every
// recipient (Prepared).
//
// Concurrency: Serve's callbacks run one at a time per connection. Writes
// may come from any goroutine; they are serialized. Close, WriteClose and
// DrainAndClose may be called at any time.
package websocket

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio/internal/netpoll"
	"github.com/ab218a8d/socketio/internal/rawio"
)

// closeWait bounds how long writing a close frame may take.
const closeWait = time.Second

// Close codes used by the Engine.IO layer.
const (
	CloseNormal          = 1000
	CloseGoingAway       = 1001
	CloseProtocolError   = 1002
	CloseInvalidPayload  = 1007
	CloseMessageTooBig   = 1009
	CloseInternalFailure = 1011
	closeNoStatus        = 1005
)

// Opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// ErrReadLimit ends reading when a message is larger than the read limit;
// the peer has then been sent close code 1009.
var ErrReadLimit = errors.New("websocket: message larger than the read limit")

// CloseError ends reading when the peer sent a close frame.
type CloseError struct {
	Code int // 1005 when the frame had no code
	Text string
}

func (e *CloseError) Error() string {
	return "websocket: close " + strconv.Itoa(e.Code) + " " + e.Text
}

// ProtocolError ends reading when the peer broke the protocol; it has been
// sent a close frame with Code.
type ProtocolError struct {
	Code int
	Msg  string
}

func (e *ProtocolError) Error() string { return "websocket: " + e.Msg }

// Conn is a server-side WebSocket connection.
type Conn struct {
	u  *Upgrader
	nc net.Conn
	rc syscall.RawConn // nc's, nil if it has none

	// wmu serializes writes. A control frame waits for it for a bounded
	// time only: a data write may be stuck on a client that stopped
	// reading.
	wmu    sync.Mutex
	corked *[]byte // under wmu: the handshake response, until the first write
	unsent []byte  // under wmu: what TryFlush could not write, to go first

	// Reading state, owned by the one goroutine reading at a time.
	h       Handler     // set by Serve
	in      []byte      // bytes read and not yet parsed; nil while none
	inBP    *[]byte     // in's pool entry, if it came from a pool
	long    *longFrame  // a frame larger than in, being read; nil while none
	frag    *fragmented // a message coming in fragments; nil while none
	inChunk bool        // in's pool is a chunk pool

	deflate   bool // permessage-deflate was negotiated; never changes
	closeSent bool // under wmu
	// The three bytes above and closed share a word: a Conn of 160 bytes,
	// the size class below 176.
	closed atomic.Bool                   // Close was called
	watch  atomic.Pointer[netpoll.Watch] // nil while not watched by a Poller
}

func newConn(u *Upgrader, nc net.Conn, deflate bool) *Conn {
	return &Conn{u: u, nc: nc, rc: rawConn(nc), deflate: deflate}
}

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// SetWriteDeadline sets the deadline for the writes that follow.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }

// AppendMessage appends to dst the frame of one message: prefix (if not
// zero, the Engine.IO packet type digit of a text message) and data.
// compress asks for permessage-deflate, which applies if it was negotiated
// and the message reaches the threshold.
func (c *Conn) AppendMessage(dst []byte, binary bool, prefix byte, data []byte, compress bool) []byte {
	n := len(data)
	if prefix != 0 {
		n++
	}
	op := byte(opText)
	if binary {
		op = opBinary
	}
	if compress && c.deflate && n >= c.u.opts.CompressionThreshold {
		return appendDeflated(dst, op, prefix, data)
	}
	dst = appendHeader(dst, op, false, n)
	if prefix != 0 {
		dst = append(dst, prefix)
	}
	return append(dst, data...)
}

// AppendPrepared appends the frame of a prepared message to dst.
func (c *Conn) AppendPrepared(dst []byte, p *Prepared, compress bool) []byte {
	if compress && c.deflate && p.n >= c.u.opts.CompressionThreshold {
		return append(dst, p.deflated()...)
	}
	return append(dst, p.frame...)
}

// appendHeader appends an unmasked frame header.
func appendHeader(dst []byte, op byte, deflated bool, n int) []byte {
	b0 := 0x80 | op
	if deflated {
		b0 |= 0x40
	}
	switch {
	case n <= 125:
		return append(dst, b0, byte(n))
	case n <= 0xffff:
		return append(dst, b0, 126, byte(n>>8), byte(n))
	default:
		dst = append(dst, b0, 127)
		return binary.BigEndian.AppendUint64(dst, uint64(n))
	}
}

// Write writes frames built with AppendMessage and AppendPrepared, in one
// write.
func (c *Conn) Write(frames []byte) error { return c.writeWith(frames, nil) }

// writeWith is Write with Flush's wrote.
func (c *Conn) writeWith(frames []byte, wrote func(int)) error {
	c.wmu.Lock()
	err := c.writeLocked(frames, wrote)
	c.wmu.Unlock()
	return err
}

// writeLocked writes b, after the handshake response if it is held back
// and after what TryFlush left; see Flush for wrote.
func (c *Conn) writeLocked(b []byte, wrote func(int)) error {
	if bp := c.corked; bp != nil {
		c.corked = nil
		*bp = append(append(*bp, c.unsent...), b...)
		c.unsent = nil
		err := c.write(*bp, wrote)
		putBuffer(bp)
		return err
	}
	if len(c.unsent) > 0 {
		err := c.write(c.unsent, wrote)
		c.unsent = nil
		if err != nil {
			return err
		}
	}
	if len(b) == 0 {
		return nil
	}
	return c.write(b, wrote)
}

// write writes b, blocking until it is written or the write deadline
// passes, and tells wrote (if not nil) of each part the socket took.
func (c *Conn) write(b []byte, wrote func(int)) error {
	switch {
	case wrote == nil:
		_, err := c.nc.Write(b)
		return err
	case c.rc != nil:
		_, err := rawio.WriteAll(c.rc, b, wrote)
		return err
	}
	// A connection with no file descriptor (TLS): part by part.
	for len(b) > 0 {
		n, err := c.nc.Write(b[:min(len(b), writePart)])
		if n > 0 {
			wrote(n)
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// writePart is how much of a blocking write with progress goes to a
// connection with no file descriptor at a time.
const writePart = 4 << 10

// Flush writes what TryFlush left, blocking until it is written or the
// write deadline passes. If wrote is not nil, it is called with the count
// of each part of the write that the socket took, as it goes: a client
// that reads slowly makes progress every few kilobytes, where one that
// stopped reading makes none.
func (c *Conn) Flush(wrote func(n int)) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(nil, wrote)
}

// tryWriteLocked writes b without blocking and keeps what the socket does
// not take. It reports whether all of b went out.
func (c *Conn) tryWriteLocked(b []byte) (bool, error) {
	if c.corked != nil || len(c.unsent) > 0 || c.rc == nil {
		c.unsent = append(c.unsent, b...)
		return false, nil
	}
	n, errno, err := rawio.Write(c.rc, b)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The deadline of an earlier blocking write; the blocking
		// writer that takes over sets a new one.
		n = 0
	case err != nil:
		return false, err
	case errno == syscall.EAGAIN:
		n = 0
	case errno != nil:
		return false, os.NewSyscallError("write", errno)
	}
	if n == len(b) {
		return true, nil
	}
	c.unsent = append(c.unsent[:0], b[n:]...)
	return false, nil
}

// WriteMessage writes one message as a single frame; see AppendMessage.
func (c *Conn) WriteMessage(binary bool, prefix byte, data []byte, compress bool) error {
	bp := getBuffer()
	*bp = c.AppendMessage(*bp, binary, prefix, data, compress)
	err := c.Write(*bp)
	putBuffer(bp)
	return err
}

// writeControl writes a control frame, waiting at most until deadline for
// a write in progress.
func (c *Conn) writeControl(op byte, payload []byte, deadline time.Time) error {
	for !c.wmu.TryLock() {
		if time.Now().After(deadline) {
			return errors.New("websocket: timed out waiting to write a control frame")
		}
		time.Sleep(time.Millisecond)
	}
	defer c.wmu.Unlock()
	if c.closeSent {
		return net.ErrClosed
	}
	if op == opClose {
		c.closeSent = true
	}
	var b [2 + 125]byte
	f := append(appendHeader(b[:0], op, false, len(payload)), payload...)
	c.nc.SetWriteDeadline(deadline)
	return c.writeLocked(f, nil)
}

// WriteClose sends a close frame with code, waiting at most a second. Only
// the first close frame is sent.
func (c *Conn) WriteClose(code int) error {
	var p [2]byte
	binary.BigEndian.PutUint16(p[:], uint16(code))
	return c.writeControl(opClose, p[:], time.Now().Add(closeWait))
}

// Close closes the connection without a close frame. Reading stops: the
// callbacks are not called again once a running one returns, not even
// onEnd.
func (c *Conn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if w := c.watch.Load(); w != nil {
		w.Stop()
	}
	return c.nc.Close()
}

// DrainAndClose reads and discards what the peer still sends, for at most
// d or until it closes its end, then closes the connection. After a close
// frame was sent in the middle of a large incoming message, closing at once
// would make the kernel reset the connection and the peer would lose the
// close frame. Call it once reading has ended.
func (c *Conn) DrainAndClose(d time.Duration) error {
	if w := c.watch.Load(); w != nil {
		w.Stop()
	}
	c.nc.SetReadDeadline(time.Now().Add(d))
	io.Copy(io.Discard, c.nc)
	return c.Close()
}

// IsNormalClose reports whether a read error means the connection ended:
// the peer sent a close frame (any code) or the stream ended, as opposed
// to a protocol violation, an oversized message or another I/O error. The
// reference server reports the former as "transport close".
func IsNormalClose(err error) bool {
	var ce *CloseError
	if errors.As(err, &ce) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// Prepared is a message framed once, to be written to many connections
// (a broadcast): each write sends the same bytes.
type Prepared struct {
	frame []byte // uncompressed
	n     int    // the message's length

	once   sync.Once
	dframe []byte // compressed, made on first use
	op     byte
	prefix byte
	data   []byte
}

// NewPrepared frames a message: prefix (if not zero) and data, as a text
// or binary message. data must not change afterwards.
func NewPrepared(binary bool, prefix byte, data []byte) *Prepared {
	p := &Prepared{op: opText, prefix: prefix, data: data, n: len(data)}
	if binary {
		p.op = opBinary
	}
	if prefix != 0 {
		p.n++
	}
	p.frame = appendHeader(make([]byte, 0, 10+p.n), p.op, false, p.n)
	if prefix != 0 {
		p.frame = append(p.frame, prefix)
	}
	p.frame = append(p.frame, data...)
	return p
}

// deflated returns the compressed frame. Compression without context
// takeover makes the same bytes for every connection.
func (p *Prepared) deflated() []byte {
	p.once.Do(func() { p.dframe = appendDeflated(nil, p.op, p.prefix, p.data) })
	return p.dframe
}

// The buffer pool holds the scratch space of reads and writes: an idle
// connection holds none.
const (
	bufferSize    = 8 << 10
	maxPooledSize = 64 << 10
)

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, bufferSize); return &b }}

// getBuffer returns an empty buffer from the pool.
func getBuffer() *[]byte {
	bp := bufferPool.Get().(*[]byte)
	*bp = (*bp)[:0]
	return bp
}

// putBuffer returns a buffer to the pool unless it grew too large to keep.
func putBuffer(bp *[]byte) {
	if cap(*bp) <= maxPooledSize {
		bufferPool.Put(bp)
	}
}

// maxBatch is the size past which a Batch writes what it holds before
// taking more.
const maxBatch = 64 << 10

// Batch gathers frames to write them together: small frames then cost one
// write between them.
type Batch struct {
	c           *Conn
	bp          *[]byte
	err         error
	nonblocking bool // to be ended by TryFlush

	// Wrote, if set, hears of a blocking batch's progress, as Conn.Flush's
	// wrote does.
	Wrote func(n int)
}

// NewBatch starts a batch of frames for c, to be ended by Flush, or by
// TryFlush if nonblocking.
func (c *Conn) NewBatch(nonblocking bool) Batch {
	return Batch{c: c, bp: getBuffer(), nonblocking: nonblocking}
}

// Message adds a message; see AppendMessage.
func (b *Batch) Message(binary bool, prefix byte, data []byte, compress bool) {
	*b.bp = b.c.AppendMessage(*b.bp, binary, prefix, data, compress)
	b.spill()
}

// Prepared adds a prepared message.
func (b *Batch) Prepared(p *Prepared, compress bool) {
	*b.bp = b.c.AppendPrepared(*b.bp, p, compress)
	b.spill()
}

// spill writes the batch once it is large: blocking, or for a batch to be
// ended by TryFlush, by leaving it for the next Flush.
func (b *Batch) spill() {
	if len(*b.bp) < maxBatch {
		return
	}
	if b.err == nil {
		if b.nonblocking {
			b.c.wmu.Lock()
			b.c.unsent = append(b.c.unsent, *b.bp...)
			b.c.wmu.Unlock()
		} else {
			b.err = b.c.writeWith(*b.bp, b.Wrote)
		}
	}
	*b.bp = (*b.bp)[:0]
}

// TryFlush writes the batch without blocking and ends it. What the socket
// does not take at once is kept, and goes out first with the next Flush or
// write; TryFlush then reports false.
func (b *Batch) TryFlush() (bool, error) {
	c := b.c
	c.wmu.Lock()
	var done bool
	err := b.err
	if err == nil {
		done, err = c.tryWriteLocked(*b.bp)
	}
	c.wmu.Unlock()
	putBuffer(b.bp)
	b.bp = nil
	return done, err
}

// Flush writes what is left and ends the batch, returning the first error.
func (b *Batch) Flush() error {
	if len(*b.bp) > 0 && b.err == nil {
		b.err = b.c.writeWith(*b.bp, b.Wrote)
	}
	putBuffer(b.bp)
	b.bp = nil
	return b.err
}
