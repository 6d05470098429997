package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests run our server and the client in a synctest bubble over an
// in-memory network: heartbeats take no wall-clock time, and the end of
// each bubble proves every goroutine of the client ended.

type mode = eiotest.Mode

// serverSide records what the server's sessions received, and echoes
// messages back when echo is set.
type serverSide struct {
	echo bool

	mu       sync.Mutex
	sessions []*engineio.Session
	got      []engineio.Message
	closes   []engineio.CloseReason
	requests []*http.Request
}

func (s *serverSide) handler() engineio.Handler {
	return engineio.HandlerFunc(func(es *engineio.Session) engineio.SessionHandler {
		s.mu.Lock()
		s.sessions = append(s.sessions, es)
		s.requests = append(s.requests, es.Request())
		s.mu.Unlock()
		return engineio.SessionFuncs{
			Message: func(m engineio.Message) {
				s.mu.Lock()
				s.got = append(s.got, m)
				s.mu.Unlock()
				if s.echo {
					es.Send(m)
				}
			},
			Close: func(r engineio.CloseReason, _ error) {
				s.mu.Lock()
				s.closes = append(s.closes, r)
				s.mu.Unlock()
			},
		}
	})
}

func (s *serverSide) messages() []engineio.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

func (s *serverSide) closeReasons() []engineio.CloseReason {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closes)
}

// env is a server on the in-memory network of a bubble.
type env struct {
	*eiotest.Env
	srv  *engineio.Server
	side *serverSide
}

func newEnv(t *testing.T, opts *engineio.Options, echo bool) *env {
	side := &serverSide{echo: echo}
	srv := engineio.NewServer(side.handler(), opts)
	return &env{Env: eiotest.NewEnv(t, srv, "/engine.io/", func() { srv.Close() }), srv: srv, side: side}
}

// options returns client options that reach e in mode m.
func (e *env) options(m mode) *client.Options {
	o := &client.Options{HTTPClient: e.HTTP, NetDialContext: e.Net.Dial}
	switch m {
	case eiotest.Polling:
		o.Transports = []string{client.Polling}
	case eiotest.WebSocket:
		o.Transports = []string{client.WebSocket}
	}
	return o
}

// recorder is the client's side: what its callbacks were told.
type recorder struct {
	mu       sync.Mutex
	msgs     []client.Message
	upgrades []string
	reason   client.CloseReason
	err      error
	closed   chan struct{}
	upgraded chan struct{}
}

func newRecorder() *recorder {
	return &recorder{closed: make(chan struct{}), upgraded: make(chan struct{}, 1)}
}

func (r *recorder) set(o *client.Options) *client.Options {
	o.OnMessage = func(m client.Message) {
		r.mu.Lock()
		r.msgs = append(r.msgs, m)
		r.mu.Unlock()
	}
	o.OnUpgrade = func(tr string) {
		r.mu.Lock()
		r.upgrades = append(r.upgrades, tr)
		r.mu.Unlock()
		r.upgraded <- struct{}{}
	}
	o.OnClose = func(reason client.CloseReason, err error) {
		r.mu.Lock()
		r.reason, r.err = reason, err
		r.mu.Unlock()
		close(r.closed)
	}
	return o
}

func (r *recorder) messages() []client.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// dial connects in mode m and, in the upgraded mode, waits for the upgrade.
func dial(t *testing.T, e *env, m mode, r *recorder) *client.Conn {
	t.Helper()
	c, err := client.Dial(t.Context(), "http://mem", r.set(e.options(m)))
	if err != nil {
		t.Fatal(err)
	}
	if m == eiotest.Upgraded {
		// A poll that crosses the probe waits up to 100 ms on the
		// server: wait for the upgrade itself, not for the bubble.
		<-r.upgraded
		if tr := c.Transport(); tr != client.WebSocket {
			t.Fatalf("transport %s after the upgrade, want websocket", tr)
		}
	}
	return c
}

func closeAndWait(t *testing.T, c *client.Conn) {
	t.Helper()
	c.Close()
	<-c.Done()
}

func TestEcho(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil, true)
		r := newRecorder()
		c := dial(t, e, m, r)
		var want []client.Message
		for i := range 50 {
			msg := client.Message{Data: fmt.Appendf(nil, "hello %d", i)}
			if i%5 == 0 {
				msg = client.Message{Data: []byte{byte(i), 0, 255}, Binary: true}
			}
			want = append(want, msg)
			if err := c.Send(msg); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		if got := r.messages(); !equalMessages(got, want) {
			t.Fatalf("echoed %d messages, want %d: %v", len(got), len(want), got)
		}
		closeAndWait(t, c)
		if r.reason != client.ReasonForcedClose {
			t.Errorf("client close reason %v, want forced close", r.reason)
		}
		synctest.Wait()
		if got := e.side.closeReasons(); len(got) != 1 || got[0] != engineio.ReasonTransportClose {
			t.Errorf("server saw close %v, want [transport close]", got)
		}
	})
}

func equalMessages(a, b []client.Message) bool {
	return slices.EqualFunc(a, b, func(x, y client.Message) bool {
		return x.Binary == y.Binary && string(x.Data) == string(y.Data)
	})
}

