package main

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// endpoints are where a run's clients connect (one server), and their
// dialer.
type endpoints struct {
	addr    string // host:port to dial
	host    string // the Host header
	wsURI   string // /socket.io/?EIO=4&transport=websocket
	pollURI string // /socket.io/?EIO=4&transport=polling
	dialer  net.Dialer
}

// newEndpoints returns the endpoints of each of cfg's servers, in the
// order of -url.
func newEndpoints(cfg *Config) ([]*endpoints, error) {
	var eps []*endpoints
	for _, raw := range cfg.urls() {
		e, err := parseEndpoints(raw, cfg.Path)
		if err != nil {
			return nil, err
		}
		eps = append(eps, e)
	}
	return eps, nil
}

// parseEndpoints returns the endpoints of the server at base URL raw;
// defaultPath is the Engine.IO path unless raw has one.
func parseEndpoints(raw, defaultPath string) (*endpoints, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	path := u.EscapedPath()
	if path == "" || path == "/" {
		path = defaultPath
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &endpoints{
		addr:    addr,
		host:    u.Host,
		wsURI:   path + "?EIO=4&transport=websocket",
		pollURI: path + "?EIO=4&transport=polling",
		// No TCP keep-alive probes: three setsockopt calls per connect,
		// 7 % of the generator's time on the connect workload, for
		// connections that live seconds.
		dialer: net.Dialer{KeepAlive: -1},
	}, nil
}

// wsConn is one Socket.IO client over WebSocket, connected to "/".
//
// One goroutine reads it (receive, next); it is also the one that may call
// send and sendFrame. Other goroutines write with a writer of their own
// (newWriter). Any goroutine may close it.
type wsConn struct {
	conn   net.Conn
	in     *stream
	frames frameReader
	wr     *writer // the reading goroutine's
	key    [4]byte // masks every frame: one key per connection is enough for a client
	pong   []byte  // the frame of an Engine.IO pong, "3"
	out    []byte  // the frame the reading goroutine writes

	closeSent atomic.Bool
	closed    atomic.Bool
}

// wsBufferSize is a connection's initial read buffer: several frames of
// the workloads' messages, and small enough for tens of thousands of idle
// connections.
const wsBufferSize = 2048

// dialWS opens a WebSocket-only Engine.IO session and connects to "/",
// within timeout.
func dialWS(ctx context.Context, e *endpoints, timeout time.Duration) (*wsConn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w, err := openWS(ctx, e)
	if err != nil {
		return nil, err
	}
	if err := bounded(ctx, w.conn, w.handshake); err != nil {
		return nil, fmt.Errorf("failed to connect: %w", err)
	}
	return w, nil
}

// openWS opens a WebSocket to e's Engine.IO path, within ctx.
func openWS(ctx context.Context, e *endpoints) (*wsConn, error) {
	conn, err := e.dialer.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return nil, fmt.Errorf("failed to open a WebSocket: %w", err)
	}
	w, err := newWSConn(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := bounded(ctx, conn, func() error { return w.upgrade(e) }); err != nil {
		return nil, fmt.Errorf("failed to open a WebSocket: %w", err)
	}
	return w, nil
}

// newWSConn returns the client side of the WebSocket on conn, a TCP
// connection, once upgraded.
func newWSConn(conn net.Conn) (*wsConn, error) {
	in, err := newStream(conn, wsBufferSize)
	if err != nil {
		return nil, err
	}
	w := &wsConn{conn: conn, in: in, wr: newWriter(in.raw)}
	binary.LittleEndian.PutUint32(w.key[:], rand.Uint32())
	w.pong = w.frame(nil, pongPacket)
	return w, nil
}

// bounded runs f, an exchange on conn, within ctx: ctx's deadline is
// conn's meanwhile, and its end closes conn. conn is closed if f fails; if
// ctx ended, its cause is the error.
func bounded(ctx context.Context, conn net.Conn, f func() error) error {
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	err := f()
	if !stop() || err != nil {
		conn.Close()
		if err == nil || ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return err
	}
	conn.SetDeadline(time.Time{})
	return nil
}

// acceptGUID is what the server's Sec-WebSocket-Accept hashes the key
// with.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// upgrade sends the HTTP upgrade request and reads the server's 101.
func (w *wsConn) upgrade(e *endpoints) error {
	var nonce [16]byte
	binary.LittleEndian.PutUint64(nonce[:], rand.Uint64())
	binary.LittleEndian.PutUint64(nonce[8:], rand.Uint64())
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", e.wsURI, e.host, key)
	if _, err := w.conn.Write(req); err != nil {
		return err
	}
	sum := sha1.Sum([]byte(key + acceptGUID))
	accept := base64.StdEncoding.EncodeToString(sum[:])
	var chunked []byte
	err := w.in.receive(func(b []byte) (int, error) {
		r, n, err := parseResponse(b, &chunked)
		switch {
		case n == 0 || err != nil:
			return 0, err
		case r.status != 101:
			return n, r.statusError()
		case !r.upgradeWS || !r.connUpgrade || string(r.accept) != accept:
			return n, fmt.Errorf("the server's 101 %q does not complete the WebSocket handshake", abbrev(b[:n]))
		}
		return n, errDone // the frames that follow stay buffered
	})
	if err == errDone {
		return nil
	}
	return err
}

// handshake reads the open packet, sends CONNECT and reads its reply.
func (w *wsConn) handshake() error {
	p, err := w.next()
	if err != nil {
		return fmt.Errorf("failed to read the Engine.IO handshake: %w", err)
	}
	if _, err := parseOpen(p); err != nil {
		return err
	}
	if err := w.send(connectPacket); err != nil {
		return fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for {
		p, err := w.next()
		if err != nil {
			return fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		switch classify(p) {
		case kindPing:
			if err := w.sendFrame(w.pong); err != nil {
				return err
			}
			continue
		case kindIgnored:
			continue
		}
		return parseConnectReply(p)
	}
}

// receive calls handle with each text message until handle or the
// connection fails, and returns that error. A message is valid until
// handle returns. WebSocket pings are answered on the way.
func (w *wsConn) receive(handle func(p []byte) error) error {
	return w.in.receive(func(b []byte) (int, error) {
		return w.frames.parse(b, handle, w.control)
	})
}

// next returns the next text message, valid until the next read.
func (w *wsConn) next() ([]byte, error) {
	var msg []byte
	err := w.receive(func(p []byte) error {
		msg = p
		return errDone
	})
	if err != errDone {
		return nil, err
	}
	return msg, nil
}

// control answers a control frame: a ping with a pong, a close with a
// close, which ends the reading.
func (w *wsConn) control(op byte, p []byte) error {
	switch op {
	case opPing:
		w.out = appendFrame(w.out[:0], opPong, p, w.key)
		return w.sendFrame(w.out)
	case opClose:
		if len(p) == 1 {
			return fmt.Errorf("%w: a close frame with a 1-byte body", errProtocol)
		}
		e := &closeError{code: closeNoStatus}
		if len(p) >= 2 {
			e.code, e.reason = int(binary.BigEndian.Uint16(p)), string(p[2:])
		}
		if !w.closeSent.Swap(true) { // echo the code, as the protocol asks
			w.out = appendFrame(w.out[:0], opClose, p[:min(2, len(p))], w.key)
			w.sendFrame(w.out) // the connection ends anyway
		}
		return e
	}
	return nil
}

// frame appends the frame of a text message p.
func (w *wsConn) frame(dst, p []byte) []byte { return appendFrame(dst, opText, p, w.key) }

// send writes the text message p; only the reading goroutine calls it.
func (w *wsConn) send(p []byte) error {
	w.out = w.frame(w.out[:0], p)
	return w.sendFrame(w.out)
}

// sendFrame writes complete frames; only the reading goroutine calls it.
func (w *wsConn) sendFrame(f []byte) error { return w.wr.write(f) }

// newWriter returns a writer of frames for a goroutine other than the
// reading one.
func (w *wsConn) newWriter() *writer { return newWriter(w.in.raw) }

// close says goodbye and closes the connection; safe to call from any
// goroutine, more than once, also while another reads or writes.
func (w *wsConn) close() {
	if w.closed.Swap(true) {
		return
	}
	if !w.closeSent.Swap(true) {
		w.conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		w.conn.Write(appendFrame(nil, opClose, []byte{1000 >> 8, 1000 & 0xff}, w.key))
	}
	w.conn.Close()
}

// closeAll closes conns, a few at a time in parallel; nil entries are
// skipped.
func closeAll(conns []*wsConn) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(16, len(conns)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(conns) {
					return
				}
				if conns[i] != nil {
					conns[i].close()
				}
			}
		})
	}
	wg.Wait()
}

// connectAll connects n clients, cfg.Concurrency at a time, client i to
// the server eps[i%len(eps)], and returns them: a nil entry for each that
// failed, counted in errors. Each connect's latency is recorded in lat
// (ns). If started is set, it is called with each client as soon as it is
// connected.
func connectAll(ctx context.Context, cfg *Config, eps []*endpoints, log *errorLog, n int, started func(i int, w *wsConn)) (conns []*wsConn, lat []int64, errs int64) {
	conns = make([]*wsConn, n)
	lats := make([]int64, n)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range min(cfg.Concurrency, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if ctx.Err() != nil {
					failed.Add(1)
					continue
				}
				t0 := time.Now()
				w, err := dialWS(ctx, eps[i%len(eps)], cfg.Timeout)
				if err != nil {
					failed.Add(1)
					if ctx.Err() == nil {
						log.printf("client %d: %v", i, err)
					}
					continue
				}
				lats[i] = int64(time.Since(t0))
				conns[i] = w
				if started != nil {
					started(i, w)
				}
			}
		})
	}
	wg.Wait()
	lat = make([]int64, 0, n)
	for i, w := range conns {
		if w != nil {
			lat = append(lat, lats[i])
		}
	}
	return conns, lat, failed.Load()
}
