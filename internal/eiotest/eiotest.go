// Package eiotest drives an Engine.IO server in tests: an in-memory
// network for testing/synctest bubbles, and a client that speaks the
// protocol by hand in each transport mode (polling, WebSocket, polling
// upgraded to WebSocket), so that tests can also break it.
package eiotest

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// Net is an in-memory net.Listener whose Dial hands out pipe ends.
type Net struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
	buffer int // bytes each direction of a connection buffers
}

func NewNet() *Net {
	return &Net{conns: make(chan net.Conn), closed: make(chan struct{}), buffer: 64 << 10}
}

func (n *Net) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	}
}

func (n *Net) Close() error {
	n.once.Do(func() { close(n.closed) })
	return nil
}

func (n *Net) Addr() net.Addr { return addr{} }

func (n *Net) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	c, s := NewPipe(n.buffer)
	select {
	case n.conns <- s:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type addr struct{}

func (addr) Network() string { return "mem" }
func (addr) String() string  { return "mem" }

// Mode is how a test client reaches the server.
type Mode int

// The transport modes.
const (
	Polling   Mode = iota // long-polling only
	WebSocket             // WebSocket from the start
	Upgraded              // polling, then upgraded to WebSocket
)

func (m Mode) String() string { return [...]string{"polling", "websocket", "upgraded"}[m] }

// AllModes lists every mode.
var AllModes = []Mode{Polling, WebSocket, Upgraded}

// Run runs f once per mode, each in its own synctest bubble.
func Run(t *testing.T, modes []Mode, f func(t *testing.T, m Mode)) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { f(t, m) })
		})
	}
}

// Env serves a handler on an in-memory network and talks to it.
type Env struct {
	T      testing.TB
	Net    *Net
	HTTP   *http.Client
	path   string // where the server is mounted, such as "/engine.io/"
	hs     *http.Server
	served chan struct{}
}

// NewEnv serves h, mounted at path, until the test ends; stop is called
// first then (to close the server under test). Call it inside a bubble.
func NewEnv(t testing.TB, h http.Handler, path string, stop func()) *Env {
	e := &Env{T: t, Net: NewNet(), path: path, served: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle(path, h)
	e.hs = &http.Server{Handler: mux}
	go func() {
		defer close(e.served)
		e.hs.Serve(e.Net)
	}()
	tr := &http.Transport{DialContext: e.Net.Dial, DisableCompression: true}
	e.HTTP = &http.Client{Transport: tr}
	t.Cleanup(func() {
		if stop != nil {
			stop()
		}
		e.hs.Close()
		<-e.served
		tr.CloseIdleConnections()
	})
	return e
}

// Request sends a request with the given query and returns the response
// and its body.
func (e *Env) Request(ctx context.Context, method, query, body string, header http.Header) (*http.Response, string) {
	e.T.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://test"+e.path+"?"+query, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, query, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatalf("%s %s: reading body: %v", method, query, err)
	}
	return resp, string(b)
}

// Get sends a GET and returns its status and body.
func (e *Env) Get(query string) (int, string) {
	e.T.Helper()
	resp, body := e.Request(context.Background(), "GET", query, "", nil)
	return resp.StatusCode, body
}

// Post sends a POST of body and returns its status and body.
func (e *Env) Post(query, body string) (int, string) {
	e.T.Helper()
	resp, b := e.Request(context.Background(), "POST", query, body, http.Header{"Content-Type": {"text/plain;charset=UTF-8"}})
	return resp.StatusCode, b
}

// Dial opens a WebSocket with the given query.
func (e *Env) Dial(query string) (*gws.Conn, *http.Response, error) {
	d := gws.Dialer{NetDialContext: e.Net.Dial}
	return d.Dial("ws://test"+e.path+"?"+query, nil)
}

