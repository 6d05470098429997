package engineio_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// Engine.IO protocol revision 3 (Options.AllowEIO3), as engine.io-client
// 3.x speaks it: the same packets, framed differently on polling and for
// binary WebSocket frames, and a heartbeat the client drives.

var eio3 = &engineio.Options{AllowEIO3: true}

// v3Variants are the ways a revision 3 client takes binary data on
// polling: binary payloads, or base64 text (b64=1).
var v3Variants = []struct{ name, query string }{{"binary", ""}, {"b64", "&b64=1"}}

func TestV3Handshake(t *testing.T) {
	for _, v := range v3Variants {
		t.Run(v.name, func(t *testing.T) {
			run(t, allModes, func(t *testing.T, m mode) {
				e := newEnv(t, eio3)
				c := e.ConnectV3(m, v.query)
				if s := e.rec.session(t, c.SID); s.Protocol() != 3 {
					t.Errorf("Protocol() = %d, want 3", s.Protocol())
				}
				if c.HS.PingInterval != 25000 || c.HS.PingTimeout != 20000 || c.HS.MaxPayload != 1000000 {
					t.Errorf("handshake = %+v", c.HS)
				}
			})
		})
	}
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		// Without EIO the reference takes revision 3.
		resp, body := e.Request(context.Background(), "GET", "transport=polling", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("handshake without EIO = %d %q", resp.StatusCode, body)
		}
		p, rest, err := packet.NextPayloadV3([]byte(body))
		if err != nil || p.Type != packet.Open || rest != nil {
			t.Fatalf("handshake without EIO = %q (%v), want one v3 open packet", body, err)
		}
		// Revision 4 still works beside it.
		c := e.Connect(polling)
		if s := e.rec.session(t, c.SID); s.Protocol() != 4 {
			t.Errorf("Protocol() = %d, want 4", s.Protocol())
		}
	})
}

func TestV3Messages(t *testing.T) {
	for _, v := range v3Variants {
		t.Run(v.name, func(t *testing.T) {
			run(t, allModes, func(t *testing.T, m mode) {
				e := newEnv(t, eio3)
				c := e.ConnectV3(m, v.query)
				sent := []packet.Packet{text("hello"), text("€ and 日本 and 😀"), binary(1, 2, 3, 4), text(""), binary(0xff)}
				c.Send(sent...)
				got := c.RecvN(len(sent))
				if packetsString(got) != packetsString(sent) {
					t.Fatalf("echo = %q, want %q", packetsString(got), packetsString(sent))
				}
				msgs := e.rec.received(c.SID)
				for i, p := range sent {
					if i >= len(msgs) || msgs[i].Binary != p.Binary || !bytes.Equal(msgs[i].Data, p.Data) {
						t.Fatalf("server got %+v, want %q", msgs, packetsString(sent))
					}
				}
			})
		})
	}
}

// TestV3PollingPayloads checks the bytes of v3 payloads, with the vectors
// of the protocol's documentation and of the official v3 test suite.
func TestV3PollingPayloads(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		c := e.ConnectV3(polling, "&b64=1")
		for _, payload := range []string{"6:4hello", "6:4test16:4test26:4test3", "6:4hello10:b4AQIDBA==", "6:4hello2:4€", "3:4😀"} {
			if status, body := e.Post(c.PollQuery(), payload); status != 200 || body != "ok" {
				t.Fatalf("POST %q = %d %q", payload, status, body)
			}
			resp, body := e.Request(context.Background(), "GET", c.PollQuery(), "", nil)
			if body != payload {
				t.Fatalf("GET = %q, want %q back", body, payload)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
				t.Errorf("Content-Type = %q", ct)
			}
		}
	})
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		c := e.ConnectV3(polling, "")
		// A text payload with base64 in it is decoded as such, and echoed
		// as a binary payload to a client that takes them.
		if status, body := e.Post(c.PollQuery(), "6:4hello10:b4AQIDBA=="); status != 200 || body != "ok" {
			t.Fatalf("POST = %d %q", status, body)
		}
		resp, body := e.Request(context.Background(), "GET", c.PollQuery(), "", nil)
		want := "\x00\x06\xff4hello\x01\x05\xff\x04\x01\x02\x03\x04"
		if body != want {
			t.Fatalf("GET = %q, want %q", body, want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("Content-Type = %q", ct)
		}
		// And a binary payload is taken.
		resp, body = e.Request(context.Background(), "POST", c.PollQuery(), want, http.Header{"Content-Type": {"application/octet-stream"}})
		if resp.StatusCode != 200 || body != "ok" {
			t.Fatalf("binary POST = %d %q", resp.StatusCode, body)
		}
		if _, body = e.Get(c.PollQuery()); body != want {
			t.Fatalf("GET = %q, want %q", body, want)
		}
	})
}

