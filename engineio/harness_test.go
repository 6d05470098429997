package engineio_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests run the server and its clients inside a synctest bubble over
// an in-memory network: time is virtual, so heartbeats and time-outs at
// their real defaults take no wall-clock time, and a test's end proves
// that every goroutine it started has ended.

// memNet is an in-memory net.Listener whose Dial hands out memPipe ends.
type memNet struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
	buffer int // bytes each direction of a connection buffers
}

func newMemNet() *memNet {
	return &memNet{conns: make(chan net.Conn), closed: make(chan struct{}), buffer: 64 << 10}
}

func (n *memNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	}
}

func (n *memNet) Close() error {
	n.once.Do(func() { close(n.closed) })
	return nil
}

func (n *memNet) Addr() net.Addr { return memAddr{} }

func (n *memNet) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	c, s := newMemPipe(n.buffer)
	select {
	case n.conns <- s:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "mem" }

// mode is how a test client reaches the server.
type mode int

const (
	polling mode = iota
	websocket
	upgraded // polling, then upgraded to WebSocket
)

func (m mode) String() string { return [...]string{"polling", "websocket", "upgraded"}[m] }

var allModes = []mode{polling, websocket, upgraded}

// run runs f once per transport mode, each in its own bubble.
func run(t *testing.T, modes []mode, f func(t *testing.T, m mode)) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { f(t, m) })
		})
	}
}

// bubble runs f in a bubble.
func bubble(t *testing.T, f func(t *testing.T)) { synctest.Test(t, f) }

// closeEvent is what a session's handler was told when it closed.
type closeEvent struct {
	reason engineio.CloseReason
	desc   error
}

// recorder is a Handler that records every session's messages and close,
// and echoes messages back when echo is set.
type recorder struct {
	echo bool

	mu       sync.Mutex
	sessions []*engineio.Session
	messages map[string][]engineio.Message
	closes   map[string]closeEvent
	onMsg    func(s *engineio.Session, m engineio.Message)
}

func newRecorder(echo bool) *recorder {
	return &recorder{echo: echo, messages: map[string][]engineio.Message{}, closes: map[string]closeEvent{}}
}

func (r *recorder) OpenSession(s *engineio.Session) engineio.SessionHandler {
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	return engineio.SessionFuncs{
		Message: func(m engineio.Message) {
			r.mu.Lock()
			r.messages[s.ID()] = append(r.messages[s.ID()], m)
			onMsg := r.onMsg
			r.mu.Unlock()
			if onMsg != nil {
				onMsg(s, m)
			}
			if r.echo {
				s.Send(m)
			}
		},
		Close: func(reason engineio.CloseReason, desc error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if _, dup := r.closes[s.ID()]; dup {
				panic("OnClose called twice for " + s.ID())
			}
			r.closes[s.ID()] = closeEvent{reason, desc}
		},
	}
}

func (r *recorder) session(t *testing.T, sid string) *engineio.Session {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sessions {
		if s.ID() == sid {
			return s
		}
	}
	t.Fatalf("no session %q was opened", sid)
	return nil
}

func (r *recorder) closed(sid string) (closeEvent, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev, ok := r.closes[sid]
	return ev, ok
}

// wantClosed waits for the bubble to settle and checks how sid closed.
func (r *recorder) wantClosed(t *testing.T, sid string, reason engineio.CloseReason) closeEvent {
	t.Helper()
	synctest.Wait()
	ev, ok := r.closed(sid)
	if !ok {
		t.Fatalf("session %s not closed, want reason %q", sid, reason)
	}
	if ev.reason != reason {
		t.Fatalf("session %s closed with %q (%v), want %q", sid, ev.reason, ev.desc, reason)
	}
	return ev
}

func (r *recorder) wantOpen(t *testing.T, sid string) {
	t.Helper()
	synctest.Wait()
	if ev, ok := r.closed(sid); ok {
		t.Fatalf("session %s closed with %q (%v), want it open", sid, ev.reason, ev.desc)
	}
}

func (r *recorder) received(sid string) []engineio.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engineio.Message(nil), r.messages[sid]...)
}

// env is a server on an in-memory network with an HTTP client.
type env struct {
	t      *testing.T
	srv    *engineio.Server
	rec    *recorder
	net    *memNet
	hs     *http.Server
	client *http.Client
	served chan struct{}
}

