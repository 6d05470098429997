package socketio_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/parser"
)

// Socket.IO protocol v4, the one socket.io-client 2.x speaks over
// Engine.IO v3 (Options.AllowEIO3), driven by hand in every transport
// mode. The interop tests run the real client.

func (e *env) clientV3(m mode) *wireClient {
	return &wireClient{Client: e.ConnectV3(m, ""), dec: parser.Default.NewDecoder()}
}

var allowEIO3 = &socketio.Options{AllowEIO3: true}

func TestV4ImplicitConnection(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, allowEIO3)
		var refs socketRef
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			ev.add("connect %s %s", s.Namespace().Name(), s.Handshake().Auth)
		})
		c := e.clientV3(m)
		// Connected to the main namespace without asking, with a CONNECT
		// that has no payload.
		if got := c.nextText(); got != "0" {
			t.Fatalf("first packet = %q, want 0", got)
		}
		s := refs.get(t, c.SID)
		if s.ID() != c.SID {
			t.Errorf("socket id %q, want the engine's %q", s.ID(), c.SID)
		}
		ev.want(t, "connect / {}")
		if !slices.Contains(s.Rooms(), c.SID) {
			t.Errorf("the socket is not in its own room")
		}
	})
}

func TestV4NamespaceWithQueryAuth(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, allowEIO3)
		var refs socketRef
		done := make(chan struct{})
		e.srv.Of("/admin").OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			s.On("hi", func(ev *socketio.Event) {
				ev.Ack("back")
				close(done)
			})
		})
		c := e.clientV3(m)
		c.nextText() // the implicit "/"
		c.sendText("0/admin?token=abc&uid=1&token=x%20y&sp=a+b,")
		if got := c.nextText(); got != "0/admin," {
			t.Fatalf("CONNECT answer = %q, want 0/admin,", got)
		}
		s := refs.get(t, "/admin#"+c.SID)
		var auth map[string]string
		if err := json.Unmarshal(s.Handshake().Auth, &auth); err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"token": "x y", "uid": "1", "sp": "a b"}; !equalMaps(auth, want) {
			t.Errorf("auth = %s, want %v (the last value of each name)", s.Handshake().Auth, want)
		}
		// The namespace's events carry it without the query.
		c.sendText(`2/admin,1["hi",{"a":1}]`)
		if got := c.nextText(); got != `3/admin,1["back"]` {
			t.Errorf("ack = %q", got)
		}
		<-done
		c.sendText("1/admin,")
		synctestWait()
		if s.Connected() {
			t.Errorf("the socket is still connected after its DISCONNECT")
		}
	})
}

func TestV4Refusals(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, allowEIO3)
		e.srv.Of("/data").Use(func(s *socketio.Socket) error {
			return &socketio.ConnectError{Message: "no", Data: map[string]any{"why": "banned"}}
		})
		e.srv.Of("/plain").Use(func(s *socketio.Socket) error { return errors.New("Not authorized") })
		e.srv.Of("/falsy").Use(func(s *socketio.Socket) error {
			return &socketio.ConnectError{Message: "empty data", Data: ""}
		})
		c := e.clientV3(m)
		c.nextText()
		for _, tt := range []struct{ nsp, want string }{
			{"/data", `4/data,{"why":"banned"}`},
			{"/plain", `4/plain,"Not authorized"`},
			{"/falsy", `4/falsy,"empty data"`},
			// Always an object, as the reference sends it.
			{"/nope", `4/nope,{"message":"Invalid namespace"}`},
		} {
			c.sendText("0" + tt.nsp + ",")
			if got := c.nextText(); got != tt.want {
				t.Errorf("CONNECT %s answered %q, want %q", tt.nsp, got, tt.want)
			}
		}
	})
	run(t, func(t *testing.T, m mode) {
		// A refusal of the main namespace comes unasked, right away.
		e := newEnv(t, allowEIO3)
		e.srv.Use(func(s *socketio.Socket) error { return errors.New("go away") })
		c := e.clientV3(m)
		if got := c.nextText(); got != `4"go away"` {
			t.Fatalf("first packet = %q, want the refusal", got)
		}
	})
}

// TestV4AndV5ClientsTogether checks events, binary and broadcasts between
// clients of both protocols on one server.
func TestV4AndV5ClientsTogether(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, allowEIO3)
		var refs socketRef
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			s.Join("room")
			s.On("relay", func(ev *socketio.Event) {
				var b []byte
				ev.Bind(&b)
				s.To("room").Emit("relayed", map[string]any{"deep": []any{b}})
			})
		})
		old := e.clientV3(m)
		old.nextText()
		cur := e.client(m)
		cur.connect("/", "")
		// Binary from the v2 client, broadcast to everyone else.
		old.send(&parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(`["relay",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2, 3}}})
		want := `51-["relayed",{"deep":[{"_placeholder":true,"num":0}]}]+` + "\x01\x02\x03"
		if got := cur.nextText(); got != want {
			t.Errorf("v5 client got %q, want %q", got, want)
		}
		cur.send(&parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(`["relay",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{4, 5}}})
		want = `51-["relayed",{"deep":[{"_placeholder":true,"num":0}]}]+` + "\x04\x05"
		if got := old.nextText(); got != want {
			t.Errorf("v4 client got %q, want %q", got, want)
		}
		// A server-wide broadcast reaches both.
		if err := e.srv.Emit("all", "x", []byte{9}); err != nil {
			t.Fatal(err)
		}
		want = `51-["all","x",{"_placeholder":true,"num":0}]+` + "\x09"
		for _, c := range []*wireClient{old, cur} {
			if got := c.nextText(); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		}
		// Server to v2 client with an acknowledgement.
		s := refs.get(t, old.SID)
		res := make(chan string, 1)
		go func() {
			a, err := s.EmitWithAck(context.Background(), "ask", 1)
			var v string
			if err == nil {
				err = a.Bind(&v)
			}
			if err != nil {
				v = err.Error()
			}
			res <- v
		}()
		p := old.next()
		if p.Type != parser.Event || !p.HasID || string(p.Data) != `["ask",1]` {
			t.Fatalf("got %s %s", p.Type, p.Data)
		}
		old.sendText("3" + itoa(p.ID) + `["answer"]`)
		if got := <-res; got != "answer" {
			t.Errorf("ack = %q", got)
		}
	})
}

func TestV4QueryObject(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, allowEIO3)
		var refs socketRef
		e.srv.Of("/n").OnConnection(refs.add)
		c := e.clientV3(eiotest.WebSocket)
		c.nextText()
		c.sendText(`0/n?a=%ZZ&=empty&b&c=1=2&d=%E2%82%AC,`)
		if got := c.nextText(); got != "0/n," {
			t.Fatalf("answer %q", got)
		}
		s := refs.get(t, "/n#"+c.SID)
		if got, want := string(s.Handshake().Auth), `{"a":"%ZZ","":"empty","b":"","c":"1=2","d":"€"}`; got != want {
			t.Errorf("auth = %s, want %s", got, want)
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func itoa(n uint64) string {
	b, _ := json.Marshal(n)
	return strings.TrimSpace(string(b))
}