// Handshake is the JSON of an open packet.
type Handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// ParseOpen checks an open packet: "0" and a JSON object with exactly the
// five keys of the reference.
func ParseOpen(t testing.TB, data string) Handshake {
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
	var h Handshake
	json.Unmarshal([]byte(data[1:]), &h)
	return h
}

// Client is a test client in one mode. It speaks the protocol by hand.
type Client struct {
	E    *Env
	T    testing.TB
	Mode Mode
	SID  string
	HS   Handshake
	WS   *gws.Conn // nil while on polling
	// Initial holds packets that came with the polling handshake after
	// the open packet, or on the last poll of an upgrade; Recv returns
	// them first.
	Initial []packet.Packet
	// V3 is set for a client of Engine.IO revision 3 (ConnectV3), and
	// Query holds what its handshake added to the query ("&b64=1").
	V3    bool
	Query string
}

// Connect opens a session in mode m. In Upgraded mode it performs the
// whole upgrade before returning.
func (e *Env) Connect(m Mode) *Client {
	e.T.Helper()
	c := &Client{E: e, T: e.T, Mode: m}
	if m == WebSocket {
		ws, _, err := e.Dial("EIO=4&transport=websocket")
		if err != nil {
			e.T.Fatalf("websocket handshake: %v", err)
		}
		c.WS = ws
		e.T.Cleanup(func() { ws.Close() })
		typ, data, err := ws.ReadMessage()
		if err != nil || typ != gws.TextMessage {
			e.T.Fatalf("reading open packet: %v (type %d)", err, typ)
		}
		c.HS = ParseOpen(e.T, string(data))
		c.SID = c.HS.SID
		return c
	}
	status, body := e.Get("EIO=4&transport=polling")
	if status != 200 {
		e.T.Fatalf("polling handshake: %d %s", status, body)
	}
	open, rest, _ := strings.Cut(body, "\x1e")
	c.HS = ParseOpen(e.T, open)
	c.SID = c.HS.SID
	if rest != "" {
		c.Initial = decodePayload(e.T, rest)
	}
	if m == Upgraded {
		c.Upgrade()
	}
	return c
}

// ConnectV3 opens a session of Engine.IO revision 3 in mode m, with query
// added to the handshake's (such as "&b64=1"), as engine.io-client 3.x
// does.
func (e *Env) ConnectV3(m Mode, query string) *Client {
	e.T.Helper()
	c := &Client{E: e, T: e.T, Mode: m, V3: true, Query: query}
	if m == WebSocket {
		ws, _, err := e.Dial("EIO=3&transport=websocket" + query)
		if err != nil {
			e.T.Fatalf("websocket handshake: %v", err)
		}
		c.WS = ws
		e.T.Cleanup(func() { ws.Close() })
		typ, data, err := ws.ReadMessage()
		if err != nil || typ != gws.TextMessage {
			e.T.Fatalf("reading open packet: %v (type %d)", err, typ)
		}
		c.HS = ParseOpen(e.T, string(data))
		c.SID = c.HS.SID
		return c
	}
	resp, body := e.Request(context.Background(), "GET", "EIO=3&transport=polling"+query, "", nil)
	if resp.StatusCode != 200 {
		e.T.Fatalf("polling handshake: %d %s", resp.StatusCode, body)
	}
	pkts := c.decode(resp.Header.Get("Content-Type"), body)
	if len(pkts) == 0 || pkts[0].Type != packet.Open {
		e.T.Fatalf("polling handshake = %q, want an open packet first", body)
	}
	c.HS = ParseOpen(e.T, string(packet.AppendText(nil, pkts[0])))
	c.SID = c.HS.SID
	c.Initial = pkts[1:]
	if m == Upgraded {
		c.Upgrade()
	}
	return c
}

