package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// pollClient speaks Socket.IO v5 over HTTP long-polling by hand, enough to
// drive the chat's events on one server.
type pollClient struct {
	t    *testing.T
	url  string // the session's polling URL
	http *http.Client
	sid  string // the socket id

	mu     sync.Mutex
	events []string            // "name arg" received, in order; guarded by mu
	acks   map[int]chan string // pending acknowledgements; guarded by mu
	next   int                 // next ack id; guarded by mu
	done   chan struct{}       // closed when the polling loop ends
}

// dialPolling connects to the main namespace of the server at addr.
func dialPolling(t *testing.T, addr string) *pollClient {
	t.Helper()
	c := &pollClient{t: t, http: &http.Client{Transport: &http.Transport{}}, acks: make(map[int]chan string), done: make(chan struct{})}
	base := "http://" + addr + "/socket.io/?EIO=4&transport=polling"
	body := c.get(base)
	var open struct{ SID string }
	if !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &open) != nil {
		t.Fatalf("handshake with %s: %q", addr, body)
	}
	c.url = base + "&sid=" + open.SID
	c.post("40")
	connected := make(chan string, 1)
	go c.poll(connected)
	select {
	case c.sid = <-connected:
	case <-time.After(5 * time.Second):
		t.Fatalf("no CONNECT from %s within 5 s", addr)
	}
	t.Cleanup(c.close)
	return c
}

