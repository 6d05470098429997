package socketio_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// disconnectRecorder logs each socket's disconnecting (with its rooms) and
// disconnect.
func disconnectRecorder(e *env, ev *events, refs *socketRef) {
	e.srv.OnConnection(func(s *socketio.Socket) {
		refs.add(s)
		s.Join("room")
		s.OnDisconnecting(func(r socketio.DisconnectReason, _ error) {
			ev.add("disconnecting %s rooms=%d", r, len(s.Rooms()))
		})
		s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
			ev.add("disconnect %s rooms=%d connected=%v", r, len(s.Rooms()), s.Connected())
		})
	})
}

func TestDisconnectReasons(t *testing.T) {
	cases := []struct {
		name   string
		reason string
		action func(t *testing.T, e *env, c *wireClient, s *socketio.Socket)
	}{
		{"client namespace disconnect", "client namespace disconnect", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			c.sendText("1")
			// The connection stays up: the next packet is a ping.
			time.Sleep(25 * time.Second)
			if p := c.Recv(); len(p) != 1 || p[0].Type != 2 {
				t.Fatalf("after DISCONNECT got %v, want a ping", p)
			}
		}},
		{"server namespace disconnect", "server namespace disconnect", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			s.Disconnect()
			if got := c.nextText(); got != "1" {
				t.Fatalf("client got %s, want DISCONNECT", got)
			}
		}},
		{"disconnect and close", "server namespace disconnect", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			s.Close()
			if got := c.nextText(); got != "1" {
				t.Fatalf("client got %s, want DISCONNECT", got)
			}
			c.WantClosedByServer()
		}},
		{"transport close", "transport close", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			if c.WS != nil {
				c.WS.Close()
			} else {
				c.Send(eiotestClose())
			}
		}},
		{"ping timeout", "ping timeout", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			time.Sleep(46 * time.Second)
		}},
		{"parse error", "forced close", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			// An invalid Socket.IO packet closes the connection, as the
			// reference does (engine close: "forced close").
			c.sendText("2{}")
			c.WantClosedByServer()
		}},
		{"engine parse error", "parse error", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			if c.WS != nil {
				eiotest.WSWrite(t, c.WS, "x")
			} else {
				e.Post(c.PollQuery(), "x")
			}
		}},
		{"forced server close", "forced server close", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			c.sendText(`2/nope,["x"]`)
			c.WantClosedByServer()
		}},
		{"server shutting down", "server shutting down", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				e.srv.Shutdown(ctx)
			}()
			c.WantClosedByServer()
		}},
		{"engine close", "forced close", func(t *testing.T, e *env, c *wireClient, s *socketio.Socket) {
			s.Conn().Close()
			c.WantClosedByServer()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				e := newEnv(t, nil)
				var ev events
				var refs socketRef
				disconnectRecorder(e, &ev, &refs)
				c := e.client(m)
				s := refs.get(t, c.connect("/", ""))
				tc.action(t, e, c, s)
				ev.want(t, "disconnecting "+tc.reason+" rooms=2", "disconnect "+tc.reason+" rooms=0 connected=false")
				// Joins after the disconnect are ignored: no room leak.
				s.Join("late")
				if rooms := s.Rooms(); len(rooms) != 0 {
					t.Fatalf("rooms after disconnect: %v", rooms)
				}
				if n := len(e.srv.Sockets()); n != 0 {
					t.Fatalf("%d sockets left in the namespace", n)
				}
			})
		})
	}
}

func eiotestClose() packet.Packet { return packet.Packet{Type: packet.Close} }

func TestShutdownRefusesNewConnections(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.client(eiotest.WebSocket)
		c.connect("/", "")
		if err := e.srv.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if status, _ := e.Get("EIO=4&transport=polling"); status != 503 {
			t.Fatalf("handshake after Shutdown = %d, want 503", status)
		}
	})
}

