package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio"
)

// wsClient speaks Socket.IO v5 over a WebSocket by hand, enough to drive
// the chat's events without a browser.
type wsClient struct {
	t   *testing.T
	ws  *websocket.Conn
	sid string // the socket id

	wmu    sync.Mutex // one writer at a time
	mu     sync.Mutex
	recv   []inEvent           // events received; guarded by mu
	cursor int                 // recv[:cursor] were looked at by expect; guarded by mu
	acks   map[int]chan string // pending acknowledgements; guarded by mu
	next   int                 // next ack id; guarded by mu
	done   chan struct{}       // closed when the connection ends
	got    chan struct{}       // signalled on each event
}

type inEvent struct {
	name string
	arg  json.RawMessage
}

// dial connects to the chat's main namespace.
func dial(t *testing.T, chat *testChat) *wsClient {
	t.Helper()
	url := "ws" + strings.TrimPrefix(chat.url, "http") + "/socket.io/?EIO=4&transport=websocket"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c := &wsClient{t: t, ws: ws, acks: make(map[int]chan string), done: make(chan struct{}), got: make(chan struct{}, 1)}
	t.Cleanup(c.close)
	if _, open, err := ws.ReadMessage(); err != nil || open[0] != '0' {
		t.Fatalf("open packet: %q, %v", open, err)
	}
	c.write("40")
	_, reply, err := ws.ReadMessage()
	var connect struct{ SID string }
	if err != nil || !strings.HasPrefix(string(reply), "40") || json.Unmarshal(reply[2:], &connect) != nil {
		t.Fatalf("CONNECT reply: %q, %v", reply, err)
	}
	c.sid = connect.SID
	go c.read()
	return c
}

func (c *wsClient) close() {
	c.ws.Close()
	<-c.done
}

func (c *wsClient) write(s string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.WriteMessage(websocket.TextMessage, []byte(s))
}

// read handles pings, events ("42[...]") and acknowledgements ("43N[...]").
func (c *wsClient) read() {
	defer close(c.done)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		m := string(b)
		switch {
		case m == "2":
			c.write("3")
		case strings.HasPrefix(m, "42["):
			var all []json.RawMessage
			var name string
			if json.Unmarshal(b[2:], &all) != nil || len(all) == 0 || json.Unmarshal(all[0], &name) != nil {
				c.t.Errorf("bad event %q", m)
				continue
			}
			ev := inEvent{name: name}
			if len(all) > 1 {
				ev.arg = all[1]
			}
			c.mu.Lock()
			c.recv = append(c.recv, ev)
			c.mu.Unlock()
			select {
			case c.got <- struct{}{}:
			default:
			}
		case strings.HasPrefix(m, "43"):
			i := strings.IndexByte(m, '[')
			id, err := strconv.Atoi(m[2:max(i, 2)])
			c.mu.Lock()
			ch := c.acks[id]
			delete(c.acks, id)
			c.mu.Unlock()
			if err != nil || ch == nil {
				c.t.Errorf("unexpected ack %q", m)
				continue
			}
			ch <- m[i:]
		}
	}
}

// emit sends an event with an acknowledgement and returns the reply.
func (c *wsClient) emit(event string, arg any) reply {
	c.t.Helper()
	c.mu.Lock()
	id := c.next
	c.next++
	ch := make(chan string, 1)
	c.acks[id] = ch
	c.mu.Unlock()
	c.write(fmt.Sprintf("42%d%s", id, mustJSON(c.t, []any{event, arg})))
	select {
	case a := <-ch:
		var r []reply
		if err := json.Unmarshal([]byte(a), &r); err != nil || len(r) != 1 {
			c.t.Fatalf("%s: ack %s: %v", event, a, err)
		}
		return r[0]
	case <-time.After(5 * time.Second):
		c.t.Fatalf("%s %v: no acknowledgement within 5 s", event, arg)
		return reply{}
	}
}

// send emits an event without acknowledgement.
func (c *wsClient) send(event string, arg any) {
	c.write("42" + mustJSON(c.t, []any{event, arg}))
}