// Upgrade runs the upgrade from polling to WebSocket as the JavaScript
// client does: with a poll pending, probe, take the noop that releases the
// poll, then send "5". Packets that come on the way are kept in Initial.
func (c *Client) Upgrade() {
	c.T.Helper()
	ws, _, err := c.E.Dial(c.eio() + "&transport=websocket&sid=" + c.SID + c.Query)
	if err != nil {
		c.T.Fatalf("upgrade handshake: %v", err)
	}
	c.T.Cleanup(func() { ws.Close() })
	type poll struct {
		status      int
		body        string
		contentType string
	}
	var pending chan poll
	for {
		pending = make(chan poll, 1)
		go func() {
			resp, body := c.E.Request(context.Background(), "GET", c.PollQuery(), "", nil)
			pending <- poll{resp.StatusCode, body, resp.Header.Get("Content-Type")}
		}()
		synctest.Wait()
		select {
		case p := <-pending: // answered at once: what was queued
			if p.status != 200 {
				c.T.Fatalf("poll before the upgrade = %d %q", p.status, p.body)
			}
			c.Initial = append(c.Initial, c.decode(p.contentType, p.body)...)
			continue
		default:
		}
		break
	}
	WSWrite(c.T, ws, "2probe")
	if got := WSRead(c.T, ws); got != "3probe" {
		c.T.Fatalf("probe answer = %q, want 3probe", got)
	}
	p := <-pending
	if p.status != 200 {
		c.T.Fatalf("poll during the upgrade = %d %q", p.status, p.body)
	}
	pkts := c.decode(p.contentType, p.body)
	if n := len(pkts); n == 0 || pkts[n-1].Type != packet.Noop {
		c.T.Fatalf("poll during the upgrade = %q, want it to end with a noop", p.body)
	}
	c.Initial = append(c.Initial, pkts[:len(pkts)-1]...)
	WSWrite(c.T, ws, "5")
	c.WS = ws
}

// PollQuery is the query of the session's polling requests.
func (c *Client) PollQuery() string { return c.eio() + "&transport=polling&sid=" + c.SID + c.Query }

func (c *Client) eio() string {
	if c.V3 {
		return "EIO=3"
	}
	return "EIO=4"
}

// decode decodes a poll's response of the given Content-Type.
func (c *Client) decode(contentType, body string) []packet.Packet {
	c.T.Helper()
	if !c.V3 {
		return decodePayload(c.T, body)
	}
	next := packet.NextPayloadV3
	if contentType == "application/octet-stream" {
		next = packet.NextBinaryPayloadV3
	}
	var out []packet.Packet
	for rest := []byte(body); rest != nil; {
		var p packet.Packet
		var err error
		if p, rest, err = next(rest); err != nil {
			c.T.Fatalf("v3 payload %q: %v", body, err)
		}
		out = append(out, packet.Packet{Type: p.Type, Binary: p.Binary, Data: append([]byte(nil), p.Data...)})
	}
	return out
}

// Encode encodes packets as the client's POST body and returns it with
// its Content-Type: v3 sends a binary payload when a packet is binary,
// unless the client asked for base64 (b64).
func (c *Client) Encode(pkts []packet.Packet) (string, string) {
	if !c.V3 {
		return string(packet.AppendPayload(nil, pkts)), "text/plain;charset=UTF-8"
	}
	binary := false
	for _, p := range pkts {
		binary = binary || p.Binary
	}
	if binary && !strings.Contains(c.Query, "b64") {
		return string(packet.AppendBinaryPayloadV3(nil, pkts)), "application/octet-stream"
	}
	return string(packet.AppendPayloadV3(nil, pkts)), "text/plain;charset=UTF-8"
}

func decodePayload(t testing.TB, body string) []packet.Packet {
	t.Helper()
	var out []packet.Packet
	if err := packet.DecodePayload([]byte(body), func(p packet.Packet) error {
		out = append(out, packet.Packet{Type: p.Type, Binary: p.Binary, Data: append([]byte(nil), p.Data...)})
		return nil
	}); err != nil {
		t.Fatalf("payload %q: %v", body, err)
	}
	return out
}