const base = "http://test/engine.io/"

// newEnv starts an echoing, recording server with opts. It is stopped
// when the test ends.
func newEnv(t *testing.T, opts *engineio.Options) *env {
	return newEnvWith(t, newRecorder(true), opts)
}

func newEnvWith(t *testing.T, rec *recorder, opts *engineio.Options) *env {
	e := &env{t: t, rec: rec, net: newMemNet(), served: make(chan struct{})}
	e.srv = engineio.NewServer(rec, opts)
	e.hs = &http.Server{Handler: e.srv}
	go func() {
		defer close(e.served)
		e.hs.Serve(e.net)
	}()
	tr := &http.Transport{DialContext: e.net.Dial, DisableCompression: true}
	e.client = &http.Client{Transport: tr}
	t.Cleanup(func() {
		e.srv.Close()
		e.hs.Close()
		<-e.served
		tr.CloseIdleConnections()
	})
	return e
}

// request sends a request and returns its status and body.
func (e *env) request(ctx context.Context, method, query, body string, header http.Header) (*http.Response, string) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"?"+query, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, query, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, query, err)
	}
	return resp, string(b)
}

func (e *env) get(query string) (int, string) {
	e.t.Helper()
	resp, body := e.request(context.Background(), "GET", query, "", nil)
	return resp.StatusCode, body
}

func (e *env) post(query, body string) (int, string) {
	e.t.Helper()
	resp, b := e.request(context.Background(), "POST", query, body, http.Header{"Content-Type": {"text/plain;charset=UTF-8"}})
	return resp.StatusCode, b
}

// dial opens a WebSocket with the given query.
func (e *env) dial(query string) (*gws.Conn, *http.Response, error) {
	d := gws.Dialer{NetDialContext: e.net.Dial}
	return d.Dial("ws://test/engine.io/?"+query, nil)
}

// handshake is the JSON of an open packet.
type handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

func parseOpen(t *testing.T, data string) handshake {
	t.Helper()
	if !strings.HasPrefix(data, "0") {
		t.Fatalf("open packet = %q, want it to start with 0", data)
	}
	var keys map[string]any
	if err := json.Unmarshal([]byte(data[1:]), &keys); err != nil {
		t.Fatalf("open packet %q: %v", data, err)
	}
	for _, k := range []string{"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"} {
		if _, ok := keys[k]; !ok {
			t.Fatalf("open packet %q lacks %q", data, k)
		}
	}
	if len(keys) != 5 {
		t.Fatalf("open packet %q has %d keys, want exactly 5", data, len(keys))
	}
	var h handshake
	json.Unmarshal([]byte(data[1:]), &h)
	return h
}

// client is a test client on one transport mode. It speaks the protocol
// by hand so that tests can break it.
type client struct {
	e    *env
	t    *testing.T
	mode mode
	sid  string
	hs   handshake
	ws   *gws.Conn
}

// connect opens a session in mode m. In upgraded mode it performs the
// whole upgrade before returning.
func (e *env) connect(m mode) *client {
	e.t.Helper()
	c := &client{e: e, t: e.t, mode: m}
	if m == websocket {
		ws, _, err := e.dial("EIO=4&transport=websocket")
		if err != nil {
			e.t.Fatalf("websocket handshake: %v", err)
		}
		c.ws = ws
		e.t.Cleanup(func() { ws.Close() })
		typ, data, err := ws.ReadMessage()
		if err != nil || typ != gws.TextMessage {
			e.t.Fatalf("reading open packet: %v (type %d)", err, typ)
		}
		c.hs = parseOpen(e.t, string(data))
		c.sid = c.hs.SID
		return c
	}
	status, body := e.get("EIO=4&transport=polling")
	if status != 200 {
		e.t.Fatalf("polling handshake: %d %s", status, body)
	}
	c.hs = parseOpen(e.t, body)
	c.sid = c.hs.SID
	if m == upgraded {
		c.upgrade()
	}
	return c
}

