package socketio_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/parser"
)

func TestConnectNamespaces(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var refs socketRef
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			ev.add("/ %s", s.Handshake().Auth)
			s.Emit("auth", s.Handshake().Auth)
		})
		e.srv.Of("/custom").OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			ev.add("/custom %s", s.Handshake().Auth)
			s.Emit("auth", s.Handshake().Auth)
		})
		c := e.client(m)
		id1 := c.connect("/", "")
		if got := c.nextText(); got != `2["auth",{}]` {
			t.Fatalf("after CONNECT: %s", got)
		}
		id2 := c.connect("/custom", `{"token":"abc"}`)
		if got := c.nextText(); got != `2/custom,["auth",{"token":"abc"}]` {
			t.Fatalf("after CONNECT /custom: %s", got)
		}
		if id1 == id2 || id1 == c.SID || id2 == c.SID {
			t.Fatalf("socket ids %s %s must differ from each other and from the engine sid %s", id1, id2, c.SID)
		}
		ev.want(t, "/ {}", `/custom {"token":"abc"}`)
		s := refs.get(t, id1)
		if s.ID() != id1 || s.Namespace().Name() != "/" || !s.Connected() || s.Conn().ID() != c.SID {
			t.Fatalf("server socket %s in %s connected=%v", s.ID(), s.Namespace().Name(), s.Connected())
		}
		if rooms := s.Rooms(); len(rooms) != 1 || rooms[0] != id1 {
			t.Fatalf("rooms = %v, want only its own id room", rooms)
		}
		h := s.Handshake()
		if h.URL == "" || h.Query.Get("EIO") != "4" || h.Issued == 0 || !strings.Contains(h.Time, "GMT") || h.Secure || h.XDomain {
			t.Fatalf("handshake = %+v", h)
		}
		// Time and Issued are the same instant; every call gives the same
		// Handshake, and the payload of the other namespace's CONNECT.
		if want := time.UnixMilli(h.Issued).Format("Mon Jan 02 2006 15:04:05 GMT-0700 (MST)"); h.Time != want {
			t.Errorf("handshake Time %q, Issued %d (%q)", h.Time, h.Issued, want)
		}
		if s.Handshake() != h || string(h.Auth) != "{}" {
			t.Errorf("second Handshake() %p, first %p; Auth %s", s.Handshake(), h, h.Auth)
		}
		if a := refs.get(t, id2).Handshake().Auth; string(a) != `{"token":"abc"}` {
			t.Errorf("/custom handshake Auth %s", a)
		}
		if refs.get(t, id2).Conn() != s.Conn() {
			t.Fatal("the two namespaces do not share the Engine.IO session")
		}
	})
}

func TestConnectInvalidNamespace(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.client(m)
		c.sendText("0/random")
		if got := c.nextText(); got != `4/random,{"message":"Invalid namespace"}` {
			t.Fatalf("got %s", got)
		}
		// The connection stays up.
		c.connect("/", "")
	})
}

func TestMiddlewareRefusal(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.Use(func(s *socketio.Socket) error {
			var auth struct{ Token string }
			json.Unmarshal(s.Handshake().Auth, &auth)
			switch auth.Token {
			case "":
				return &socketio.ConnectError{Message: "no token", Data: map[string]any{"code": 401}}
			case "bad":
				return errors.New("bad token")
			}
			s.SetData(auth.Token)
			return nil
		})
		e.srv.Use(func(s *socketio.Socket) error { ev.add("second middleware %v", s.Data()); return nil })
		e.srv.OnConnection(func(s *socketio.Socket) { ev.add("connected %v", s.Data()) })
		c := e.client(m)
		c.sendText("0")
		if got := c.nextText(); got != `4{"data":{"code":401},"message":"no token"}` {
			t.Fatalf("refusal = %s", got)
		}
		c.sendText(`0{"Token":"bad"}`)
		if got := c.nextText(); got != `4{"message":"bad token"}` {
			t.Fatalf("refusal = %s", got)
		}
		c.connect("/", `{"Token":"good"}`)
		ev.want(t, "second middleware good", "connected good")
	})
}

