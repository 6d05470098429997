package websocket

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio/internal/netpoll"
)

// Upgrader turns HTTP requests into WebSocket connections. Its methods are
// safe for concurrent use.
type Upgrader struct {
	opts UpgraderOptions

	pollOnce  sync.Once
	poller    *netpoll.Poller // nil where not supported
	closeOnce sync.Once
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
	// Spawn starts the goroutines that read connections not watched by
	// the Poller, so that their owner can count them. Nil means a plain go
	// statement. Close waits for the Poller's own.
	Spawn func(func())
	// NoPoller reads every connection on a goroutine of its own, parked in
	// Read while the connection is idle, instead of watching idle
	// connections with a netpoll.Poller.
	NoPoller bool
}

// NewUpgrader returns an Upgrader. Origins are not checked here: Engine.IO
// leaves that to the application (AllowRequest), as the reference server
// does. Close releases its resources.
func NewUpgrader(o UpgraderOptions) *Upgrader {
	if o.Spawn == nil {
		o.Spawn = func(f func()) { go f() }
	}
	return &Upgrader{opts: o}
}

// Close stops watching idle connections and waits for the callbacks under
// way. Call it once every connection from this Upgrader is closed.
func (u *Upgrader) Close() error {
	var err error
	u.closeOnce.Do(func() {
		u.pollOnce.Do(func() {}) // no poller may start after this
		if u.poller != nil {
			err = u.poller.Close()
		}
	})
	return err
}

// pollerFor returns the Poller, started on first use, or nil.
func (u *Upgrader) pollerFor() *netpoll.Poller {
	u.pollOnce.Do(func() {
		if !u.opts.NoPoller {
			u.poller, _ = netpoll.New() // nil: read with goroutines
		}
	})
	return u.poller
}

// IsUpgradeRequest reports whether r asks for a WebSocket upgrade.
func IsUpgradeRequest(r *http.Request) bool {
	return hasToken(r.Header, "Connection", "upgrade") && hasToken(r.Header, "Upgrade", "websocket")
}

// hasToken reports whether the comma-separated header name lists token,
// compared without regard to case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h[name] {
		if listHasToken(v, token) {
			return true
		}
	}
	return false
}

// offersDeflate reports whether the client offers permessage-deflate in a
// form we accept: any parameters but a server window size below 15, which
// Go's compress/flate cannot honour.
func offersDeflate(h http.Header) bool {
	for _, v := range h["Sec-Websocket-Extensions"] {
		for _, ext := range strings.Split(v, ",") {
			params := strings.Split(ext, ";")
			if !strings.EqualFold(strings.TrimSpace(params[0]), "permessage-deflate") {
				continue
			}
			ok := true
			for _, p := range params[1:] {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "server_max_window_bits") && strings.Trim(strings.TrimSpace(val), `"`) != "15" {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// An HandshakeError is a refused upgrade; the HTTP error has been written.
type HandshakeError struct{ msg string }

func (e *HandshakeError) Error() string { return "websocket: " + e.msg }

// refuse answers a request that cannot be upgraded.
func refuse(w http.ResponseWriter, status int, msg string) error {
	w.Header().Set("Sec-Websocket-Version", "13")
	http.Error(w, http.StatusText(status), status)
	return &HandshakeError{msg: msg}
}

const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Upgrade completes the WebSocket handshake, sending header with the 101
// response. On failure an HTTP error has been written to w.
//
// With cork, the response is held back and goes out with the first write
// (Write, WriteMessage, a Batch or a close frame) in one system call: the
// caller must write at once.
func (u *Upgrader) Upgrade(w http.ResponseWriter, r *http.Request, header http.Header, cork bool) (*Conn, error) {
	switch {
	case r.Method != http.MethodGet:
		return nil, refuse(w, http.StatusMethodNotAllowed, "the upgrade request's method is not GET")
	case !hasToken(r.Header, "Connection", "upgrade"):
		return nil, refuse(w, http.StatusBadRequest, "the 'Connection' header does not ask for an upgrade")
	case !hasToken(r.Header, "Upgrade", "websocket"):
		return nil, refuse(w, http.StatusBadRequest, "the 'Upgrade' header does not ask for websocket")
	case !hasToken(r.Header, "Sec-Websocket-Version", "13"):
		return nil, refuse(w, http.StatusBadRequest, "unsupported version: 13 not in the 'Sec-Websocket-Version' header")
	}
	key := r.Header.Get("Sec-Websocket-Key")
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
		return nil, refuse(w, http.StatusBadRequest, "the 'Sec-WebSocket-Key' header is missing or not valid")
	}
	h, ok := w.(http.Hijacker)
	if !ok {
		return nil, refuse(w, http.StatusInternalServerError, "the response does not implement http.Hijacker")
	}
	deflate := u.opts.Compression && offersDeflate(r.Header)

	nc, brw, err := h.Hijack()
	if err != nil {
		return nil, fmt.Errorf("websocket: failed to hijack the connection: %w", err)
	}
	c := newConn(u, nc, deflate)
	if n := brw.Reader.Buffered(); n > 0 {
		// A client may send frames right behind its request.
		early, _ := brw.Reader.Peek(n)
		c.inBP = getBuffer()
		c.in = append(*c.inBP, early...)
	}

	sum := sha1.Sum([]byte(key + acceptGUID))
	bp := getBuffer()
	b := append(*bp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	b = base64.StdEncoding.AppendEncode(b, sum[:])
	b = append(b, "\r\n"...)
	if deflate {
		b = append(b, "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"...)
	}
	b = appendHeaderFields(b, header)
	b = append(b, "\r\n"...)
	// The server's timeouts do not apply past the handshake.
	nc.SetDeadline(time.Time{})
	if cork {
		c.corked = bp
		*bp = b
		return c, nil
	}
	_, err = nc.Write(b)
	*bp = b
	putBuffer(bp)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("websocket: failed to write the handshake response: %w", err)
	}
	return c, nil
}

// rawConn returns nc's syscall.RawConn, or nil.
func rawConn(nc net.Conn) syscall.RawConn {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