func (c *pollClient) get(url string) string {
	res, err := c.http.Get(url)
	if err != nil {
		c.t.Errorf("GET: %v", err)
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func (c *pollClient) post(packet string) {
	res, err := c.http.Post(c.url, "text/plain;charset=UTF-8", strings.NewReader(packet))
	if err != nil {
		c.t.Errorf("POST %s: %v", packet, err)
		return
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); string(b) != "ok" {
		c.t.Errorf("POST %s: %s %q", packet, res.Status, b)
	}
}

// poll gets the server's packets until the session ends: it answers
// pings, sends the socket id of the CONNECT on connected, and records
// events and acknowledgements.
func (c *pollClient) poll(connected chan<- string) {
	defer close(c.done)
	for {
		res, err := c.http.Get(c.url)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return // the session is gone
		}
		for _, p := range strings.Split(string(b), "\x1e") {
			switch {
			case p == "2":
				go c.post("3")
			case p == "1": // the session is closed
				return
			case strings.HasPrefix(p, "40{"):
				var ok struct{ SID string }
				json.Unmarshal([]byte(p[2:]), &ok)
				connected <- ok.SID
			case strings.HasPrefix(p, "42["):
				var args []json.RawMessage
				var name string
				if json.Unmarshal([]byte(p[2:]), &args) != nil || len(args) == 0 || json.Unmarshal(args[0], &name) != nil {
					c.t.Errorf("bad event %q", p)
					continue
				}
				arg := "null"
				if len(args) > 1 {
					arg = string(args[1])
				}
				c.mu.Lock()
				c.events = append(c.events, name+" "+arg)
				c.mu.Unlock()
			case strings.HasPrefix(p, "43"):
				i := strings.IndexByte(p, '[')
				id, err := strconv.Atoi(p[2:max(i, 2)])
				c.mu.Lock()
				ch := c.acks[id]
				delete(c.acks, id)
				c.mu.Unlock()
				if err != nil || ch == nil {
					c.t.Errorf("unexpected ack %q", p)
					continue
				}
				ch <- p[i:]
			}
		}
	}
}

// emit sends an event with an acknowledgement and returns the reply, as
// JSON: the acknowledgement's one argument.
func (c *pollClient) emit(event string, arg any) string {
	c.t.Helper()
	c.mu.Lock()
	id := c.next
	c.next++
	ch := make(chan string, 1)
	c.acks[id] = ch
	c.mu.Unlock()
	packet, _ := json.Marshal([]any{event, arg})
	c.post(fmt.Sprintf("42%d%s", id, packet))
	select {
	case a := <-ch:
		var r []json.RawMessage
		if err := json.Unmarshal([]byte(a), &r); err != nil || len(r) != 1 {
			c.t.Fatalf("%s: ack %s", event, a)
		}
		return string(r[0])
	case <-time.After(5 * time.Second):
		c.t.Fatalf("%s %v: no acknowledgement within 5 s", event, arg)
		return ""
	}
}

// send sends an event without acknowledgement.
func (c *pollClient) send(event string, arg any) {
	packet, _ := json.Marshal([]any{event, arg})
	c.post("42" + string(packet))
}

func (c *pollClient) close() {
	select {
	case <-c.done:
	default:
		c.post("1")
		<-c.done
	}
	c.http.CloseIdleConnections()
}

// waitEvent waits for an event, after the first from of those received,
// whose name and argument contain all of parts, and returns the number
// of events received up to it.
func (c *pollClient) waitEvent(from int, parts ...string) int {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		events := c.events
		c.mu.Unlock()
		for i := from; i < len(events); i++ {
			if containsAll(events[i], parts) {
				return i + 1
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no event with %q within 10 s; got:\n\t%s", parts, strings.Join(events[from:], "\n\t"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *pollClient) received() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// chatTranscript runs one conversation of two clients on the server at
// addr and returns what they saw: the replies to their requests, then
// the events each got, with socket ids, times and message ids made
// names. observer, a client of another server, tells when the last
// broadcast of the conversation is done.
func chatTranscript(t *testing.T, addr string, observer *pollClient) []string {
	mark := observer.received()
	alice := dialPolling(t, addr)
	bob := dialPolling(t, addr)
	names := strings.NewReplacer(alice.sid, "<alice>", bob.sid, "<bob>")
	numbers := regexp.MustCompile(`"(time|id)":\d+`)
	var out []string
	// add records a line whose JSON is decoded and encoded again, so that
	// the order of an object's fields does not count.
	add := func(line, data string) {
		var v any
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			t.Fatalf("%s: %q", line, data)
		}
		b, _ := json.Marshal(v)
		line += " " + numbers.ReplaceAllString(names.Replace(string(b)), `"$1":N`)
		if r := []rune(line); len(r) > 200 {
			line = fmt.Sprintf("%s…(%d bytes)", string(r[:150]), len(line))
		}
		out = append(out, line)
	}
	req := func(c *pollClient, who, event string, arg any) {
		a, _ := json.Marshal(arg)
		add(fmt.Sprintf("%s: %s %.40s ->", who, event, a), c.emit(event, arg))
	}

	req(alice, "alice", "join", "general")
	req(alice, "alice", "nick", "  ")
	req(alice, "alice", "nick", strings.Repeat("é", 25))
	req(alice, "alice", "nick", " alice ")
	req(alice, "alice", "join", "a\nb")
	req(alice, "alice", "join", strings.Repeat("r", 33))
	req(alice, "alice", "join", " general ")
	req(bob, "bob", "nick", "bob")
	req(bob, "bob", "join", "general")
	bob.send("typing", map[string]any{"room": "general", "typing": true})
	req(bob, "bob", "msg", map[string]string{"room": "general", "text": "  hello  "})
	req(bob, "bob", "msg", map[string]string{"room": "random", "text": "hi"})
	req(bob, "bob", "msg", map[string]string{"room": "general", "text": " \t"})
	req(bob, "bob", "msg", map[string]string{"room": "general", "text": strings.Repeat("x", 2001)})
	req(bob, "bob", "msg", map[string]string{"room": "general", "text": strings.Repeat("🎈", 2000)})
	req(bob, "bob", "nick", "robert")
	req(bob, "bob", "join", "random")
	req(bob, "bob", "leave", "random")
	req(bob, "bob", "leave", "nowhere")
	bob.close()
	left := alice.waitEvent(0, "notice", "robert left")
	alice.waitEvent(left, "rooms", `{"name":"general","users":1}`)
	alice.close()
	// The last broadcast: the room list once alice has gone too.
	observer.waitEvent(mark, "rooms", `{"name":"general","users":0}`)

	for _, c := range []struct {
		who string
		c   *pollClient
	}{{"alice", alice}, {"bob", bob}} {
		c.c.mu.Lock()
		events := c.c.events
		c.c.mu.Unlock()
		for _, e := range events {
			name, arg, _ := strings.Cut(e, " ")
			add(c.who+" got "+name+":", arg)
		}
	}
	return out
}

// TestSameChat: the Node.js server and a Go server answer one
// conversation alike, replies and events, so that a browser cannot tell
// which one it is on.
func TestSameChat(t *testing.T) {
	require(t)
	c := startCluster(t, true)
	addr := make(map[string]string)
	for _, b := range c.Backends {
		addr[b.Name] = b.Addr
	}
	observer := dialPolling(t, addr["go-2"])
	goT := chatTranscript(t, addr["go-1"], observer)
	nodeT := chatTranscript(t, addr["node"], observer)
	t.Logf("go-1:\n\t%s", strings.Join(goT, "\n\t"))
	if len(goT) < 30 {
		t.Errorf("the Go server's transcript has %d lines, want the whole conversation", len(goT))
	}
	for i := range max(len(goT), len(nodeT)) {
		var g, n string
		if i < len(goT) {
			g = goT[i]
		}
		if i < len(nodeT) {
			n = nodeT[i]
		}
		if g != n {
			t.Errorf("line %d:\n\tgo:   %s\n\tnode: %s", i, g, n)
		}
	}
}
