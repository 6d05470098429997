package redis_test

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"

	redisadapter "github.com/ab218a8d/socketio/adapter/redis"
	"github.com/ab218a8d/socketio/adapter/redis/internal/nodepeer"
	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
	"github.com/ab218a8d/socketio/adapter/redis/internal/wire"
	"github.com/ab218a8d/socketio/parser"
)

// A published message, as a PSUBSCRIBE * listener sees it.
type published struct {
	channel string
	payload []byte
}

// capture listens to every channel of the Redis at addr until the test
// ends, and returns what is published from now on.
func capture(t *testing.T, addr string) <-chan published {
	t.Helper()
	c := newClient(t, addr)
	out := make(chan published, 100)
	ready := make(chan struct{})
	var once sync.Once
	ctx, cancel := context.WithCancel(context.Background())
	hooked := rueidis.WithOnSubscriptionHook(ctx, func(rueidis.PubSubSubscription) { once.Do(func() { close(ready) }) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Receive(hooked, c.B().Psubscribe().Pattern("*").Build(), func(m rueidis.PubSubMessage) {
			out <- published{m.Channel, []byte(m.Message)}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("PSUBSCRIBE * not confirmed")
	}
	return out
}

// next returns the next message published, and fails after 5 s.
func next(t *testing.T, ch <-chan published) published {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("nothing published")
		return published{}
	}
}

// render shows a payload: JSON as it is, msgpack as JSON (prefixed
// "msgpack "), binary as <bin hex>.
func render(t *testing.T, payload []byte) string {
	t.Helper()
	if len(payload) > 0 && payload[0] == '{' {
		return string(payload)
	}
	var atts [][]byte
	js, rest, err := wire.AppendMsgpackAsJSON(nil, payload, &atts)
	if err != nil || len(rest) > 0 {
		t.Fatalf("payload %x: %v (%d bytes left)", payload, err, len(rest))
	}
	s := string(js)
	for i, a := range atts {
		s = strings.Replace(s, `{"_placeholder":true,"num":`+string(rune('0'+i))+`}`, "<bin "+hex.EncodeToString(a)+">", 1)
	}
	return "msgpack " + s
}

func ptr[T any](v T) *T { return &v }

// What the Go emitter publishes is, byte for byte, what
// @socket.io/redis-emitter 5.1.0 publishes for the same operation: both
// run here, the Node one in a nodepeer process with key "node" and the Go
// one with key "go", against one redis-server that a PSUBSCRIBE *
// listener watches. The wanted values were captured that way (the
// payloads as render shows them, the hex from the test's log).
func TestEmitterPublishesAsTheNodeEmitter(t *testing.T) {
	srv := redistest.Start(t)
	msgs := capture(t, srv.Addr())
	peer := nodepeer.Start(t)
	node := peer.StartEmitter(t, nodepeer.EmitterConfig{Redis: "redis://" + srv.Addr(), Options: map[string]any{"key": "node"}})
	goEmitter := redisadapter.NewEmitter(newClient(t, srv.Addr()), &redisadapter.EmitterOptions{Key: "go"})
	ctx := context.Background()

	tests := []struct {
		name    string
		node    func()
		goOp    func() error
		channel string // {key} stands for the key
		want    string // render(payload)
		hex     string // the payload's bytes, when given
		// goWant is what the Go emitter publishes when it differs on
		// purpose from the reference (want).
		goWant string
	}{
		{
			name:    "emit",
			node:    func() { node.Emit(t, nodepeer.Selector{}, "hello", "world") },
			goOp:    func() error { return goEmitter.Emit(ctx, "hello", "world") },
			channel: "{key}#/#",
			want:    `msgpack ["emitter",{"type":2,"data":["hello","world"],"nsp":"/"},{"rooms":[],"flags":{},"except":[]}]`,
			hex:     "93a7656d697474657283a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a5666c61677380a665786365707490",
		},
		{
			name: "to one room",
			node: func() {
				node.Emit(t, nodepeer.Selector{Rooms: []string{"room1"}}, "hello", 1, map[string]any{"a": true})
			},
			goOp:    func() error { return goEmitter.To("room1").Emit(ctx, "hello", 1, map[string]any{"a": true}) },
			channel: "{key}#/#room1#",
			want:    `msgpack ["emitter",{"type":2,"data":["hello",1,{"a":true}],"nsp":"/"},{"rooms":["room1"],"flags":{},"except":[]}]`,
		},
		{
			name:    "the same room twice is one room",
			node:    func() { node.Emit(t, nodepeer.Selector{Rooms: []string{"room1", "room1"}}, "x") },
			goOp:    func() error { return goEmitter.To("room1").In("room1").Emit(ctx, "x") },
			channel: "{key}#/#room1#",
			want:    `msgpack ["emitter",{"type":2,"data":["x"],"nsp":"/"},{"rooms":["room1"],"flags":{},"except":[]}]`,
		},
		{
			name: "rooms, except, flags",
			node: func() {
				node.Emit(t, nodepeer.Selector{Rooms: []string{"room1", "room2"}, Except: []string{"room3"}, Volatile: true, Compress: ptr(false)}, "hello")
			},
			goOp: func() error {
				return goEmitter.To("room1", "room2").Except("room3").Volatile().Compress(false).Emit(ctx, "hello")
			},
			channel: "{key}#/#",
			want:    `msgpack ["emitter",{"type":2,"data":["hello"],"nsp":"/"},{"rooms":["room1","room2"],"flags":{"volatile":true,"compress":false},"except":["room3"]}]`,
		},
		{
			name:    "compress(true) is written",
			node:    func() { node.Emit(t, nodepeer.Selector{Compress: ptr(true)}, "z") },
			goOp:    func() error { return goEmitter.Compress(true).Emit(ctx, "z") },
			channel: "{key}#/#",
			want:    `msgpack ["emitter",{"type":2,"data":["z"],"nsp":"/"},{"rooms":[],"flags":{"compress":true},"except":[]}]`,
		},
		{
			name:    "binary",
			node:    func() { node.Emit(t, nodepeer.Selector{}, "bin", []byte{1, 2, 3}) },
			goOp:    func() error { return goEmitter.Emit(ctx, "bin", []byte{1, 2, 3}) },
			channel: "{key}#/#",
			want:    `msgpack ["emitter",{"type":2,"data":["bin",<bin 010203>],"nsp":"/"},{"rooms":[],"flags":{},"except":[]}]`,
		},
		{
			name: "numbers, null, nested binary",
			node: func() {
				node.Emit(t, nodepeer.Selector{}, "n", 1.5, -3, 1<<40, "é", nil, []any{1, "a"}, map[string]any{"b": []byte{0xff}})
			},
			goOp: func() error {
				return goEmitter.Emit(ctx, "n", 1.5, -3, 1<<40, "é", nil, []any{1, "a"}, map[string]any{"b": []byte{0xff}})
			},
			channel: "{key}#/#",
			want:    `msgpack ["emitter",{"type":2,"data":["n",1.5,-3,1099511627776,"é",null,[1,"a"],{"b":<bin ff>}],"nsp":"/"},{"rooms":[],"flags":{},"except":[]}]`,
		},
		{
			name:    "other namespace",
			node:    func() { node.Emit(t, nodepeer.Selector{Nsp: "/admin"}, "x") },
			goOp:    func() error { return goEmitter.Of("/admin").Emit(ctx, "x") },
			channel: "{key}#/admin#",
			want:    `msgpack ["emitter",{"type":2,"data":["x"],"nsp":"/admin"},{"rooms":[],"flags":{},"except":[]}]`,
		},
		{
			name:    "a namespace without its slash",
			node:    func() { node.Emit(t, nodepeer.Selector{Nsp: "admin"}, "x") },
			goOp:    func() error { return goEmitter.Of("admin").Emit(ctx, "x") },
			channel: "{key}#/admin#",
			want:    `msgpack ["emitter",{"type":2,"data":["x"],"nsp":"/admin"},{"rooms":[],"flags":{},"except":[]}]`,
		},
		{
			name:    "socketsJoin",
			node:    func() { node.SocketsJoin(t, nodepeer.Selector{Rooms: []string{"room1"}}, "r2") },
			goOp:    func() error { return goEmitter.In("room1").SocketsJoin(ctx, "r2") },
			channel: "{key}-request#/#",
			want:    `{"type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["r2"]}`,
		},
		{
			name: "socketsJoin, rooms to escape",
			node: func() {
				node.SocketsJoin(t, nodepeer.Selector{Except: []string{"a\"b\\"}}, "é", "\u2028", "\x01", "<>&")
			},
			goOp:    func() error { return goEmitter.Except("a\"b\\").SocketsJoin(ctx, "é", "\u2028", "\x01", "<>&") },
			channel: "{key}-request#/#",
			want:    `{"type":2,"opts":{"rooms":[],"except":["a\"b\\"]},"rooms":["é","` + "\u2028" + `","\u0001","<>&"]}`,
		},
		{
			name:    "socketsLeave",
			node:    func() { node.SocketsLeave(t, nodepeer.Selector{Nsp: "/admin", Rooms: []string{"room1"}}, "r2") },
			goOp:    func() error { return goEmitter.Of("/admin").In("room1").SocketsLeave(ctx, "r2") },
			channel: "{key}-request#/admin#",
			want:    `{"type":3,"opts":{"rooms":["room1"],"except":[]},"rooms":["r2"]}`,
		},
		{
			name:    "disconnectSockets",
			node:    func() { node.DisconnectSockets(t, nodepeer.Selector{Except: []string{"room1"}}, false) },
			goOp:    func() error { return goEmitter.Except("room1").DisconnectSockets(ctx) },
			channel: "{key}-request#/#",
			want:    `{"type":4,"opts":{"rooms":[],"except":["room1"]},"close":false}`,
		},
		{
			name:    "disconnectSockets(true)",
			node:    func() { node.DisconnectSockets(t, nodepeer.Selector{Rooms: []string{"room1"}}, true) },
			goOp:    func() error { return goEmitter.In("room1").CloseSockets(ctx) },
			channel: "{key}-request#/#",
			want:    `{"type":4,"opts":{"rooms":["room1"],"except":[]},"close":true}`,
		},
		{
			name:    "serverSideEmit",
			node:    func() { node.ServerSideEmit(t, "/", "ping", 42, map[string]any{"a": "b"}) },
			goOp:    func() error { return goEmitter.ServerSideEmit(ctx, "ping", 42, map[string]any{"a": "b"}) },
			channel: "{key}-request#/#",
			want:    `{"uid":"emitter","type":6,"data":["ping",42,{"a":"b"}]}`,
		},
		{
			name:    "serverSideEmit without arguments",
			node:    func() { node.ServerSideEmit(t, "/admin", "ping") },
			goOp:    func() error { return goEmitter.Of("/admin").ServerSideEmit(ctx, "ping") },
			channel: "{key}-request#/admin#",
			want:    `{"uid":"emitter","type":6,"data":["ping"]}`,
		},
		{
			// The reference's JSON.stringify turns a Buffer into an
			// object; the Go emitter keeps it binary, in msgpack, which
			// the adapters read as well as JSON.
			name:    "serverSideEmit with binary",
			node:    func() { node.ServerSideEmit(t, "/", "bin", []byte{1, 2, 3}) },
			goOp:    func() error { return goEmitter.ServerSideEmit(ctx, "bin", []byte{1, 2, 3}) },
			channel: "{key}-request#/#",
			want:    `{"uid":"emitter","type":6,"data":["bin",{"type":"Buffer","data":[1,2,3]}]}`,
			goWant:  `msgpack {"uid":"emitter","type":6,"data":["bin",<bin 010203>]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.node()
			fromNode := next(t, msgs)
			if err := tt.goOp(); err != nil {
				t.Fatal(err)
			}
			fromGo := next(t, msgs)
			t.Logf("node: PUBLISH %s %x", fromNode.channel, fromNode.payload)
			t.Logf("go:   PUBLISH %s %x", fromGo.channel, fromGo.payload)
			if want := strings.ReplaceAll(tt.channel, "{key}", "node"); fromNode.channel != want {
				t.Errorf("the Node emitter published on %q, want %q", fromNode.channel, want)
			}
			if want := strings.ReplaceAll(tt.channel, "{key}", "go"); fromGo.channel != want {
				t.Errorf("the Go emitter published on %q, want %q", fromGo.channel, want)
			}
			if got := render(t, fromNode.payload); got != tt.want {
				t.Errorf("the Node emitter published\n %s\nwant\n %s", got, tt.want)
			}
			if tt.hex != "" && hex.EncodeToString(fromNode.payload) != tt.hex {
				t.Errorf("the Node emitter published %x, want %s", fromNode.payload, tt.hex)
			}
			if tt.goWant != "" {
				if got := render(t, fromGo.payload); got != tt.goWant {
					t.Errorf("the Go emitter published\n %s\nwant\n %s", got, tt.goWant)
				}
				return
			}
			if string(fromGo.payload) != string(fromNode.payload) {
				t.Errorf("the Go emitter published\n %s\n %x\nthe Node emitter\n %s\n %x", render(t, fromGo.payload), fromGo.payload, render(t, fromNode.payload), fromNode.payload)
			}
		})
	}
}

// Refused operations publish nothing.
func TestEmitterRefuses(t *testing.T) {
	srv := redistest.Start(t)
	msgs := capture(t, srv.Addr())
	e := redisadapter.NewEmitter(newClient(t, srv.Addr()), nil)
	ctx := context.Background()
	for _, ev := range parser.ReservedEvents {
		if err := e.To("r").Emit(ctx, ev, 1); !errors.Is(err, redisadapter.ErrReservedEvent) {
			t.Errorf("Emit(%q): %v, want ErrReservedEvent", ev, err)
		}
	}
	for _, ev := range []string{"connect", "connection", "new_namespace"} {
		if err := e.ServerSideEmit(ctx, ev); !errors.Is(err, redisadapter.ErrReservedEvent) {
			t.Errorf("ServerSideEmit(%q): %v, want ErrReservedEvent", ev, err)
		}
	}
	if err := e.Emit(ctx, "x", 1, func(parser.Args, error) {}); !errors.Is(err, redisadapter.ErrAckUnsupported) {
		t.Errorf("Emit with a callback: %v, want ErrAckUnsupported", err)
	}
	if err := e.ServerSideEmit(ctx, "x", func() {}); !errors.Is(err, redisadapter.ErrAckUnsupported) {
		t.Errorf("ServerSideEmit with a callback: %v, want ErrAckUnsupported", err)
	}
	if err := e.Emit(ctx, "x", make(chan int)); err == nil {
		t.Error("Emit of a channel: no error")
	}
	// The Go server's own names are no reserved events for Emit: the
	// reference's list is the client's.
	if err := e.Emit(ctx, "connection"); err != nil {
		t.Fatal(err)
	}
	if m := next(t, msgs); !strings.Contains(render(t, m.payload), `"data":["connection"]`) {
		t.Errorf("published %s", render(t, m.payload))
	}
	select {
	case m := <-msgs:
		t.Errorf("published %s %s", m.channel, render(t, m.payload))
	case <-time.After(100 * time.Millisecond):
	}
}

// An operator is a value: deriving one leaves the base as it was, however
// the derived ones grow.
func TestEmitterIsImmutable(t *testing.T) {
	srv := redistest.Start(t)
	msgs := capture(t, srv.Addr())
	e := redisadapter.NewEmitter(newClient(t, srv.Addr()), &redisadapter.EmitterOptions{Key: "k"})
	ctx := context.Background()
	base := e.To("a", "b").Except("x")
	one := base.To("c").Volatile()
	two := base.To("d").Compress(false).Volatile().Compress(true)
	for _, tt := range []struct {
		b    redisadapter.BroadcastOperator
		want string
	}{
		{base, `{"rooms":["a","b"],"flags":{},"except":["x"]}`},
		{one, `{"rooms":["a","b","c"],"flags":{"volatile":true},"except":["x"]}`},
		// Flags keep the place where they were first set, as
		// Object.assign keeps a key's.
		{two, `{"rooms":["a","b","d"],"flags":{"compress":true,"volatile":true},"except":["x"]}`},
		{base.Except("y"), `{"rooms":["a","b"],"flags":{},"except":["x","y"]}`},
		{e.BroadcastOperator, `{"rooms":[],"flags":{},"except":[]}`},
	} {
		if err := tt.b.Emit(ctx, "e"); err != nil {
			t.Fatal(err)
		}
		got := render(t, next(t, msgs).payload)
		if want := `msgpack ["emitter",{"type":2,"data":["e"],"nsp":"/"},` + tt.want + `]`; got != want {
			t.Errorf("published\n %s\nwant\n %s", got, want)
		}
	}
}

// Arguments are encoded as the server's Emit encodes them: received Args
// are spread, their binary kept.
func TestEmitterSpreadsArgs(t *testing.T) {
	srv := redistest.Start(t)
	msgs := capture(t, srv.Addr())
	e := redisadapter.NewEmitter(newClient(t, srv.Addr()), nil)
	ctx := context.Background()
	fwd := parser.NewArgs([]byte(`[1,{"_placeholder":true,"num":0}]`), [][]byte{{9}})
	if err := e.Emit(ctx, "fwd", []byte{8}, fwd, parser.NewArgs([]byte(`[]`), nil), "z"); err != nil {
		t.Fatal(err)
	}
	want := `msgpack ["emitter",{"type":2,"data":["fwd",<bin 08>,1,<bin 09>,"z"],"nsp":"/"},{"rooms":[],"flags":{},"except":[]}]`
	if got := render(t, next(t, msgs).payload); got != want {
		t.Errorf("published\n %s\nwant\n %s", got, want)
	}
	if err := e.ServerSideEmit(ctx, "fwd", fwd, []byte{8}); err != nil {
		t.Fatal(err)
	}
	want = `msgpack {"uid":"emitter","type":6,"data":["fwd",1,<bin 09>,<bin 08>]}`
	if got := render(t, next(t, msgs).payload); got != want {
		t.Errorf("published\n %s\nwant\n %s", got, want)
	}
}