// WSWrite writes a text frame.
func WSWrite(t testing.TB, ws *gws.Conn, s string) {
	t.Helper()
	if err := ws.WriteMessage(gws.TextMessage, []byte(s)); err != nil {
		t.Fatalf("websocket write %q: %v", s, err)
	}
}

// WSRead reads a frame; binary frames come back as "binary:" + data.
func WSRead(t testing.TB, ws *gws.Conn) string {
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

// Send sends packets: in one POST over polling, one frame each over
// WebSocket.
func (c *Client) Send(pkts ...packet.Packet) {
	c.T.Helper()
	if c.WS == nil {
		payload, ct := c.Encode(pkts)
		resp, body := c.E.Request(context.Background(), "POST", c.PollQuery(), payload, http.Header{"Content-Type": {ct}})
		if resp.StatusCode != 200 || body != "ok" {
			c.T.Fatalf("POST = %d %q, want 200 ok", resp.StatusCode, body)
		}
		return
	}
	for _, p := range pkts {
		typ := gws.TextMessage
		data := packet.AppendText(nil, p)
		switch {
		case p.Binary && c.V3:
			typ, data = gws.BinaryMessage, append([]byte{byte(p.Type)}, p.Data...)
		case p.Binary:
			typ, data = gws.BinaryMessage, p.Data
		}
		if err := c.WS.WriteMessage(typ, data); err != nil {
			c.T.Fatalf("websocket write: %v", err)
		}
	}
}

// Recv returns the next packets: those in Initial first, then one GET's
// payload, or one frame.
func (c *Client) Recv() []packet.Packet {
	c.T.Helper()
	if len(c.Initial) > 0 {
		out := c.Initial
		c.Initial = nil
		return out
	}
	if c.WS == nil {
		resp, body := c.E.Request(context.Background(), "GET", c.PollQuery(), "", nil)
		if resp.StatusCode != 200 {
			c.T.Fatalf("GET = %d %q", resp.StatusCode, body)
		}
		return c.decode(resp.Header.Get("Content-Type"), body)
	}
	typ, data, err := c.WS.ReadMessage()
	if err != nil {
		c.T.Fatalf("websocket read: %v", err)
	}
	decode := packet.DecodeFrame
	if c.V3 {
		decode = packet.DecodeFrameV3
	}
	p, err := decode(data, typ == gws.BinaryMessage)
	if err != nil {
		c.T.Fatalf("frame %q: %v", data, err)
	}
	return []packet.Packet{p}
}

// RecvN collects n packets, answering pings on the way.
func (c *Client) RecvN(n int) []packet.Packet {
	c.T.Helper()
	var out []packet.Packet
	for len(out) < n {
		for _, p := range c.Recv() {
			if p.Type == packet.Ping {
				c.Send(packet.Packet{Type: packet.Pong})
				continue
			}
			out = append(out, p)
		}
	}
	if len(out) != n {
		c.T.Fatalf("received %d packets, want %d: %q", len(out), n, PacketsString(out))
	}
	return out
}

// WantClosedByServer checks that the server ended the connection: the
// WebSocket is closed, or the session id is unknown to polling.
func (c *Client) WantClosedByServer() {
	c.T.Helper()
	if c.WS != nil {
		for {
			if _, _, err := c.WS.ReadMessage(); err != nil {
				return
			}
		}
	}
	// A graceful close delivers what was queued and a close packet on
	// the next poll; then the session id is unknown.
	for range 10 {
		status, body := c.E.Get(c.PollQuery())
		if status == 400 {
			return
		}
		if status != 200 {
			c.T.Fatalf("GET after close = %d %q, want 400", status, body)
		}
	}
	c.T.Fatal("the session is still open after 10 polls")
}

// Text is a text message packet.
func Text(s string) packet.Packet { return packet.Packet{Type: packet.Message, Data: []byte(s)} }

// Binary is a binary message packet.
func Binary(b ...byte) packet.Packet {
	return packet.Packet{Type: packet.Message, Data: b, Binary: true}
}

// PacketsString renders packets as a polling payload, for comparisons.
func PacketsString(pkts []packet.Packet) string {
	return string(packet.AppendPayload(nil, pkts))
}

// WantErrorBody checks a refused request's JSON body.
func WantErrorBody(t testing.TB, body string, code int, message string) {
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

// pipe is an in-memory, buffered, full-duplex connection for tests in a
// synctest bubble. Unlike net.Pipe it buffers like a socket does: a write
// returns once its bytes fit in the peer's receive buffer, so a peer that
// does not read blocks the writer only when the buffer is full. Waiting
// uses sync.Cond, which is durably blocking, and deadlines use timers, so
// virtual time applies.
type pipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    [2][]byte // buf[i]: written by end i, read by end 1-i
	closed [2]bool   // end i closed
	limit  int
}

func NewPipe(limit int) (net.Conn, net.Conn) {
	p := &pipe{limit: limit}
	p.cond.L = &p.mu
	return &pipeConn{p: p, end: 0}, &pipeConn{p: p, end: 1}
}

type pipeConn struct {
	p   *pipe
	end int

	// deadlines, guarded by p.mu
	rdl, wdl       time.Time
	rtimer, wtimer *time.Timer
}

func (c *pipeConn) Read(b []byte) (int, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		switch {
		case p.closed[c.end]:
			return 0, net.ErrClosed
		case len(p.buf[1-c.end]) > 0:
			n := copy(b, p.buf[1-c.end])
			p.buf[1-c.end] = p.buf[1-c.end][n:]
			p.cond.Broadcast()
			return n, nil
		case p.closed[1-c.end]:
			return 0, io.EOF
		case expired(c.rdl):
			return 0, os.ErrDeadlineExceeded
		}
		p.cond.Wait()
	}
}

