package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeServer implements just enough of Engine.IO v4 and Socket.IO v5 for
// the load generator: the handshake over WebSocket and long-polling,
// CONNECT to "/", and the handlers echo, echo-ack and broadcast. It can
// ping, batch pings with its replies, answer acks out of order, and drop
// clients, to check the client's side of each.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	// Set before start.
	pingEvery   time.Duration // send "2" this often on every connection; 0: never
	pingReplies bool          // put a ping before every reply (polling: in the same payload)
	swapAcks    bool          // answer acks in pairs, the second one first
	dropAfter   int           // close each connection after this many events; 0: never
	peers       []*fakeServer // the other servers of a cluster: broadcasts reach their clients too

	pongs     atomic.Int64 // pongs received
	events    atomic.Int64 // events received
	connected atomic.Int64 // clients that connected to "/"
	closing   chan struct{}
	closeOnce sync.Once
	handlers  sync.WaitGroup

	mu       sync.Mutex
	conns    map[*fakeConn]struct{}   // connected to "/"; guarded by mu
	sessions map[string]*fakeConn     // polling sessions by sid; guarded by mu
	raw      map[*websocket.Conn]bool // every WebSocket, to close them; guarded by mu
	nextSID  int                      // guarded by mu
}

// fakeConn is one client of the fake server, over either transport.
type fakeConn struct {
	s      *fakeServer
	ws     *websocket.Conn // nil for polling
	mu     sync.Mutex
	queue  [][]byte      // polling: packets for the next GET; guarded by mu
	ready  chan struct{} // polling: something queued (cap 1)
	held   []byte        // swapAcks: the first ack of a pair; guarded by mu
	events int           // guarded by mu
	gone   chan struct{}
	once   sync.Once
}

func newFakeServer(t *testing.T, setup func(*fakeServer)) *fakeServer {
	s := &fakeServer{t: t, closing: make(chan struct{}), conns: map[*fakeConn]struct{}{},
		sessions: map[string]*fakeConn{}, raw: map[*websocket.Conn]bool{}}
	if setup != nil {
		setup(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/socket.io/", s.serve)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.close)
	return s
}

func (s *fakeServer) close() {
	s.closeOnce.Do(s.shutdown)
}

func (s *fakeServer) shutdown() {
	close(s.closing)
	s.mu.Lock()
	for c := range s.raw {
		c.Close()
	}
	s.mu.Unlock()
	s.srv.Close()
	s.handlers.Wait()
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	q := r.URL.Query()
	if q.Get("EIO") != "4" {
		http.Error(w, `{"code":5,"message":"Unsupported protocol version"}`, http.StatusBadRequest)
		return
	}
	switch q.Get("transport") {
	case "websocket":
		s.serveWS(w, r)
	case "polling":
		s.servePolling(w, r, q.Get("sid"))
	default:
		http.Error(w, `{"code":0,"message":"Transport unknown"}`, http.StatusBadRequest)
	}
}

func (s *fakeServer) openPacket(sid string, upgrades string) []byte {
	return fmt.Appendf(nil, `0{"sid":%q,"upgrades":[%s],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`, sid, upgrades)
}

func (s *fakeServer) newSID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextSID++
	return fmt.Sprintf("fake%016d", s.nextSID)
}

func (s *fakeServer) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	select {
	case <-s.closing:
		s.mu.Unlock()
		ws.Close()
		return
	default:
	}
	s.raw[ws] = true
	s.mu.Unlock()
	c := &fakeConn{s: s, ws: ws, gone: make(chan struct{})}
	defer func() {
		c.end()
		s.mu.Lock()
		delete(s.raw, ws)
		s.mu.Unlock()
		ws.Close()
	}()
	c.send(s.openPacket(s.newSID(), ""))
	if s.pingEvery > 0 {
		s.handlers.Go(c.pinger)
	}
	for {
		typ, p, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage || !c.handle(p) {
			return
		}
	}
}