func TestDynamicNamespaces(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, &socketio.Options{CleanupEmptyChildNamespaces: true})
		var ev events
		var created []string
		e.srv.OnNewNamespace(func(n *socketio.Namespace) { created = append(created, n.Name()) })
		re := e.srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
		re.Use(func(s *socketio.Socket) error { ev.add("mw %s", s.Namespace().Name()); return nil })
		re.OnConnection(func(s *socketio.Socket) { ev.add("re %s", s.Namespace().Name()) })
		fn := e.srv.OfFunc(func(name string, auth json.RawMessage) (bool, error) {
			return strings.HasPrefix(name, "/team-") && string(auth) == `{"ok":true}`, nil
		})
		fn.OnConnection(func(s *socketio.Socket) { ev.add("fn %s", s.Namespace().Name()) })
		if re.Name() != "/_0" || fn.Name() != "/_1" {
			t.Fatalf("parent names %s %s", re.Name(), fn.Name())
		}
		c := e.client(m)
		c.connect("/dyn-1", "")
		c.connect("/team-a", `{"ok":true}`)
		c.sendText(`0/team-b,{"ok":false}`)
		if got := c.nextText(); got != `4/team-b,{"message":"Invalid namespace"}` {
			t.Fatalf("refused dynamic namespace: %s", got)
		}
		c.sendText("0/dyn-x")
		if got := c.nextText(); got != `4/dyn-x,{"message":"Invalid namespace"}` {
			t.Fatalf("unmatched namespace: %s", got)
		}
		ev.want(t, "mw /dyn-1", "re /dyn-1", "fn /team-a")
		if len(re.Children()) != 1 || re.Children()[0].Name() != "/dyn-1" {
			t.Fatalf("children %v", re.Children())
		}
		if err := re.Emit("hello", 1); err != nil {
			t.Fatal(err)
		}
		if got := c.nextText(); got != `2/dyn-1,["hello",1]` {
			t.Fatalf("parent emit: %s", got)
		}
		// The last socket leaves: the child is removed.
		c.sendText("1/dyn-1,")
		synctestWait()
		if n := len(re.Children()); n != 0 {
			t.Fatalf("%d children left after the last socket left", n)
		}
		if strings.Join(created, ",") != "/dyn-1,/team-a" {
			t.Fatalf("OnNewNamespace saw %v", created)
		}
		// A static name matching a parent becomes its child.
		if e.srv.Of("/dyn-7"); len(re.Children()) != 1 {
			t.Fatal("Of(/dyn-7) did not create a child of the regexp parent")
		}
	})
}

func TestConnectTimeout(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.client(m)
		time.Sleep(44 * time.Second)
		c.connect("/", "") // in time
		c2 := e.client(m)
		time.Sleep(46 * time.Second) // heartbeats answered by nobody: ping timeout is later
		c2.WantClosedByServer()
	})
}

func TestExchangeRulesCloseTheConnection(t *testing.T) {
	for name, bad := range map[string]string{
		"event for a namespace not joined": `2/other,["x"]`,
		"second CONNECT":                   "0",
		"CONNECT_ERROR from the client":    `4{"message":"x"}`,
		"unknown packet type":              "9",
		"invalid payload":                  "2{}",
		"invalid ack id":                   `2abc["x"]`,
		"reserved event":                   `2["disconnect"]`,
		"too many attachments":             `511-["x"]`,
	} {
		t.Run(name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				e := newEnv(t, nil)
				var ev events
				e.srv.OnConnection(func(s *socketio.Socket) {
					s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { ev.add("disconnect: %s", r) })
				})
				c := e.client(m)
				c.connect("/", "")
				c.sendText(bad)
				c.WantClosedByServer()
				synctestWait()
				if got := ev.get(); len(got) != 1 {
					t.Fatalf("disconnect events %v", got)
				}
			})
		})
	}
}

func TestBinaryWithoutPendingPacketCloses(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.client(m)
		c.connect("/", "")
		c.Send(binaryPacket(1, 2, 3))
		c.WantClosedByServer()
	})
}

var _ = parser.Connect
