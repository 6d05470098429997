package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// endpoints are the URLs and the shared dialer of a run.
type endpoints struct {
	ws      string // ws://host/socket.io/?EIO=4&transport=websocket
	polling string // http://host/socket.io/?EIO=4&transport=polling
	dialer  *websocket.Dialer
}

func newEndpoints(cfg *Config) (*endpoints, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	path := u.Path
	if path == "" || path == "/" {
		path = cfg.Path
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = path, "", "EIO=4&transport=polling", ""
	e := &endpoints{polling: u.String()}
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.RawQuery = "EIO=4&transport=websocket"
	e.ws = u.String()
	e.dialer = &websocket.Dialer{
		NetDialContext:   (&net.Dialer{}).DialContext,
		HandshakeTimeout: cfg.Timeout,
		// Small buffers keep tens of thousands of idle connections cheap;
		// larger messages are read in several steps.
		ReadBufferSize:  2048,
		WriteBufferSize: 2048,
		WriteBufferPool: &sync.Pool{},
	}
	return e, nil
}

// wsConn is one Socket.IO client over WebSocket, connected to "/".
//
// One goroutine reads it (read) and, unless the workload says otherwise,
// writes it too; close may be called from any goroutine.
type wsConn struct {
	c      *websocket.Conn
	buf    []byte // the last message read; owned by the reader
	closed atomic.Bool
}

// dialWS opens a WebSocket-only Engine.IO session and connects to "/",
// within timeout.
func dialWS(ctx context.Context, e *endpoints, timeout time.Duration) (*wsConn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, resp, err := e.dialer.DialContext(ctx, e.ws, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("failed to open a WebSocket: %w (HTTP %s)", err, resp.Status)
		}
		return nil, fmt.Errorf("failed to open a WebSocket: %w", err)
	}
	w := &wsConn{c: c, buf: make([]byte, 0, 256)}
	// The dial's context does not reach the reads: a deadline does, and
	// closing the connection when ctx ends.
	deadline, _ := ctx.Deadline()
	c.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { c.Close() })
	err = w.handshake()
	if !stop() || err != nil {
		c.Close()
		if err == nil || ctx.Err() != nil {
			err = fmt.Errorf("failed to connect: %w", context.Cause(ctx))
		}
		return nil, err
	}
	c.SetReadDeadline(time.Time{})
	return w, nil
}

// handshake reads the open packet, sends CONNECT and reads its reply.
func (w *wsConn) handshake() error {
	p, err := w.read()
	if err != nil {
		return fmt.Errorf("failed to read the Engine.IO handshake: %w", err)
	}
	if _, err := parseOpen(p); err != nil {
		return err
	}
	if err := w.write(connectPacket); err != nil {
		return fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for {
		p, err := w.read()
		if err != nil {
			return fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		switch classify(p) {
		case kindPing:
			if err := w.write(pongPacket); err != nil {
				return err
			}
			continue
		case kindIgnored:
			continue
		}
		return parseConnectReply(p)
	}
}

// read returns the next text message, valid until the next read. Binary
// messages are skipped: no workload asks for them.
func (w *wsConn) read() ([]byte, error) {
	for {
		typ, r, err := w.c.NextReader()
		if err != nil {
			return nil, err
		}
		w.buf, err = readAll(r, w.buf[:0])
		if err != nil {
			return nil, err
		}
		if typ == websocket.TextMessage {
			return w.buf, nil
		}
	}
}

// readAll appends what r holds to b, reusing b's capacity.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func (w *wsConn) write(p []byte) error {
	return w.c.WriteMessage(websocket.TextMessage, p)
}

// close says goodbye and closes the connection; safe to call from any
// goroutine, more than once, also while another reads or writes.
func (w *wsConn) close() {
	if w.closed.Swap(true) {
		return
	}
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	w.c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(100*time.Millisecond))
	w.c.Close()
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

// connectAll connects n clients, cfg.Concurrency at a time, and returns
// them: a nil entry for each that failed, counted in errors. Each connect's
// latency is recorded in lat (ns). If started is set, it is called with
// each client as soon as it is connected.
func connectAll(ctx context.Context, cfg *Config, e *endpoints, log *errorLog, n int, started func(i int, w *wsConn)) (conns []*wsConn, lat []int64, errs int64) {
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
				w, err := dialWS(ctx, e, cfg.Timeout)
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