// expect waits for an event named name whose argument, as JSON, contains
// all of parts, after the one the last expect found, and returns its
// argument: expectations are met in the order the events came.
func (c *wsClient) expect(name string, parts ...string) json.RawMessage {
	c.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		c.mu.Lock()
		for i := c.cursor; i < len(c.recv); i++ {
			ev := c.recv[i]
			if ev.name != name || !containsAll(string(ev.arg), parts) {
				continue
			}
			c.cursor = i + 1
			c.mu.Unlock()
			return ev.arg
		}
		c.mu.Unlock()
		select {
		case <-c.got:
		case <-deadline:
			c.t.Fatalf("no %q event with %q within 5 s; got %s", name, parts, c.events())
			return nil
		}
	}
}

// nothing checks that no event named name and containing parts came.
func (c *wsClient) nothing(name string, parts ...string) {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range c.recv {
		if ev.name == name && containsAll(string(ev.arg), parts) {
			c.t.Errorf("unexpected %q event %s", name, ev.arg)
		}
	}
}

func (c *wsClient) events() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, ev := range c.recv {
		fmt.Fprintf(&b, "\n\t%s %s", ev.name, ev.arg)
	}
	return b.String()
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantError(t *testing.T, r reply, want string) {
	t.Helper()
	if r.Error != want {
		t.Errorf("reply %+v, want error %q", r, want)
	}
}

func wantOK(t *testing.T, r reply) reply {
	t.Helper()
	if r.Error != "" {
		t.Fatalf("reply error %q", r.Error)
	}
	return r
}

// TestChatEvents drives the chat's events with hand-made Socket.IO
// clients: nicknames, rooms, user lists, messages and their
// acknowledgements, typing, and what the others see of a disconnection.
func TestChatEvents(t *testing.T) {
	chat := startChat(t, false)
	alice := dial(t, chat)
	alice.expect("rooms", `{"name":"general","users":0}`, `{"name":"random","users":0}`, `{"name":"golang","users":0}`)

	wantError(t, alice.emit("join", "general"), "choose a nickname first")
	wantError(t, alice.emit("nick", "  "), "empty nickname")
	wantError(t, alice.emit("nick", strings.Repeat("x", maxNick+1)), "nickname too long")
	if r := wantOK(t, alice.emit("nick", " alice ")); r.Nick != "alice" {
		t.Errorf("nick reply %+v", r)
	}
	wantError(t, alice.emit("join", "a\nb"), "room name has control characters")
	r := wantOK(t, alice.emit("join", " general "))
	if r.Room != "general" || len(r.Users) != 1 || r.Users[0] != (member{ID: alice.sid, Nick: "alice"}) {
		t.Errorf("join reply %+v", r)
	}
	alice.expect("rooms", `{"name":"general","users":1}`)

	bob := dial(t, chat)
	wantOK(t, bob.emit("nick", "bob"))
	r = wantOK(t, bob.emit("join", "general"))
	if len(r.Users) != 2 || r.Users[0].Nick != "alice" || r.Users[1].Nick != "bob" {
		t.Errorf("bob's join reply %+v", r)
	}
	alice.expect("notice", `"room":"general"`, `"text":"bob joined"`)
	alice.expect("users", `"room":"general"`, `"nick":"alice"`, `"nick":"bob"`)
	bob.nothing("notice", "bob joined") // the joiner is not told of itself

	// A message reaches the others, trimmed, and is acknowledged.
	bob.send("typing", map[string]any{"room": "general", "typing": true})
	alice.expect("typing", `"nick":"bob"`, `"typing":true`, `"id":"`+bob.sid+`"`)
	r = wantOK(t, bob.emit("msg", map[string]string{"room": "general", "text": "  hello  "}))
	if r.ID == 0 || r.Time == 0 {
		t.Errorf("msg reply %+v, want an id and a time", r)
	}
	alice.expect("msg", `"room":"general"`, `"from":"bob"`, `"text":"hello"`, fmt.Sprintf(`"id":%d`, r.ID))
	bob.nothing("msg")
	wantError(t, bob.emit("msg", map[string]string{"room": "random", "text": "hi"}), "join the room first")
	wantError(t, bob.emit("msg", map[string]string{"room": "general", "text": " "}), "empty message")
	wantError(t, bob.emit("msg", map[string]string{"room": "general", "text": strings.Repeat("x", maxText+1)}), "message too long")

	// A chat room named after a socket id is not that socket's own room.
	wantOK(t, bob.emit("join", alice.sid))
	wantOK(t, bob.emit("msg", map[string]string{"room": alice.sid, "text": "psst"}))
	wantOK(t, bob.emit("msg", map[string]string{"room": "general", "text": "after psst"}))
	alice.expect("msg", `"text":"after psst"`)
	alice.nothing("msg", `"text":"psst"`)
	wantOK(t, bob.emit("leave", alice.sid))

	// Renaming tells the rooms.
	wantOK(t, bob.emit("nick", "robert"))
	alice.expect("notice", `"text":"bob is now robert"`)
	alice.expect("users", `"nick":"alice"`, `"nick":"robert"`)

	// Leaving and disconnecting update the lists.
	wantOK(t, bob.emit("join", "random"))
	alice.expect("rooms", `{"name":"random","users":1}`)
	wantOK(t, bob.emit("leave", "random"))
	alice.expect("rooms", `{"name":"random","users":0}`)
	bob.close()
	alice.expect("notice", `"room":"general"`, `"text":"robert left"`)
	alice.expect("users", `"room":"general","users":[{"id":"`+alice.sid+`","nick":"alice"}]`)
	alice.expect("rooms", `{"name":"general","users":1}`)
}

