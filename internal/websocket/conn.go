// Package websocket is the seam between the Engine.IO transport and the
// WebSocket library that frames the bytes.
//
// Only this package imports github.com/gorilla/websocket, so the library can
// be swapped if measurements demand it. It is configured as the project's
// measurements recommend: a shared write-buffer pool (no write buffer held
// while a connection is idle), a small read buffer, and compression off
// unless asked for.
//
// A Conn supports one reader and one writer at a time; WriteClose and Close
// may be called concurrently with both.
package websocket

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"
)

// closeWait bounds how long writing a close frame may take.
const closeWait = time.Second

// Close codes used by the Engine.IO layer.
const (
	CloseNormal          = gws.CloseNormalClosure
	CloseGoingAway       = gws.CloseGoingAway
	CloseMessageTooBig   = gws.CloseMessageTooBig
	CloseInternalFailure = gws.CloseInternalServerErr
)

// ErrReadLimit is returned by ReadMessage when a message is larger than the
// read limit; the peer has then been sent close code 1009.
var ErrReadLimit = gws.ErrReadLimit

var writePool sync.Pool

// Upgrader turns HTTP requests into WebSocket connections.
type Upgrader struct {
	u                    gws.Upgrader
	readLimit            int64
	compressionThreshold int
}

// UpgraderOptions configures an Upgrader.
type UpgraderOptions struct {
	// ReadLimit is the largest message accepted; larger ones close the
	// connection with code 1009. Zero means no limit.
	ReadLimit int64
	// Compression enables permessage-deflate when the client offers it.
	Compression bool
	// CompressionThreshold is the smallest message that is compressed
	// when compression is enabled.
	CompressionThreshold int
}

// NewUpgrader returns an Upgrader. Origins are not checked here: Engine.IO
// leaves that to the application (AllowRequest), as the reference server does.
func NewUpgrader(o UpgraderOptions) *Upgrader {
	return &Upgrader{
		u: gws.Upgrader{
			ReadBufferSize:    1024,
			WriteBufferPool:   &writePool,
			EnableCompression: o.Compression,
			CheckOrigin:       func(*http.Request) bool { return true },
		},
		readLimit:            o.ReadLimit,
		compressionThreshold: o.CompressionThreshold,
	}
}

// IsUpgradeRequest reports whether r asks for a WebSocket upgrade.
func IsUpgradeRequest(r *http.Request) bool { return gws.IsWebSocketUpgrade(r) }

// Upgrade completes the WebSocket handshake, sending header with the 101
// response. On failure an HTTP error has been written to w.
func (u *Upgrader) Upgrade(w http.ResponseWriter, r *http.Request, header http.Header) (*Conn, error) {
	c, err := u.u.Upgrade(w, r, header)
	if err != nil {
		return nil, err
	}
	if u.readLimit > 0 {
		c.SetReadLimit(u.readLimit)
	}
	// Engine.IO has its own heartbeat; answer WebSocket pings as usual but
	// let a close frame end the read loop without echoing from here: the
	// session decides how to close.
	c.SetCloseHandler(func(int, string) error { return nil })
	return &Conn{c: c, threshold: u.compressionThreshold}, nil
}

// Conn is a WebSocket connection.
type Conn struct {
	c         *gws.Conn
	threshold int
}

// ReadMessage reads the next data message.
func (c *Conn) ReadMessage() (binary bool, data []byte, err error) {
	t, data, err := c.c.ReadMessage()
	return t == gws.BinaryMessage, data, err
}

// WriteMessage writes one message as a single frame. prefix, when not
// zero, is written before data as part of the same text message (the
// Engine.IO packet type digit).
func (c *Conn) WriteMessage(binary bool, prefix byte, data []byte, compress bool) error {
	t := gws.TextMessage
	if binary {
		t = gws.BinaryMessage
	}
	n := len(data)
	if prefix != 0 {
		n++
	}
	compress = compress && n >= c.threshold
	c.c.EnableWriteCompression(compress)
	if !compress {
		// gorilla's single-frame path, which allocates nothing, wants the
		// message in one piece.
		if prefix == 0 {
			return c.c.WriteMessage(t, data)
		}
		bp := scratchPool.Get().(*[]byte)
		buf := append(append((*bp)[:0], prefix), data...)
		err := c.c.WriteMessage(t, buf)
		if cap(buf) <= 64<<10 {
			*bp = buf[:0]
			scratchPool.Put(bp)
		}
		return err
	}
	w, err := c.c.NextWriter(t)
	if err != nil {
		return err
	}
	if prefix != 0 {
		if _, err := w.Write(prefixes[prefix-'0' : prefix-'0'+1]); err != nil {
			w.Close()
			return err
		}
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Prepared is a message framed once, to be written to many connections
// (a broadcast): each write sends the same bytes.
type Prepared struct {
	pm *gws.PreparedMessage
	n  int // the message's length
}

// NewPrepared frames a message: prefix (if not zero) and data, as a text
// or binary message.
func NewPrepared(binary bool, prefix byte, data []byte) (*Prepared, error) {
	t := gws.TextMessage
	if binary {
		t = gws.BinaryMessage
	}
	if prefix != 0 {
		data = append([]byte{prefix}, data...)
	}
	pm, err := gws.NewPreparedMessage(t, data)
	if err != nil {
		return nil, err
	}
	return &Prepared{pm: pm, n: len(data)}, nil
}

// WritePrepared writes a prepared message. Compression, if enabled on the
// connection, applies as for WriteMessage.
func (c *Conn) WritePrepared(p *Prepared, compress bool) error {
	c.c.EnableWriteCompression(compress && p.n >= c.threshold)
	return c.c.WritePreparedMessage(p.pm)
}

var prefixes = []byte("0123456789")

// SetWriteDeadline sets the deadline for the writes that follow.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// WriteClose sends a close frame with code, waiting at most a second.
func (c *Conn) WriteClose(code int) error {
	return c.c.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(code, ""), time.Now().Add(closeWait))
}

// DrainAndClose reads and discards what the peer still sends, for at most
// d or until it closes its end, then closes the connection. After a close
// frame was sent in the middle of a large incoming message, closing at once
// would make the kernel reset the connection and the peer would lose the
// close frame.
func (c *Conn) DrainAndClose(d time.Duration) error {
	nc := c.c.NetConn()
	nc.SetReadDeadline(time.Now().Add(d))
	io.Copy(io.Discard, nc)
	return nc.Close()
}

// Close closes the underlying connection without a close frame.
func (c *Conn) Close() error { return c.c.Close() }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.c.RemoteAddr() }

// IsNormalClose reports whether a read error means the connection ended:
// the peer sent a close frame (any code) or the stream ended, as opposed
// to a protocol violation, an oversized message or another I/O error. The
// reference server reports the former as "transport close".
func IsNormalClose(err error) bool {
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