// servePolling serves the three polling requests: the handshake (no sid),
// a GET that waits for packets, and a POST that delivers them.
func (s *fakeServer) servePolling(w http.ResponseWriter, r *http.Request, sid string) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	if sid == "" {
		sid = s.newSID()
		c := &fakeConn{s: s, ready: make(chan struct{}, 1), gone: make(chan struct{})}
		s.mu.Lock()
		s.sessions[sid] = c
		s.mu.Unlock()
		if s.pingEvery > 0 {
			s.handlers.Go(c.pinger)
		}
		w.Write(s.openPacket(sid, `"websocket"`))
		return
	}
	s.mu.Lock()
	c := s.sessions[sid]
	s.mu.Unlock()
	if c == nil {
		http.Error(w, `{"code":1,"message":"Session ID unknown"}`, http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodPost:
		body, _ := io.ReadAll(r.Body)
		var ok = true
		splitPayload(body, func(p []byte) bool {
			ok = c.handle(p)
			return ok
		})
		if !ok {
			c.end()
		}
		io.WriteString(w, "ok")
	case http.MethodGet:
		select {
		case <-c.ready:
		case <-c.gone:
			w.Write([]byte("1"))
			return
		case <-r.Context().Done():
			c.end()
			return
		case <-s.closing:
			return
		}
		c.mu.Lock()
		var payload []byte
		for _, p := range c.queue {
			payload = appendPacket(payload, p)
		}
		c.queue = c.queue[:0]
		c.mu.Unlock()
		w.Write(payload)
	}
}

// pinger pings the client every pingEvery until it is gone.
func (c *fakeConn) pinger() {
	t := time.NewTicker(c.s.pingEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.send([]byte("2"))
		case <-c.gone:
			return
		case <-c.s.closing:
			return
		}
	}
}

func (c *fakeConn) end() {
	c.once.Do(func() {
		close(c.gone)
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
	})
}

// send writes a packet (WebSocket) or queues it for the next GET.
func (c *fakeConn) send(packets ...[]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ws != nil {
		for _, p := range packets {
			c.ws.WriteMessage(websocket.TextMessage, p)
		}
		return
	}
	c.queue = append(c.queue, packets...)
	select {
	case c.ready <- struct{}{}:
	default:
	}
}

// handle answers one packet from the client; false closes the connection.
func (c *fakeConn) handle(p []byte) bool {
	s := c.s
	switch {
	case bytes.Equal(p, []byte("3")):
		s.pongs.Add(1)
		return true
	case bytes.Equal(p, []byte("1")):
		return false
	case bytes.Equal(p, []byte("40")):
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.connected.Add(1)
		c.send(fmt.Appendf(nil, `40{"sid":"sock%p"}`, c))
		return true
	case bytes.HasPrefix(p, []byte("42")):
	default:
		s.t.Errorf("fake server: unexpected packet %q", p)
		return false
	}
	s.events.Add(1)
	id, hasID := leadingUint(p[2:])
	rest := p[2:]
	if hasID {
		rest = rest[len(strconv.FormatUint(id, 10)):]
	}
	var args []json.RawMessage
	if err := json.Unmarshal(rest, &args); err != nil || len(args) == 0 {
		s.t.Errorf("fake server: bad event %q", p)
		return false
	}
	var name string
	json.Unmarshal(args[0], &name)
	argsJSON := func() []byte {
		var b []byte
		for _, a := range args[1:] {
			b = append(b, ',')
			b = append(b, a...)
		}
		return b
	}
	var reply []byte
	switch name {
	case "echo":
		reply = append([]byte(`42["echo"`), argsJSON()...)
		reply = append(reply, ']')
	case "echo-ack":
		if !hasID {
			s.t.Errorf("fake server: echo-ack without ack id: %q", p)
			return false
		}
		reply = strconv.AppendUint([]byte("43"), id, 10)
		reply = append(reply, '[')
		if a := argsJSON(); len(a) > 0 {
			reply = append(reply, a[1:]...)
		}
		reply = append(reply, ']')
		if s.swapAcks {
			c.mu.Lock()
			held := c.held
			if held == nil {
				c.held = reply
			} else {
				c.held = nil
			}
			c.mu.Unlock()
			if held == nil {
				return true
			}
			if s.pingReplies {
				c.send([]byte("2"))
			}
			c.send(reply, held)
			reply = nil
		}
	case "broadcast":
		b := append([]byte(`42["broadcast"`), argsJSON()...)
		b = append(b, ']')
		var all []*fakeConn
		for _, srv := range append([]*fakeServer{s}, s.peers...) {
			srv.mu.Lock()
			for o := range srv.conns {
				all = append(all, o)
			}
			srv.mu.Unlock()
		}
		for _, o := range all {
			o.send(b)
		}
	default:
		s.t.Errorf("fake server: unknown event %q", name)
		return false
	}
	if reply != nil {
		if s.pingReplies {
			c.send([]byte("2"), reply)
		} else {
			c.send(reply)
		}
	}
	c.mu.Lock()
	c.events++
	drop := s.dropAfter > 0 && c.events >= s.dropAfter
	c.mu.Unlock()
	return !drop
}
