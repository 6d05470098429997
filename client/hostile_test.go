package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// A hostile server breaks the protocol in every way the issue names; the
// client reports it through connect_error or disconnect, never panics,
// and keeps its reconnection promise.

const openPacket = `0{"sid":"s%d","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}`

// fakeServer serves WebSocket sessions scripted by script, which gets the
// connection (the open packet sent) and the session's number from 1.
type fakeServer struct {
	t      *testing.T
	script func(ws *gws.Conn, n int)
	mu     sync.Mutex
	n      int
	wg     sync.WaitGroup
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := (&gws.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	f.wg.Add(1)
	defer f.wg.Done()
	defer ws.Close()
	ws.WriteMessage(gws.TextMessage, []byte(strings.Replace(openPacket, "%d", string(rune('0'+n%10)), 1)))
	f.script(ws, n)
}

func (f *fakeServer) sessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// hostile serves h in a bubble and returns client options that reach it
// over WebSocket, reconnecting after 1 s, without randomization.
func hostile(t *testing.T, h http.Handler) *client.Options {
	env := eiotest.NewEnv(t, h, "/socket.io/", nil)
	return &client.Options{
		Engine:              eio.Options{Transports: []string{eio.WebSocket}, HTTPClient: env.HTTP, NetDialContext: env.Net.Dial},
		RandomizationFactor: -1,
	}
}

// readText reads text frames until one starts with prefix.
func readText(ws *gws.Conn, prefix string) bool {
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			return false
		}
		if strings.HasPrefix(string(b), prefix) {
			return true
		}
	}
}

// accept answers the client's CONNECT to "/".
func accept(ws *gws.Conn) bool {
	if !readText(ws, "40") {
		return false
	}
	return ws.WriteMessage(gws.TextMessage, []byte(`40{"sid":"abc"}`)) == nil
}

// pingUntilClosed keeps the session alive until the client goes.
func pingUntilClosed(ws *gws.Conn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		case <-time.After(300 * time.Millisecond):
			ws.WriteMessage(gws.TextMessage, []byte("2"))
		}
	}
}

type recorder struct {
	mu      sync.Mutex
	reasons []client.DisconnectReason
	errs    []error
	events  []string
}

func record(s *client.Socket) *recorder {
	r := &recorder{}
	s.OnDisconnect(func(reason client.DisconnectReason, _ error) {
		r.mu.Lock()
		r.reasons = append(r.reasons, reason)
		r.mu.Unlock()
	})
	s.OnConnectError(func(err error) {
		r.mu.Lock()
		r.errs = append(r.errs, err)
		r.mu.Unlock()
	})
	s.OnAny(func(ev string, _ client.Args) {
		r.mu.Lock()
		r.events = append(r.events, ev)
		r.mu.Unlock()
	})
	return r
}

func (r *recorder) snapshot() ([]client.DisconnectReason, []error, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]client.DisconnectReason(nil), r.reasons...), append([]error(nil), r.errs...), append([]string(nil), r.events...)
}

// Packets outside the protocol: an unknown packet type closes with a
// parse error and the client reconnects; an acknowledgement for an
// unknown id is ignored; binary attachments that never come, followed by
// text, are a parse error too.
func TestHostileServerPackets(t *testing.T) {
	cases := []struct {
		name   string
		send   []string
		reason client.DisconnectReason // 0: stays connected
	}{
		{"unknown socket.io type", []string{`49`}, client.ReasonParseError},
		{"unknown engine.io type", []string{`9hello`}, client.ReasonTransportError},
		{"ack for an unknown id", []string{`4399["x"]`, `42["after"]`}, 0},
		{"attachments that never come", []string{`451-["bin",{"_placeholder":true,"num":0}]`, `42["after"]`}, client.ReasonParseError},
		{"too many attachments", []string{`4599-["bin"]`}, client.ReasonParseError},
		{"a reserved event name", []string{`42["connect"]`}, client.ReasonParseError},
		{"an event that is not an array", []string{`42{"a":1}`}, client.ReasonParseError},
		{"a connect without sid", []string{`40{}`, `42["after"]`}, 0},
		{"a namespace never joined", []string{`42/elsewhere,["x"]`, `42["after"]`}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeServer{t: t}
				f.script = func(ws *gws.Conn, n int) {
					if !accept(ws) {
						return
					}
					if n == 1 {
						for _, m := range c.send {
							ws.WriteMessage(gws.TextMessage, []byte(m))
						}
					}
					pingUntilClosed(ws)
				}
				o := hostile(t, f)
				s, err := client.New("http://mem", o)
				if err != nil {
					t.Fatal(err)
				}
				r := record(s)
				if err := s.Connect(t.Context()); err != nil {
					t.Fatal(err)
				}
				time.Sleep(5 * time.Second)
				synctest.Wait()
				reasons, _, events := r.snapshot()
				if c.reason == 0 {
					if len(reasons) != 0 || f.sessions() != 1 {
						t.Errorf("disconnected (%v) or reconnected (%d sessions)", reasons, f.sessions())
					}
					if len(events) != 1 || events[0] != "after" {
						t.Errorf("events %v, want [after]", events)
					}
				} else {
					if len(reasons) != 1 || reasons[0] != c.reason {
						t.Errorf("disconnect reasons %v, want [%v]", reasons, c.reason)
					}
					if f.sessions() != 2 || !s.Connected() {
						t.Errorf("%d sessions, connected %v: the client did not reconnect", f.sessions(), s.Connected())
					}
				}
				s.Manager().Close()
				f.wg.Wait()
			})
		})
	}
}

