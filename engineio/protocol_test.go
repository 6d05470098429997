package engineio_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/engineio/packet"
)

var sidPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{20}$`)

func TestHandshake(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		if !sidPattern.MatchString(c.SID) {
			t.Fatalf("sid %q is not 20 URL-safe base64 characters", c.SID)
		}
		wantUpgrades := "[websocket]"
		if m == websocket {
			wantUpgrades = "[]"
		}
		if got := fmt.Sprint(c.HS.Upgrades); got != wantUpgrades {
			t.Errorf("upgrades = %s, want %s", got, wantUpgrades)
		}
		if c.HS.PingInterval != 25000 || c.HS.PingTimeout != 20000 || c.HS.MaxPayload != 1000000 {
			t.Errorf("handshake = %+v, want the reference defaults 25000/20000/1000000", c.HS)
		}
		if s := e.rec.session(t, c.SID); s.ID() != c.SID || s.Protocol() != 4 {
			t.Errorf("session id %q protocol %d", s.ID(), s.Protocol())
		}
		want := engineio.Polling
		if m != polling {
			want = engineio.WebSocket
		}
		synctest.Wait()
		if got := e.rec.session(t, c.SID).Transport(); got != want {
			t.Errorf("Transport() = %s, want %s", got, want)
		}
		if got := e.rec.session(t, c.SID).Upgraded(); got != (m == upgraded) {
			t.Errorf("Upgraded() = %v", got)
		}
	})
}

func TestHandshakeOptions(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{
			PingInterval:      300 * time.Millisecond,
			PingTimeout:       200 * time.Millisecond,
			MaxHTTPBufferSize: 1234,
			DisableUpgrades:   true,
			InitialPacket:     "welcome",
		})
		status, body := e.Get("EIO=4&transport=polling")
		if status != 200 {
			t.Fatalf("handshake = %d %q", status, body)
		}
		open, rest, _ := strings.Cut(body, "\x1e")
		h := parseOpen(t, open)
		if h.PingInterval != 300 || h.PingTimeout != 200 || h.MaxPayload != 1234 || len(h.Upgrades) != 0 {
			t.Errorf("handshake = %+v", h)
		}
		if rest != "4welcome" {
			t.Errorf("initial packet = %q, want 4welcome", rest)
		}
	})
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{Transports: []engineio.Transport{engineio.Polling}})
		_, body := e.Get("EIO=4&transport=polling")
		if h := parseOpen(t, body); len(h.Upgrades) != 0 {
			t.Errorf("upgrades = %v with WebSocket disabled, want none", h.Upgrades)
		}
		status, body := e.Get("EIO=4&transport=websocket")
		if status != 400 {
			t.Errorf("disabled transport = %d %q, want 400", status, body)
		}
		wantErrorBody(t, body, 0, "Transport unknown")
	})
}

func TestHandshakeRefusals(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		tests := []struct {
			method, query string
			status        int
			code          int
			message       string
		}{
			{"GET", "transport=polling", 400, 5, "Unsupported protocol version"},
			{"GET", "EIO=abc&transport=polling", 400, 5, "Unsupported protocol version"},
			{"GET", "EIO=3&transport=polling", 400, 5, "Unsupported protocol version"},
			{"GET", "EIO=4", 400, 0, "Transport unknown"},
			{"GET", "EIO=4&transport=abc", 400, 0, "Transport unknown"},
			{"GET", "EIO=4&transport=webtransport", 400, 0, "Transport unknown"},
			{"POST", "EIO=4&transport=polling", 400, 2, "Bad handshake method"},
			{"PUT", "EIO=4&transport=polling", 400, 2, "Bad handshake method"},
			{"OPTIONS", "EIO=4&transport=polling", 400, 2, "Bad handshake method"},
			{"GET", "EIO=4&transport=websocket", 400, 3, "Bad request"},
			{"GET", "EIO=4&transport=polling&sid=unknown", 400, 1, "Session ID unknown"},
			{"POST", "EIO=4&transport=polling&sid=unknown", 400, 1, "Session ID unknown"},
		}
		for _, tt := range tests {
			resp, body := e.Request(context.Background(), tt.method, tt.query, "", nil)
			if resp.StatusCode != tt.status {
				t.Errorf("%s ?%s = %d, want %d", tt.method, tt.query, resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s ?%s: Content-Type %q", tt.method, tt.query, ct)
			}
			wantErrorBody(t, body, tt.code, tt.message)
		}
		if n := e.srv.Count(); n != 0 {
			t.Errorf("%d sessions after refused requests", n)
		}
	})
}

func TestWebSocketHandshakeRefusals(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		for _, q := range []string{"transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=abc", "EIO=4&transport=websocket&sid=unknown"} {
			ws, resp, err := e.Dial(q)
			if err == nil {
				ws.Close()
				t.Errorf("WebSocket ?%s succeeded, want a refusal", q)
				continue
			}
			if resp == nil || resp.StatusCode != 400 {
				t.Errorf("WebSocket ?%s: %v, want a 400 response", q, err)
			}
		}
	})
}

func TestMessages(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		sent := []packet.Packet{text("hello"), text("€ and 日本"), binary(1, 2, 3, 4), text(""), binary()}
		c.Send(sent...)
		got := c.RecvN(len(sent))
		if packetsString(got) != packetsString(sent) {
			t.Fatalf("echo = %q, want %q", packetsString(got), packetsString(sent))
		}
		msgs := e.rec.received(c.SID)
		if len(msgs) != len(sent) {
			t.Fatalf("server got %d messages, want %d", len(msgs), len(sent))
		}
		for i, p := range sent {
			if msgs[i].Binary != p.Binary || !bytes.Equal(msgs[i].Data, p.Data) {
				t.Errorf("message %d = %+v, want %+v", i, msgs[i], p)
			}
		}
	})
}

func TestPollingPayloads(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		for _, payload := range []string{"4hello", "4test1\x1e4test2\x1e4test3", "4hello\x1ebAQIDBA=="} {
			if status, body := e.Post(c.PollQuery(), payload); status != 200 || body != "ok" {
				t.Fatalf("POST %q = %d %q", payload, status, body)
			}
			resp, body := e.Request(context.Background(), "GET", c.PollQuery(), "", nil)
			if body != payload {
				t.Fatalf("GET = %q, want the whole payload %q back in one response", body, payload)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
				t.Errorf("GET Content-Type = %q", ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("GET Cache-Control = %q", cc)
			}
		}
		resp, body := e.Request(context.Background(), "POST", c.PollQuery(), "4x", nil)
		if resp.StatusCode != 200 || body != "ok" || resp.Header.Get("Content-Type") != "text/html" {
			t.Errorf("POST answer = %d %q %q, want 200 ok text/html", resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	})
}

func TestServerSendsInOrder(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		s := e.rec.session(t, c.SID)
		var want []packet.Packet
		for i := range 50 {
			p := text(fmt.Sprint(i))
			if i%7 == 0 {
				p = binary(byte(i))
			}
			want = append(want, p)
			if err := s.Send(engineio.Message{Data: p.Data, Binary: p.Binary}); err != nil {
				t.Fatal(err)
			}
		}
		if got := c.RecvN(len(want)); packetsString(got) != packetsString(want) {
			t.Fatalf("received %q, want %q", packetsString(got), packetsString(want))
		}
	})
}

func TestInvalidPacketClosesSession(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		for _, bad := range []string{"abc", "", "7", "bAQ"} {
			e := newEnv(t, nil)
			c := e.Connect(m)
			if c.WS != nil {
				wsWrite(t, c.WS, bad)
			} else {
				status, body := e.Post(c.PollQuery(), bad)
				if status != 400 {
					t.Fatalf("POST %q = %d %q, want 400", bad, status, body)
				}
			}
			c.WantClosedByServer()
			e.rec.wantClosed(t, c.SID, engineio.ReasonParseError)
		}
	})
}

func TestPacketsBeforeAnInvalidOneAreDelivered(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		if status, _ := e.Post(c.PollQuery(), "4a\x1e4b\x1ex\x1e4c"); status != 400 {
			t.Fatalf("POST status %d, want 400", status)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonParseError)
		if got := e.rec.received(c.SID); len(got) != 2 || string(got[0].Data) != "a" || string(got[1].Data) != "b" {
			t.Fatalf("received %v, want a and b", got)
		}
	})
}

func TestDuplicatePoll(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		first := make(chan string)
		go func() {
			status, body := e.Get(c.PollQuery())
			first <- fmt.Sprint(status, " ", body)
		}()
		synctest.Wait() // the first poll is pending
		status, _ := e.Get(c.PollQuery())
		if status != 400 {
			t.Fatalf("second poll = %d, want 400", status)
		}
		if got := <-first; got != "200 1" {
			t.Fatalf("first poll = %q, want \"200 1\" (a close packet)", got)
		}
		c.WantClosedByServer()
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
	})
}

func TestCancelledPoll(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"?"+c.PollQuery(), nil)
			resp, err := e.HTTP.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		synctest.Wait()
		cancel()
		if err := <-done; err == nil {
			t.Fatal("cancelled poll succeeded")
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		c.WantClosedByServer()
	})
}

func TestDuplicatePost(t *testing.T) {
	bubble(t, func(t *testing.T) {
		rec := newRecorder(false)
		release := make(chan struct{})
		rec.onMsg = func(s *engineio.Session, m engineio.Message) {
			if string(m.Data) == "block" {
				<-release
			}
		}
		e := newEnvWith(t, rec, nil)
		c := e.Connect(polling)
		first := make(chan int)
		go func() {
			status, _ := e.Post(c.PollQuery(), "4block")
			first <- status
		}()
		synctest.Wait() // the first POST is inside the handler
		if status, _ := e.Post(c.PollQuery(), "4second"); status != 400 {
			t.Fatalf("overlapping POST = %d, want 400", status)
		}
		close(release)
		<-first
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		if got := e.rec.received(c.SID); len(got) != 1 {
			t.Fatalf("received %d messages, want only the first", len(got))
		}
	})
}

func TestBinaryPostRefused(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		resp, _ := e.Request(context.Background(), "POST", c.PollQuery(), "4hi", http.Header{"Content-Type": {"application/octet-stream"}})
		if resp.StatusCode != 400 {
			t.Fatalf("octet-stream POST = %d, want 400", resp.StatusCode)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
	})
}

func TestPollingOtherMethod(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		resp, _ := e.Request(context.Background(), "PUT", c.PollQuery(), "", nil)
		if resp.StatusCode != 500 {
			t.Fatalf("PUT with sid = %d, want 500 as the reference", resp.StatusCode)
		}
		e.rec.wantOpen(t, c.SID)
	})
}

func TestHeartbeat(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
		c := e.Connect(m)
		start := time.Now()
		for i := range 3 {
			pkts := c.Recv()
			if len(pkts) != 1 || pkts[0].Type != packet.Ping {
				t.Fatalf("round %d: got %q, want a ping", i, packetsString(pkts))
			}
			if elapsed := time.Since(start); elapsed != 300*time.Millisecond {
				t.Fatalf("round %d: ping after %v, want 300ms", i, elapsed)
			}
			time.Sleep(150 * time.Millisecond) // well within the ping timeout
			c.Send(packet.Packet{Type: packet.Pong})
			start = time.Now()
		}
		e.rec.wantOpen(t, c.SID)
	})
}

func TestPingTimeout(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil) // the defaults: 25s + 20s
		c := e.Connect(m)
		time.Sleep(44 * time.Second)
		e.rec.wantOpen(t, c.SID)
		time.Sleep(2 * time.Second)
		e.rec.wantClosed(t, c.SID, engineio.ReasonPingTimeout)
		if c.WS != nil {
			// The ping was written before the close.
			if got := wsRead(t, c.WS); got != "2" {
				t.Fatalf("got %q, want the ping", got)
			}
		}
		c.WantClosedByServer()
	})
}

func TestPendingPollGetsCloseOnPingTimeout(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{PingInterval: time.Second, PingTimeout: time.Second})
		c := e.Connect(polling)
		if got := packetsString(c.Recv()); got != "2" {
			t.Fatalf("first poll = %q, want a ping", got)
		}
		// No pong; the next poll waits and gets the close packet.
		if got := packetsString(c.Recv()); got != "1" {
			t.Fatalf("poll at ping timeout = %q, want 1", got)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonPingTimeout)
	})
}

func TestPingFromClientIsAnError(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		if c.WS != nil {
			wsWrite(t, c.WS, "2")
		} else if status, _ := e.Post(c.PollQuery(), "2"); status != 400 {
			t.Fatalf("POST ping = %d, want 400", status)
		}
		ev := e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		if ev.desc == nil || !strings.Contains(ev.desc.Error(), "invalid heartbeat direction") {
			t.Errorf("description = %v", ev.desc)
		}
	})
}

func TestClientClose(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		pending := make(chan string)
		go func() {
			_, body := e.Get(c.PollQuery())
			pending <- body
		}()
		synctest.Wait()
		if status, body := e.Post(c.PollQuery(), "1"); status != 200 || body != "ok" {
			t.Fatalf("POST close = %d %q", status, body)
		}
		if got := <-pending; got != "6" {
			t.Fatalf("pending poll = %q, want 6 (noop)", got)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportClose)
		c.WantClosedByServer()
	})
	run(t, []mode{websocket, upgraded}, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		wsWrite(t, c.WS, "1")
		c.WantClosedByServer()
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportClose)
	})
	run(t, []mode{websocket, upgraded}, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		c.WS.WriteMessage(gws.CloseMessage, gws.FormatCloseMessage(gws.CloseNormalClosure, ""))
		c.WS.Close()
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportClose)
	})
	run(t, []mode{websocket, upgraded}, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		c.WS.NetConn().Close() // no close frame
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportClose)
	})
}

func TestServerClose(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		s := e.rec.session(t, c.SID)
		s.Send(engineio.Message{Data: []byte("last words")})
		s.Close()
		if err := s.Send(engineio.Message{Data: []byte("too late")}); err != engineio.ErrClosed {
			t.Fatalf("Send after Close = %v, want ErrClosed", err)
		}
		if c.WS != nil {
			if got := wsRead(t, c.WS); got != "4last words" {
				t.Fatalf("got %q, want the queued message first", got)
			}
			_, _, err := c.WS.ReadMessage()
			if !gws.IsCloseError(err, gws.CloseNormalClosure) {
				t.Fatalf("after the queue: %v, want a normal close frame", err)
			}
		} else {
			// As the reference: the queue on one poll, the close packet
			// on the next.
			if got := packetsString(c.Recv()); got != "4last words" {
				t.Fatalf("poll = %q, want the queued message", got)
			}
			if got := packetsString(c.Recv()); got != "6\x1e1" {
				t.Fatalf("next poll = %q, want a close packet", got)
			}
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
		select {
		case <-s.Done():
		default:
			t.Fatal("Done not closed")
		}
	})
}

func TestServerCloseWithoutPoll(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		s := e.rec.session(t, c.SID)
		s.Close()
		time.Sleep(29 * time.Second)
		e.rec.wantOpen(t, c.SID)
		time.Sleep(2 * time.Second)
		e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
	})
}

func TestUpgrade(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		s := e.rec.session(t, c.SID)
		s.Send(engineio.Message{Data: []byte("before")})

		ws := e.dialSID(t, c.SID)
		defer ws.Close()
		// Polling goes on while the upgrade has not been probed.
		if got := packetsString(c.Recv()); got != "4before" {
			t.Fatalf("poll = %q", got)
		}
		pending := make(chan string)
		go func() {
			_, body := e.Get(c.PollQuery())
			pending <- body
		}()
		synctest.Wait()
		wsWrite(t, ws, "2probe")
		if got := wsRead(t, ws); got != "3probe" {
			t.Fatalf("probe answer %q", got)
		}
		if got := <-pending; got != "6" {
			t.Fatalf("pending poll released with %q, want 6", got)
		}
		// Sent while the client finishes the upgrade: not lost, in order.
		s.Send(engineio.Message{Data: []byte("during1")})
		s.Send(engineio.Message{Data: []byte{9}, Binary: true})
		synctest.Wait()
		wsWrite(t, ws, "5")
		s.Send(engineio.Message{Data: []byte("after")})
		for _, want := range []string{"4during1", "binary:\x09", "4after"} {
			if got := wsRead(t, ws); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
		wsWrite(t, ws, "4hello")
		if got := wsRead(t, ws); got != "4hello" {
			t.Fatalf("echo over the upgraded transport = %q", got)
		}
		if !s.Upgraded() || s.Transport() != engineio.WebSocket {
			t.Fatalf("Upgraded=%v Transport=%s", s.Upgraded(), s.Transport())
		}

		// Requests with the same sid after the upgrade.
		status, body := e.Get(c.PollQuery())
		if status != 400 {
			t.Fatalf("GET after upgrade = %d", status)
		}
		wantErrorBody(t, body, 3, "Bad request")
		if status, _ := e.Post(c.PollQuery(), "4x"); status != 400 {
			t.Fatalf("POST after upgrade = %d", status)
		}
		ws2 := e.dialSID(t, c.SID)
		if _, _, err := ws2.ReadMessage(); err == nil {
			t.Fatal("second WebSocket for an upgraded session stayed open")
		}
		ws2.Close()
		wsWrite(t, ws, "4still")
		if got := wsRead(t, ws); got != "4still" {
			t.Fatalf("first WebSocket after the second = %q", got)
		}
		e.rec.wantOpen(t, c.SID)
	})
}

func TestUpgradeAborted(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action func(t *testing.T, ws *gws.Conn)
	}{
		{"timeout", func(t *testing.T, ws *gws.Conn) { time.Sleep(11 * time.Second) }},
		{"timeout after probe", func(t *testing.T, ws *gws.Conn) {
			wsWrite(t, ws, "2probe")
			wsRead(t, ws)
			time.Sleep(11 * time.Second)
		}},
		{"other packet", func(t *testing.T, ws *gws.Conn) { wsWrite(t, ws, "4hello") }},
		{"bad packet", func(t *testing.T, ws *gws.Conn) { wsWrite(t, ws, "x") }},
		{"closed", func(t *testing.T, ws *gws.Conn) { ws.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				e := newEnv(t, nil)
				c := e.Connect(polling)
				ws := e.dialSID(t, c.SID)
				defer ws.Close()
				tc.action(t, ws)
				synctest.Wait()
				// The probing connection is closed; the session goes on
				// over polling, and may try again.
				ws.SetReadDeadline(time.Now().Add(time.Second))
				for {
					if _, _, err := ws.ReadMessage(); err != nil {
						break
					}
				}
				c.Send(text("still polling"))
				if got := packetsString(c.RecvN(1)); got != "4still polling" {
					t.Fatalf("poll after aborted upgrade = %q", got)
				}
				e.rec.wantOpen(t, c.SID)
				c.Upgrade()
				c.Send(text("upgraded"))
				if got := packetsString(c.RecvN(1)); got != "4upgraded" {
					t.Fatalf("after the second upgrade: %q", got)
				}
			})
		})
	}
}

func TestSecondWebSocketWhileUpgrading(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		ws := e.dialSID(t, c.SID)
		defer ws.Close()
		ws2 := e.dialSID(t, c.SID)
		if _, _, err := ws2.ReadMessage(); err == nil {
			t.Fatal("second WebSocket during an upgrade stayed open")
		}
		ws2.Close()
		c.WS = nil
		wsWrite(t, ws, "2probe")
		if got := wsRead(t, ws); got != "3probe" {
			t.Fatalf("first probe after the second was refused: %q", got)
		}
	})
}

func TestWebSocketSessionRefusesAnotherWebSocket(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(websocket)
		ws2 := e.dialSID(t, c.SID)
		if _, _, err := ws2.ReadMessage(); err == nil {
			t.Fatal("second WebSocket stayed open")
		}
		ws2.Close()
		status, body := e.Get(c.PollQuery())
		if status != 400 {
			t.Fatalf("polling on a WebSocket session = %d", status)
		}
		wantErrorBody(t, body, 3, "Bad request")
		c.Send(text("ok"))
		if got := packetsString(c.RecvN(1)); got != "4ok" {
			t.Fatalf("echo = %q", got)
		}
	})
}

func TestPayloadLimits(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{MaxHTTPBufferSize: 100})
		c := e.Connect(polling)
		big := "4" + strings.Repeat("x", 100)
		if status, _ := e.Post(c.PollQuery(), big); status != 413 {
			t.Fatalf("POST of %d bytes = %d, want 413", len(big), status)
		}
		// The session survives, as in the reference, and nothing was
		// delivered.
		e.rec.wantOpen(t, c.SID)
		if got := e.rec.received(c.SID); len(got) != 0 {
			t.Fatalf("delivered %d messages from a refused body", len(got))
		}
		exact := "4" + strings.Repeat("y", 99)
		if status, _ := e.Post(c.PollQuery(), exact); status != 200 {
			t.Fatalf("POST of exactly the limit = %d", status)
		}
	})
	run(t, []mode{websocket, upgraded}, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{MaxHTTPBufferSize: 100})
		c := e.Connect(m)
		c.Send(text(strings.Repeat("y", 99)))
		c.RecvN(1)
		if err := c.WS.WriteMessage(gws.TextMessage, []byte("4"+strings.Repeat("x", 100))); err != nil {
			t.Fatal(err)
		}
		_, _, err := c.WS.ReadMessage()
		if !gws.IsCloseError(err, gws.CloseMessageTooBig) {
			t.Fatalf("read after an oversized message: %v, want close 1009", err)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
	})
}

func TestClientThatNeverSpeaks(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		// A polling handshake and then silence.
		_, body := e.Get("EIO=4&transport=polling")
		sid := parseOpen(t, body).SID
		// A WebSocket that never reads nor writes.
		ws, _, err := e.Dial("EIO=4&transport=websocket")
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		// A raw TCP connection that sends half a request.
		raw, err := e.Net.Dial(context.Background(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		go raw.Write([]byte("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n"))

		time.Sleep(46 * time.Second)
		e.rec.wantClosed(t, sid, engineio.ReasonPingTimeout)
		if n := e.srv.Count(); n != 0 {
			t.Fatalf("%d sessions left after the ping timeout", n)
		}
	})
}

func TestUnknownAndStaleSID(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		e.rec.session(t, c.SID).Close()
		if c.WS != nil {
			for {
				if _, _, err := c.WS.ReadMessage(); err != nil {
					break
				}
			}
		} else {
			c.Recv()
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
		for _, method := range []string{"GET", "POST"} {
			resp, body := e.Request(context.Background(), method, "EIO=4&transport=polling&sid="+c.SID, "4x", nil)
			if resp.StatusCode != 400 {
				t.Fatalf("%s with a stale sid = %d", method, resp.StatusCode)
			}
			wantErrorBody(t, body, 1, "Session ID unknown")
		}
		if _, resp, err := e.Dial("EIO=4&transport=websocket&sid=" + c.SID); err == nil || resp.StatusCode != 400 {
			t.Fatalf("WebSocket with a stale sid: %v", err)
		}
	})
}

func TestSlowClientIsBounded(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, &engineio.Options{MaxQueuedBytes: 10 << 10})
		c := e.Connect(m)
		s := e.rec.session(t, c.SID)
		// The client reads nothing: over WebSocket the in-memory pipe
		// blocks the first write, over polling no GET takes the queue.
		chunk := make([]byte, 1<<10)
		var err error
		for i := 0; i < 1000 && err == nil; i++ {
			err = s.Send(engineio.Message{Data: chunk, Binary: true})
		}
		if err != engineio.ErrQueueFull {
			t.Fatalf("Send to a client that does not read: %v, want ErrQueueFull", err)
		}
		ev := e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		if ev.desc != engineio.ErrQueueFull {
			t.Fatalf("description %v, want ErrQueueFull", ev.desc)
		}
	})
}

func TestHandlerPanicIsRecovered(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		rec := newRecorder(true)
		rec.onMsg = func(s *engineio.Session, msg engineio.Message) {
			if string(msg.Data) == "panic" {
				panic("boom")
			}
		}
		e := newEnvWith(t, rec, &engineio.Options{Logger: discardLogger()})
		c := e.Connect(m)
		if c.WS != nil {
			wsWrite(t, c.WS, "4panic")
		} else {
			e.Post(c.PollQuery(), "4panic")
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportError)
		// The server goes on serving others.
		c2 := e.Connect(m)
		c2.Send(text("fine"))
		if got := packetsString(c2.RecvN(1)); got != "4fine" {
			t.Fatalf("echo after a panic elsewhere = %q", got)
		}
	})
}

// A poll that races with the client's "5" (as in the official suite) is
// refused like any poll after the upgrade, and one that comes after a
// probe without "5" is released after a short wait.
func TestPollRacingUpgrade(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		ws := e.dialSID(t, c.SID)
		defer ws.Close()
		wsWrite(t, ws, "2probe")
		wsRead(t, ws)
		start := time.Now()
		if status, body := e.Get(c.PollQuery()); status != 200 || body != "6" || time.Since(start) != 100*time.Millisecond {
			t.Fatalf("poll after the probe = %d %q after %v, want 200 noop after 100ms", status, body, time.Since(start))
		}
		wsWrite(t, ws, "5")
		status, body := e.Get(c.PollQuery())
		if status != 400 {
			t.Fatalf("poll right after 5 = %d %q, want 400", status, body)
		}
		wantErrorBody(t, body, 3, "Bad request")
		wsWrite(t, ws, "4x")
		if got := wsRead(t, ws); got != "4x" {
			t.Fatalf("echo after the upgrade = %q", got)
		}
	})
}

// A close packet whose POST beats the client's poll: the poll still gets
// the noop, as when it was pending first.
func TestClientCloseRacingPoll(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		posted := make(chan int)
		go func() {
			status, _ := e.Post(c.PollQuery(), "1")
			posted <- status
		}()
		synctest.Wait() // the POST waits for a poll
		if status, body := e.Get(c.PollQuery()); status != 200 || body != "6" {
			t.Fatalf("poll after the close packet = %d %q, want 200 noop", status, body)
		}
		if status := <-posted; status != 200 {
			t.Fatalf("POST = %d", status)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonTransportClose)
		c.WantClosedByServer()
	})
}