func TestV3Heartbeat(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{AllowEIO3: true, PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
		c := e.ConnectV3(m, "")
		for i := range 4 {
			time.Sleep(450 * time.Millisecond) // within interval + timeout
			c.Send(packet.Packet{Type: packet.Ping})
			if got := packetsString(c.Recv()); got != "3" {
				t.Fatalf("round %d: answer to a ping = %q, want a pong", i, got)
			}
		}
		e.rec.wantOpen(t, c.SID)
		// The server never pings: silence until the client misses its
		// ping, then the session ends.
		time.Sleep(499 * time.Millisecond)
		e.rec.wantOpen(t, c.SID)
		time.Sleep(2 * time.Millisecond)
		e.rec.wantClosed(t, c.SID, engineio.ReasonPingTimeout)
		if c.WS == nil {
			// As in the official suite: a POST after the timeout fails.
			if status, _ := e.Post(c.PollQuery(), "1:2"); status != 400 {
				t.Errorf("POST after the timeout = %d, want 400", status)
			}
		}
	})
}

func TestV3PongFromClientIsAnError(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, eio3)
		c := e.ConnectV3(m, "")
		if c.WS != nil {
			wsWrite(t, c.WS, "3")
		} else if status, _ := e.Post(c.PollQuery(), "1:3"); status != 400 {
			t.Fatalf("POST pong = %d, want 400", status)
		}
		ev := e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		if ev.desc == nil || !strings.Contains(ev.desc.Error(), "invalid heartbeat direction") {
			t.Errorf("description = %v", ev.desc)
		}
	})
}

// TestV3BadPayloads sends a v3 session payloads that do not decode: each
// closes that session with a parse error and leaves another session
// untouched.
func TestV3BadPayloads(t *testing.T) {
	for _, tt := range []struct{ name, body, contentType string }{
		{"length too long", "7:4hello", ""},
		{"length too short", "5:4hello", ""},
		{"length not a number", "x:4hello", ""},
		{"no length", ":4hello", ""},
		{"no colon", "6", ""},
		{"length overflows", "99999999999999999999999:4", ""},
		{"splits a surrogate pair", "2:4😀", ""},
		{"unknown packet type", "2:9x", ""},
		{"bad base64", "4:b4!!", ""},
		{"v4 payload", "4hello\x1e4bye", ""},
		{"empty", "", ""},
		{"binary length lies", "\x00\x09\xff4hello", "application/octet-stream"},
		{"binary length digit out of range", "\x00\x0a\xff4hello", "application/octet-stream"},
		{"binary length without end", "\x00\x01\x02\x03", "application/octet-stream"},
		{"binary length huge", "\x01" + strings.Repeat("\x09", 40) + "\xff\x04", "application/octet-stream"},
		{"binary string not UTF-8", "\x00\x03\xff4\xff\xfe", "application/octet-stream"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, eio3)
				bystander := e.ConnectV3(polling, "")
				c := e.ConnectV3(polling, "")
				h := http.Header{}
				if tt.contentType != "" {
					h.Set("Content-Type", tt.contentType)
				}
				resp, body := e.Request(context.Background(), "POST", c.PollQuery(), tt.body, h)
				if resp.StatusCode != 400 {
					t.Errorf("POST %q = %d %q, want 400", tt.body, resp.StatusCode, body)
				}
				e.rec.wantClosed(t, c.SID, engineio.ReasonParseError)
				bystander.Send(text("still here"))
				if got := packetsString(bystander.RecvN(1)); got != packetsString([]packet.Packet{text("still here")}) {
					t.Errorf("the other session got %q", got)
				}
			})
		})
	}
}