// A server that stops pinging is left with "ping timeout", and the client
// reconnects.
func TestHostileServerStopsPinging(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeServer{t: t}
		f.script = func(ws *gws.Conn, n int) {
			if !accept(ws) {
				return
			}
			if n > 1 {
				pingUntilClosed(ws)
				return
			}
			readText(ws, "never") // no ping; returns when the client closes
		}
		s, err := client.New("http://mem", hostile(t, f))
		if err != nil {
			t.Fatal(err)
		}
		r := record(s)
		if err := s.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		synctest.Wait()
		reasons, _, _ := r.snapshot()
		if len(reasons) != 1 || reasons[0] != client.ReasonPingTimeout {
			t.Fatalf("reasons %v, want [ping timeout]", reasons)
		}
		if f.sessions() != 2 || !s.Connected() {
			t.Fatalf("no reconnection after the ping timeout (%d sessions)", f.sessions())
		}
		s.Manager().Close()
		f.wg.Wait()
	})
}

// Handshakes that go wrong: garbage, a connection closed mid-handshake,
// an error status, a server that never answers. Each attempt is reported
// through connect_error with a clear error, and the client keeps trying.
func TestHostileHandshakes(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string // in the error
	}{
		{"garbage", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello, world")) }, "handshake"},
		{"not an open packet", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("4hello")) }, "expected an open packet"},
		{"an open packet without sid", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`0{"pingInterval":1}`)) }, "lacks sid"},
		{"closed mid-handshake", func(w http.ResponseWriter, r *http.Request) {
			c, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0{\"sid\""))
				c.Close()
			}
		}, "EOF"},
		{"an error status", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"code":5,"message":"Unsupported protocol version"}`))
		}, "Unsupported protocol version"},
		{"never answers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, "timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := hostile(t, c.handler)
				o.Engine.Transports = []string{eio.Polling}
				o.ReconnectionAttempts = 2
				// The first attempt is Connect's, so that its error reaches
				// the socket (with auto-connect the Manager may try and
				// fail before the socket asks).
				o.NoAutoConnect = true
				s, err := client.New("http://mem", o)
				if err != nil {
					t.Fatal(err)
				}
				r := record(s)
				failed := 0
				s.Manager().OnReconnectFailed(func() { failed++ })
				err = s.Connect(t.Context())
				if !errors.Is(err, client.ErrReconnectFailed) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("Connect: %v, want ErrReconnectFailed with %q", err, c.want)
				}
				synctest.Wait()
				_, errs, _ := r.snapshot()
				if len(errs) != 3 || failed != 1 {
					t.Fatalf("%d connect errors (want 3: the first try and 2 attempts), %d reconnect_failed", len(errs), failed)
				}
				for _, e := range errs {
					if !strings.Contains(e.Error(), c.want) {
						t.Errorf("connect_error %q lacks %q", e, c.want)
					}
				}
			})
		})
	}
}

// A message larger than MaxMessageSize closes the connection with a
// transport error instead of growing the client's memory.
func TestHostileServerHugeMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeServer{t: t}
		f.script = func(ws *gws.Conn, n int) {
			if !accept(ws) {
				return
			}
			if n == 1 {
				ws.WriteMessage(gws.TextMessage, []byte(`42["big","`+strings.Repeat("x", 2<<20)+`"]`))
			}
			pingUntilClosed(ws)
		}
		o := hostile(t, f)
		o.Engine.MaxMessageSize = 1 << 20
		s, err := client.New("http://mem", o)
		if err != nil {
			t.Fatal(err)
		}
		r := record(s)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		if err := s.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		reasons, _, events := r.snapshot()
		if len(reasons) != 1 || reasons[0] != client.ReasonTransportError || len(events) != 0 {
			t.Fatalf("reasons %v events %v, want [transport error] and none", reasons, events)
		}
		s.Manager().Close()
		f.wg.Wait()
	})
}
