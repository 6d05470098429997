package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// askedID reads the server's next event, which must be event (its
// arguments: args, a JSON list without brackets) asking for an
// acknowledgement, and returns the ack id to answer with.
func askedID(t *testing.T, c *wsclient.Client, event, args string) string {
	t.Helper()
	got := c.Read()
	id, rest, ok := strings.Cut(strings.TrimPrefix(got, "42"), "[")
	if !strings.HasPrefix(got, "42") || !ok || id == "" || strings.Trim(id, "0123456789") != "" ||
		rest != `"`+event+`"`+args+"]" {
		t.Fatalf("got %s, want 42<id>[%q%s]", got, event, args)
	}
	return id
}

func TestAcks(t *testing.T) {
	c := wsclient.Dial(t, wsclient.URL(wsclient.Start(t, newServer(wsclient.Timeout))), nil)
	c.Connect("/", "")
	id := askedID(t, c, "name?", "")

	// The connection handler waits for the name; an event sent meanwhile
	// waits for it, and is handled once it returns.
	c.Send(`421["add",1,2]`)
	c.Send(`43` + id + `["Ann"]`)
	c.Expect(`42["welcome","Ann"]`)
	c.Expect(`431[3]`)
	c.Send(`422["add","x"]`)
	c.Expect(`432[null,"add takes two numbers"]`)

	c.Send(`42["quiz"]`)
	id = askedID(t, c, "question", `,"2+2?"`)
	c.Send(`43` + id + `[4]`)
	c.Expect(`42["verdict",true]`)
}

// A client that does not answer: both ways of asking time out.
func TestAckTimeout(t *testing.T) {
	c := wsclient.Dial(t, wsclient.URL(wsclient.Start(t, newServer(100*time.Millisecond))), nil)
	c.Connect("/", "")
	askedID(t, c, "name?", "")
	c.Expect(`42["welcome","stranger"]`)

	c.Send(`42["quiz"]`)
	askedID(t, c, "question", `,"2+2?"`)
	c.Expect(`42["verdict",false]`)
}