// Messages sent while the upgrade goes on arrive once each, in order.
func TestUpgradeKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil, true)
		r := newRecorder()
		c, err := client.Dial(t.Context(), "http://mem", r.set(e.options(eiotest.Upgraded)))
		if err != nil {
			t.Fatal(err)
		}
		var want []client.Message
		for i := range 200 {
			msg := client.Message{Data: fmt.Appendf(nil, "%d", i)}
			want = append(want, msg)
			if err := c.Send(msg); err != nil {
				t.Fatal(err)
			}
			if i%10 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		<-r.upgraded
		time.Sleep(time.Second)
		synctest.Wait()
		if c.Transport() != client.WebSocket || len(r.upgrades) != 1 {
			t.Fatalf("transport %s, upgrades %v", c.Transport(), r.upgrades)
		}
		if got := e.side.messages(); len(got) != len(want) {
			t.Fatalf("server got %d messages, want %d", len(got), len(want))
		}
		if got := r.messages(); !equalMessages(got, want) {
			t.Fatalf("echoed %v", got)
		}
		closeAndWait(t, c)
	})
}

// The client answers pings: the session outlives many ping intervals.
func TestHeartbeat(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond}, false)
		r := newRecorder()
		c := dial(t, e, m, r)
		time.Sleep(10 * time.Second)
		select {
		case <-r.closed:
			t.Fatalf("closed: %v %v", r.reason, r.err)
		default:
		}
		if got := e.side.closeReasons(); len(got) != 0 {
			t.Fatalf("server closed the session: %v", got)
		}
		closeAndWait(t, c)
	})
}

func TestServerCloses(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil, false)
		r := newRecorder()
		dial(t, e, m, r)
		e.side.mu.Lock()
		es := e.side.sessions[0]
		e.side.mu.Unlock()
		es.Close()
		<-r.closed
		if r.reason != client.ReasonTransportClose {
			t.Fatalf("reason %v (%v), want transport close", r.reason, r.err)
		}
	})
}

// A batch of long-polling messages stays under the server's maxPayload:
// the server would refuse a larger POST.
func TestMaxPayloadSplitsBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxHTTPBufferSize: 1000}, false)
		r := newRecorder()
		c := dial(t, e, eiotest.Polling, r)
		if got := c.Handshake().MaxPayload; got != 1000 {
			t.Fatalf("maxPayload %d", got)
		}
		for i := range 20 {
			c.Send(client.Message{Data: fmt.Appendf(nil, "%03d%0297d", i, 0)})
		}
		synctest.Wait()
		if got := e.side.messages(); len(got) != 20 {
			t.Fatalf("server got %d messages, want 20 (closed: %v)", len(got), e.side.closeReasons())
		}
		closeAndWait(t, c)
	})
}

// Binary messages count in a batch at their size in the payload, base64
// and all: 4 messages of 240 bytes are 960 bytes, but 1287 in a payload.
func TestMaxPayloadCountsBase64(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxHTTPBufferSize: 1000}, false)
		r := newRecorder()
		c := dial(t, e, eiotest.Polling, r)
		for i := range 4 {
			c.Send(client.Message{Data: bytes.Repeat([]byte{byte(i)}, 240), Binary: true})
		}
		synctest.Wait()
		got := e.side.messages()
		if len(got) != 4 {
			t.Fatalf("server got %d messages, want 4 (closed: %v)", len(got), e.side.closeReasons())
		}
		for i, m := range got {
			if !m.Binary || !bytes.Equal(m.Data, bytes.Repeat([]byte{byte(i)}, 240)) {
				t.Errorf("message %d: %v binary %v", i, m.Data[:4], m.Binary)
			}
		}
		closeAndWait(t, c)
	})
}

func TestHeadersQueryAndCookies(t *testing.T) {
	eiotest.Run(t, eiotest.AllModes, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{Cookie: &http.Cookie{Name: "io"}}, false)
		r := newRecorder()
		jar := newJar()
		o := r.set(e.options(m))
		o.Header = http.Header{"X-Token": {"abc"}}
		o.Query = map[string][]string{"room": {"blue"}}
		o.Jar = jar
		c, err := client.Dial(t.Context(), "http://mem/?from=url", o)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		req := e.side.requests[0]
		if req.Header.Get("X-Token") != "abc" || req.URL.Query().Get("room") != "blue" || req.URL.Query().Get("from") != "url" {
			t.Errorf("handshake request lacks header or query: %v %v", req.Header, req.URL)
		}
		if m != eiotest.WebSocket {
			if got := jar.get("io"); got != c.ID() {
				t.Errorf("jar holds io=%q, want the session id %q", got, c.ID())
			}
		}
		closeAndWait(t, c)
	})
}

func TestDialErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil, false)
		o := e.options(eiotest.Polling)
		o.Path = "/nowhere/"
		_, err := client.Dial(t.Context(), "http://mem", o)
		var he *client.HTTPError
		if !errors.As(err, &he) || he.Status != "404 Not Found" {
			t.Errorf("dial to a wrong path: %v", err)
		}
		if _, err := client.Dial(t.Context(), "ftp://mem", nil); err == nil {
			t.Error("dial to ftp:// did not fail")
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		o = e.options(eiotest.Polling)
		o.Transports = []string{"carrier-pigeon"}
		if _, err := client.Dial(ctx, "http://mem", o); err == nil {
			t.Error("unknown transport accepted")
		}
	})
}

type jar struct{ *cookiejar.Jar }

func newJar() jar {
	j, _ := cookiejar.New(nil)
	return jar{j}
}

func (j jar) get(name string) string {
	u, _ := url.Parse("http://mem/engine.io/")
	for _, c := range j.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