// upgrade runs the upgrade from polling to WebSocket.
func (c *client) upgrade() {
	c.t.Helper()
	ws, _, err := c.e.dial("EIO=4&transport=websocket&sid=" + c.sid)
	if err != nil {
		c.t.Fatalf("upgrade handshake: %v", err)
	}
	c.t.Cleanup(func() { ws.Close() })
	wsWrite(c.t, ws, "2probe")
	if got := wsRead(c.t, ws); got != "3probe" {
		c.t.Fatalf("probe answer = %q, want 3probe", got)
	}
	if status, body := c.e.get(c.pollQuery()); status != 200 || body != "6" {
		c.t.Fatalf("poll during upgrade = %d %q, want 200 \"6\"", status, body)
	}
	wsWrite(c.t, ws, "5")
	c.ws = ws
	c.mode = upgraded
}

func (c *client) pollQuery() string { return "EIO=4&transport=polling&sid=" + c.sid }

func wsWrite(t *testing.T, ws *gws.Conn, s string) {
	t.Helper()
	if err := ws.WriteMessage(gws.TextMessage, []byte(s)); err != nil {
		t.Fatalf("websocket write %q: %v", s, err)
	}
}

func wsRead(t *testing.T, ws *gws.Conn) string {
	t.Helper()
	typ, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	if typ == gws.BinaryMessage {
		return "binary:" + string(data)
	}
	return string(data)
}

// send sends packets: in one POST over polling, one frame each over
// WebSocket.
func (c *client) send(pkts ...packet.Packet) {
	c.t.Helper()
	if c.ws == nil {
		if status, body := c.e.post(c.pollQuery(), string(packet.AppendPayload(nil, pkts))); status != 200 || body != "ok" {
			c.t.Fatalf("POST = %d %q, want 200 ok", status, body)
		}
		return
	}
	for _, p := range pkts {
		typ := gws.TextMessage
		data := packet.AppendText(nil, p)
		if p.Binary {
			typ, data = gws.BinaryMessage, p.Data
		}
		if err := c.ws.WriteMessage(typ, data); err != nil {
			c.t.Fatalf("websocket write: %v", err)
		}
	}
}

// recv returns the next packets: one GET's payload, or one frame.
func (c *client) recv() []packet.Packet {
	c.t.Helper()
	if c.ws == nil {
		status, body := c.e.get(c.pollQuery())
		if status != 200 {
			c.t.Fatalf("GET = %d %q", status, body)
		}
		var out []packet.Packet
		if err := packet.DecodePayload([]byte(body), func(p packet.Packet) error {
			out = append(out, packet.Packet{Type: p.Type, Binary: p.Binary, Data: append([]byte(nil), p.Data...)})
			return nil
		}); err != nil {
			c.t.Fatalf("GET payload %q: %v", body, err)
		}
		return out
	}
	typ, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("websocket read: %v", err)
	}
	p, err := packet.DecodeFrame(data, typ == gws.BinaryMessage)
	if err != nil {
		c.t.Fatalf("frame %q: %v", data, err)
	}
	return []packet.Packet{p}
}

// recvN collects n packets, answering pings on the way.
func (c *client) recvN(n int) []packet.Packet {
	c.t.Helper()
	var out []packet.Packet
	for len(out) < n {
		for _, p := range c.recv() {
			if p.Type == packet.Ping {
				c.send(packet.Packet{Type: packet.Pong})
				continue
			}
			out = append(out, p)
		}
	}
	if len(out) != n {
		c.t.Fatalf("received %d packets, want %d: %v", len(out), n, out)
	}
	return out
}

// wantClosedByServer checks that the server ended the connection: the
// WebSocket is closed, or the session id is unknown to polling.
func (c *client) wantClosedByServer() {
	c.t.Helper()
	if c.ws != nil {
		for {
			_, _, err := c.ws.ReadMessage()
			if err != nil {
				return
			}
		}
	}
	status, body := c.e.get(c.pollQuery())
	if status != 400 {
		c.t.Fatalf("GET after close = %d %q, want 400", status, body)
	}
}

func text(s string) packet.Packet { return packet.Packet{Type: packet.Message, Data: []byte(s)} }
func binary(b ...byte) packet.Packet {
	return packet.Packet{Type: packet.Message, Data: b, Binary: true}
}

func packetsString(pkts []packet.Packet) string {
	return string(packet.AppendPayload(nil, pkts))
}

// wantErrorBody checks a refused request's JSON body.
func wantErrorBody(t *testing.T, body string, code int, message string) {
	t.Helper()
	var got struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Code == nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if *got.Code != code || got.Message != message {
		t.Fatalf("error body = %q, want code %d message %q", body, code, message)
	}
}

var errTest = errors.New("test refusal")

var _ = time.Second