// TestShutdown stops the server with clients connected, as Ctrl-C does:
// their connections are closed and serve returns without error.
func TestShutdown(t *testing.T) {
	chat := startChat(t, false)
	alice := dial(t, chat)
	wantOK(t, alice.emit("nick", "alice"))
	wantOK(t, alice.emit("join", "general"))
	start := time.Now()
	if err := chat.stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	select {
	case <-alice.done:
	case <-time.After(time.Second):
		t.Fatal("the client's connection is still open after the shutdown")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("shutdown took %v with a WebSocket client connected", d)
	}
}

// TestSlowMember: a member whose queue overflows while the chat sends a
// room's lists (under the chat's lock) is disconnected; the others are
// told, and nothing deadlocks.
func TestSlowMember(t *testing.T) {
	const limit = 30000
	opts := socketio.Options{}
	opts.MaxQueuedBytes = limit
	chat := startChatWith(t, opts)
	alice := dial(t, chat)
	wantOK(t, alice.emit("nick", "alice"))
	wantOK(t, alice.emit("join", "general"))

	// slow joins over long-polling, then never polls.
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	poll := chat.url + "/socket.io/?EIO=4&transport=polling"
	res, err := client.Get(poll)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ SID string }
	if body := readAll(t, res); len(body) < 2 || json.Unmarshal([]byte(body[1:]), &open) != nil {
		t.Fatalf("handshake: %q", body)
	}
	for _, p := range []string{`40`, `420["nick","slow"]`, `421["join","general"]`} {
		res, err := client.Post(poll+"&sid="+open.SID, "text/plain;charset=UTF-8", strings.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, res); body != "ok" {
			t.Fatalf("POST %s: %d %q", p, res.StatusCode, body)
		}
	}
	alice.expect("users", `"nick":"slow"`)
	var slow *socketio.Socket
	for _, s := range chat.io.Sockets() {
		if nickOf(s) == "slow" {
			slow = s
		}
	}

	// Fill slow's queue with alice's messages until a room's lists no
	// longer fit.
	for left := limit - slow.Conn().QueuedBytes(); left > 300; left = limit - slow.Conn().QueuedBytes() {
		n := min(2000, max(1, left-250))
		wantOK(t, alice.emit("msg", map[string]string{"room": "general", "text": strings.Repeat("x", n)}))
	}
	// bob's join sends a notice, the user list and the room list to slow.
	bob := dial(t, chat)
	wantOK(t, bob.emit("nick", "bob"))
	wantOK(t, bob.emit("join", "general"))
	alice.expect("notice", `"text":"slow left"`)
	alice.expect("users", `"room":"general","users":[{"id":"`+alice.sid+`","nick":"alice"},{"id":"`+bob.sid+`","nick":"bob"}]`)
	wantOK(t, bob.emit("msg", map[string]string{"room": "general", "text": "still here"}))
	alice.expect("msg", `"text":"still here"`)
}