func (c *pipeConn) Write(b []byte) (int, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for n < len(b) {
		switch {
		case p.closed[c.end]:
			return n, net.ErrClosed
		case p.closed[1-c.end]:
			return n, io.ErrClosedPipe
		case expired(c.wdl):
			return n, os.ErrDeadlineExceeded
		}
		if space := p.limit - len(p.buf[c.end]); space > 0 {
			k := min(space, len(b)-n)
			p.buf[c.end] = append(p.buf[c.end], b[n:n+k]...)
			n += k
			p.cond.Broadcast()
			continue
		}
		p.cond.Wait()
	}
	return n, nil
}

func expired(dl time.Time) bool { return !dl.IsZero() && !time.Now().Before(dl) }

func (c *pipeConn) Close() error {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed[c.end] = true
	for _, t := range []*time.Timer{c.rtimer, c.wtimer} {
		if t != nil {
			t.Stop()
		}
	}
	p.cond.Broadcast()
	return nil
}

func (c *pipeConn) setDeadline(dl *time.Time, timer **time.Timer, t time.Time) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	*dl = t
	if *timer != nil {
		(*timer).Stop()
		*timer = nil
	}
	if !t.IsZero() && !p.closed[c.end] {
		*timer = time.AfterFunc(time.Until(t), func() {
			p.mu.Lock()
			p.cond.Broadcast()
			p.mu.Unlock()
		})
	}
	p.cond.Broadcast()
}

func (c *pipeConn) SetReadDeadline(t time.Time) error {
	c.setDeadline(&c.rdl, &c.rtimer, t)
	return nil
}

func (c *pipeConn) SetWriteDeadline(t time.Time) error {
	c.setDeadline(&c.wdl, &c.wtimer, t)
	return nil
}

func (c *pipeConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *pipeConn) LocalAddr() net.Addr  { return addr{} }
func (c *pipeConn) RemoteAddr() net.Addr { return addr{} }