func TestV3BadWebSocketFrames(t *testing.T) {
	for _, tt := range []struct {
		name   string
		binary bool
		data   string
	}{
		{"empty binary frame", true, ""},
		{"binary frame of unknown type", true, "\x09\x01\x02"},
		{"text frame of unknown type", false, "9x"},
		{"bad base64", false, "b4!!"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run(t, []mode{websocket, upgraded}, func(t *testing.T, m mode) {
				e := newEnv(t, eio3)
				c := e.ConnectV3(m, "")
				typ := gws.TextMessage
				if tt.binary {
					typ = gws.BinaryMessage
				}
				if err := c.WS.WriteMessage(typ, []byte(tt.data)); err != nil {
					t.Fatal(err)
				}
				e.rec.wantClosed(t, c.SID, engineio.ReasonParseError)
			})
		})
	}
}

// TestProtocolMismatch checks that a request of the other revision than
// its session's is refused, and leaves the session alone.
func TestProtocolMismatch(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		v3 := e.ConnectV3(polling, "")
		v4 := e.Connect(polling)
		for _, q := range []string{"EIO=4&transport=polling&sid=" + v3.SID, "EIO=3&transport=polling&sid=" + v4.SID, "transport=polling&sid=" + v4.SID} {
			status, body := e.Get(q)
			if status != 400 {
				t.Errorf("GET ?%s = %d %q, want 400", q, status, body)
			}
			wantErrorBody(t, body, 3, "Bad request")
		}
		e.rec.wantOpen(t, v3.SID)
		e.rec.wantOpen(t, v4.SID)
	})
}

// TestV4SessionRefusesV3Payload: a v3 payload on a v4 session is no
// valid packet either.
func TestV4SessionRefusesV3Payload(t *testing.T) {
	for _, body := range []string{"6:4hello", "2:40", "5:4hello", "0:x"} {
		bubble(t, func(t *testing.T) {
			e := newEnv(t, eio3)
			c := e.Connect(polling)
			if status, _ := e.Post(c.PollQuery(), body); status != 400 {
				t.Errorf("POST %q = %d, want 400", body, status)
			}
			synctest.Wait()
			if _, ok := e.rec.closed(c.SID); !ok {
				t.Errorf("POST %q left the session open", body)
			}
		})
	}
}

// TestV3BinaryBroadcast checks that one prepared binary message reaches v3
// and v4 sessions, each framed as its revision wants.
func TestV3BinaryBroadcast(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		var clients []*eiotest.Client
		for _, m := range allModes {
			clients = append(clients, e.ConnectV3(m, ""), e.ConnectV3(m, "&b64=1"), e.Connect(m))
		}
		pm := []*engineio.PreparedMessage{
			engineio.NewPreparedMessage(engineio.Message{Data: []byte{4, 0, 1}, Binary: true}),
			engineio.NewPreparedMessage(engineio.Message{Data: []byte("text")}),
		}
		for _, c := range clients {
			if err := e.srv.Session(c.SID).SendPrepared(pm); err != nil {
				t.Fatal(err)
			}
		}
		want := packetsString([]packet.Packet{binary(4, 0, 1), text("text")})
		for _, c := range clients {
			if got := packetsString(c.RecvN(2)); got != want {
				t.Errorf("v3 %v %s %q: got %q, want %q", c.V3, c.Mode, c.Query, got, want)
			}
		}
	})
}