func TestSlowClientIsDisconnected(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, &socketio.Options{MaxQueuedBytes: 64 << 10})
		var ev events
		var refs socketRef
		disconnectRecorder(e, &ev, &refs)
		c := e.client(m)
		s := refs.get(t, c.connect("/", ""))
		// The client stops reading; the server keeps emitting.
		chunk := strings.Repeat("x", 1024)
		var err error
		for i := 0; i < 10000 && err == nil; i++ {
			err = s.Emit("data", chunk)
		}
		if !errors.Is(err, engineio.ErrQueueFull) {
			t.Fatalf("Emit to a client that does not read: %v, want ErrQueueFull", err)
		}
		ev.want(t, "disconnecting transport error rooms=2", "disconnect transport error rooms=0 connected=false")
	})
}

func TestVolatile(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var refs socketRef
		e.srv.OnConnection(refs.add)
		c := e.client(m)
		s := refs.get(t, c.connect("/", ""))
		if c.WS == nil {
			// Polling: writable only while a poll is pending.
			s.Volatile().Emit("dropped: no poll pending")
			got := make(chan string)
			go func() { got <- c.nextText() }()
			synctest.Wait()
			s.Volatile().Emit("v1")
			if g := <-got; g != `2["v1"]` {
				t.Fatalf("got %s", g)
			}
			return
		}
		// WebSocket: writable when no write is in progress.
		s.Volatile().Emit("v1")
		if got := c.nextText(); got != `2["v1"]` {
			t.Fatalf("got %s", got)
		}
		// A write the client does not read blocks the writer (the
		// connection buffers 64 KiB): volatile events are dropped.
		big := strings.Repeat("x", 200<<10)
		s.Emit("big", big)
		synctest.Wait()
		s.Volatile().Emit("dropped")
		e.srv.Volatile().Emit("dropped too")
		s.Emit("after")
		if got := c.nextText(); got != `2["big","`+big+`"]` {
			t.Fatalf("got %.40s", got)
		}
		if got := c.nextText(); got != `2["after"]` {
			t.Fatalf("got %s, want the volatile events dropped", got)
		}
	})
}

func TestConnectionHandlerPanic(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		e.srv.OnConnection(func(s *socketio.Socket) { panic("in connection handler") })
		e.srv.OnConnection(func(s *socketio.Socket) { s.Emit("second handler ran") })
		c := e.client(m)
		c.connect("/", "")
		if got := c.nextText(); got != `2["second handler ran"]` {
			t.Fatalf("got %s", got)
		}
	})
}

func TestStrings(t *testing.T) {
	for r, want := range map[socketio.DisconnectReason]string{
		socketio.ReasonTransportError: "transport error", socketio.ReasonTransportClose: "transport close",
		socketio.ReasonForcedClose: "forced close", socketio.ReasonPingTimeout: "ping timeout",
		socketio.ReasonParseError: "parse error", socketio.ReasonServerShuttingDown: "server shutting down",
		socketio.ReasonForcedServerClose: "forced server close", socketio.ReasonClientNamespaceDisconnect: "client namespace disconnect",
		socketio.ReasonServerNamespaceDisconnect: "server namespace disconnect", socketio.DisconnectReason(99): "DisconnectReason(99)",
	} {
		if r.String() != want {
			t.Errorf("%d: %q, want %q", int(r), r.String(), want)
		}
	}
	if (&socketio.ConnectError{Message: "x"}).Error() == "" {
		t.Error("empty ConnectError text")
	}
}

// An emit that overflows a slow client's queue must not run that socket's
// disconnect handlers inside the emit: the caller may hold a lock the
// handlers take.
func TestOverflowDoesNotRunHandlersInsideEmit(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, &socketio.Options{MaxQueuedBytes: 10000})
		// The application's lock, as a channel so that a deadlock is
		// reported by synctest instead of hanging the test.
		appMu := make(chan struct{}, 1)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.OnDisconnect(func(r socketio.DisconnectReason, _ error) {
				appMu <- struct{}{}
				defer func() { <-appMu }()
				ev.add("disconnect %s", r)
			})
		})
		c := e.client(m)
		c.connect("/", "")
		appMu <- struct{}{}
		var err error
		for i := 0; i < 1000 && err == nil; i++ {
			err = e.srv.Sockets()[0].Emit("big", strings.Repeat("x", 1000))
		}
		<-appMu
		if !errors.Is(err, engineio.ErrQueueFull) {
			t.Fatalf("Emit = %v, want ErrQueueFull", err)
		}
		ev.want(t, "disconnect transport error")
	})
}