func TestJSONP(t *testing.T) {
	for _, v3 := range []bool{true, false} {
		name := "v4"
		eio := "EIO=4"
		if v3 {
			name, eio = "v3", "EIO=3"
		}
		t.Run(name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				e := newEnv(t, eio3)
				resp, body := e.Request(context.Background(), "GET", eio+"&transport=polling&j=7", "", nil)
				if resp.StatusCode != 200 || !strings.HasPrefix(body, `___eio[7]("`) || !strings.HasSuffix(body, `");`) {
					t.Fatalf("JSONP handshake = %d %q", resp.StatusCode, body)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "text/javascript; charset=UTF-8" {
					t.Errorf("Content-Type = %q", ct)
				}
				e.rec.mu.Lock()
				sid := e.rec.sessions[0].ID()
				e.rec.mu.Unlock()
				q := eio + "&transport=polling&j=7&sid=" + sid
				payload := "4a\\nb \u2028 \"quoted\" 😀"
				if v3 {
					payload = "18:" + payload // in UTF-16 units, unescaped
				}
				// The form the client posts: d=<payload>, a newline in a
				// message escaped as backslash n.
				form := "d=" + urlEncode(payload)
				resp, body = e.Request(context.Background(), "POST", q, form, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
				if resp.StatusCode != 200 || body != "ok" {
					t.Fatalf("JSONP POST = %d %q", resp.StatusCode, body)
				}
				msgs := e.rec.received(sid)
				if len(msgs) != 1 || string(msgs[0].Data) != "a\nb \u2028 \"quoted\" 😀" {
					t.Fatalf("server got %+v", msgs)
				}
				_, body = e.Get(q)
				wantPayload := `4a\nb \u2028 \"quoted\" 😀`
				if v3 {
					wantPayload = "18:" + wantPayload
				}
				if want := `___eio[7]("` + wantPayload + `");`; body != want {
					t.Fatalf("JSONP poll = %q, want %q", body, want)
				}
			})
		})
	}
	bubble(t, func(t *testing.T) {
		e := newEnv(t, eio3)
		for _, j := range []string{"", "abc", "1a", "-1", "1e3", "12345678901"} {
			status, body := e.Get("EIO=3&transport=polling&j=" + j)
			if status != 400 {
				t.Errorf("JSONP handshake with j=%q = %d %q, want 400", j, status, body)
			}
		}
		if n := e.srv.Count(); n != 0 {
			t.Errorf("%d sessions after refused handshakes", n)
		}
		// A POST without the form's d is a bad request too.
		e.Get("EIO=3&transport=polling&j=0")
		e.rec.mu.Lock()
		sid := e.rec.sessions[0].ID()
		e.rec.mu.Unlock()
		if status, _ := e.Post("EIO=3&transport=polling&j=0&sid="+sid, "x=1"); status != 400 {
			t.Errorf("JSONP POST without d = %d, want 400", status)
		}
		e.rec.wantClosed(t, sid, engineio.ReasonParseError)
	})
}

func urlEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%")
		b.WriteString(strings.ToUpper(string("0123456789abcdef"[c>>4])) + strings.ToUpper(string("0123456789abcdef"[c&15])))
	}
	return b.String()
}

// TestV3PayloadLimits checks that MaxHTTPBufferSize bounds v3 bodies of
// every kind, whatever lengths they announce, as it bounds v4 ones.
func TestV3PayloadLimits(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{AllowEIO3: true, MaxHTTPBufferSize: 100})
		c := e.ConnectV3(polling, "")
		big := "101:4" + strings.Repeat("x", 100)
		if status, _ := e.Post(c.PollQuery(), big); status != 413 {
			t.Errorf("text POST of %d bytes = %d, want 413", len(big), status)
		}
		bin := "\x01\x01\x00\x01\xff\x04" + strings.Repeat("\x00", 101)
		resp, _ := e.Request(context.Background(), "POST", c.PollQuery(), bin, http.Header{"Content-Type": {"application/octet-stream"}})
		if resp.StatusCode != 413 {
			t.Errorf("binary POST of %d bytes = %d, want 413", len(bin), resp.StatusCode)
		}
		e.rec.wantOpen(t, c.SID)
		if got := e.rec.received(c.SID); len(got) != 0 {
			t.Errorf("delivered %d messages from refused bodies", len(got))
		}
		// A length that claims more than the body holds is an error, not
		// an allocation.
		if status, _ := e.Post(c.PollQuery(), "99999999:4x"); status != 400 {
			t.Errorf("lying length = %d, want 400", status)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonParseError)
	})
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{AllowEIO3: true, MaxHTTPBufferSize: 100})
		e.Get("EIO=3&transport=polling&j=1")
		e.rec.mu.Lock()
		sid := e.rec.sessions[0].ID()
		e.rec.mu.Unlock()
		form := "d=" + strings.Repeat("x", 100)
		if status, _ := e.Post("EIO=3&transport=polling&j=1&sid="+sid, form); status != 413 {
			t.Errorf("JSONP POST of %d bytes = %d, want 413", len(form), status)
		}
		e.rec.wantOpen(t, sid)
	})
}
