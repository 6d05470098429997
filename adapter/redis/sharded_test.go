package redis

import (
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/parser"
)

// The vectors of the reference's section 4.3, captured from
// createShardedAdapter in @socket.io/redis-adapter 8.3.0.
func TestShardedEncodesAsTheReference(t *testing.T) {
	const uid = "7380a47c97424506"
	c := newSharded("socket.io", "/", uid, Dynamic)
	withAck := opts(nil, nil)
	withAck.Flags.Timeout = 500 * time.Millisecond
	tests := []struct {
		name    string
		m       *adapter.Message
		channel string
		want    string
	}{
		{"emit", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["hello","world"]`)},
			"socket.io#/#", `{"type":3,"data":{"packet":{"type":2,"data":["hello","world"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"7380a47c97424506","nsp":"/"}`},
		{"to one room", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["hello"]`), Opts: opts([]string{"room1"}, nil)},
			"socket.io#/#room1#", `{"type":3,"data":{"packet":{"type":2,"data":["hello"]},"opts":{"rooms":["room1"],"except":[],"flags":{}}},"uid":"7380a47c97424506","nsp":"/"}`},
		{"socketsJoin", &adapter.Message{Type: adapter.SocketsJoin, Opts: opts([]string{"room1"}, nil), Rooms: []string{"r2"}},
			"socket.io#/#", `{"type":4,"data":{"opts":{"rooms":["room1"],"except":[],"flags":{}},"rooms":["r2"]},"uid":"7380a47c97424506","nsp":"/"}`},
		{"disconnectSockets", &adapter.Message{Type: adapter.DisconnectSockets, Opts: opts([]string{"room1"}, nil)},
			"socket.io#/#", `{"type":6,"data":{"opts":{"rooms":["room1"],"except":[],"flags":{}},"close":false},"uid":"7380a47c97424506","nsp":"/"}`},
		{"serverSideEmit", &adapter.Message{Type: adapter.ServerSideEmit, Event: "ping", Args: parser.NewArgs([]byte(`[1]`), nil)},
			"socket.io#/#", `{"type":9,"data":{"packet":["ping",1]},"uid":"7380a47c97424506","nsp":"/"}`},
		{"emit with acks", &adapter.Message{Type: adapter.Broadcast, RequestID: "425820db9093a5f4", Packet: event(`["ack"]`), Opts: withAck},
			"socket.io#/#", `{"type":3,"data":{"packet":{"type":2,"data":["ack"]},"requestId":"425820db9093a5f4","opts":{"rooms":[],"except":[],"flags":{"timeout":500}}},"uid":"7380a47c97424506","nsp":"/"}`},
		{"fetchSockets", &adapter.Message{Type: adapter.FetchSockets, RequestID: "7f4b1d1b2506bd6e"},
			"socket.io#/#", `{"type":7,"data":{"opts":{"rooms":[],"except":[],"flags":{}},"requestId":"7f4b1d1b2506bd6e"},"uid":"7380a47c97424506","nsp":"/"}`},
		{"binary", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["bin",{"_placeholder":true,"num":0}]`, []byte{1, 2, 3})},
			"socket.io#/#", `{"type":3,"data":{"packet":{"type":2,"data":["bin",<bin 010203>]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"7380a47c97424506","nsp":"/"}`},
		{"answer", &adapter.Message{Type: adapter.ServerSideEmitResponse, RequestID: "r", Args: parser.NewArgs([]byte(`["x"]`), nil)},
			"socket.io#/#them#", `{"type":10,"data":{"requestId":"r","packet":"x"},"uid":"7380a47c97424506","nsp":"/"}`},
		{"client count", &adapter.Message{Type: adapter.BroadcastClientCount, RequestID: "r"},
			"socket.io#/#them#", `{"type":11,"data":{"requestId":"r","clientCount":0},"uid":"7380a47c97424506","nsp":"/"}`},
		{"heartbeat", &adapter.Message{Type: adapter.Heartbeat}, "socket.io#/#", `{"type":2,"uid":"7380a47c97424506","nsp":"/"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, payload, err := c.encode(nil, tt.m, "them")
			if err != nil {
				t.Fatal(err)
			}
			if ch != tt.channel {
				t.Errorf("channel %q, want %q", ch, tt.channel)
			}
			if tt.name == "binary" && payload[0] == '{' {
				t.Errorf("binary sent as JSON: %s", payload)
			}
			if got := asJSON(t, payload); got != tt.want {
				t.Errorf("payload\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// Which channel a broadcast to one room takes, in each mode.
func TestShardedChannels(t *testing.T) {
	sid := strings.Repeat("s", 20)
	for _, tt := range []struct {
		mode SubscriptionMode
		room string
		acks bool
		want string
	}{
		{Dynamic, "room", false, "p#/n#room#"},
		{Dynamic, sid, false, "p#/n#"},
		{DynamicPrivate, sid, false, "p#/n#" + sid + "#"},
		{Static, "room", false, "p#/n#"},
		{Dynamic, "room", true, "p#/n#"},
	} {
		c := newSharded("p", "/n", "me", tt.mode)
		m := &adapter.Message{Type: adapter.Broadcast, Packet: event(`["x"]`), Opts: opts([]string{tt.room}, nil)}
		if tt.acks {
			m.RequestID = "r"
		}
		ch, _, err := c.encode(nil, m, "")
		if err != nil || ch != tt.want {
			t.Errorf("%v, room %q, acks %v: channel %q (%v), want %q", tt.mode, tt.room, tt.acks, ch, err, tt.want)
		}
	}
}

func TestShardedRoundTrip(t *testing.T) {
	a := newSharded("socket.io", "/", "aaaa", Dynamic)
	b := newSharded("socket.io", "/", "bbbb", Dynamic)
	flagged := opts([]string{"r"}, []string{"x"})
	flagged.Flags.Timeout, flagged.Flags.Volatile, flagged.Flags.NoCompress = 2*time.Second, true, true
	for _, m := range []*adapter.Message{
		{Type: adapter.InitialHeartbeat},
		{Type: adapter.Heartbeat},
		{Type: adapter.AdapterClose},
		{Type: adapter.Broadcast, Packet: event(`["bin",{"_placeholder":true,"num":0},[{"_placeholder":true,"num":1}]]`, []byte{1}, []byte{}), Opts: flagged},
		{Type: adapter.Broadcast, RequestID: "q", Packet: event(`["a",1]`), Opts: flagged},
		{Type: adapter.SocketsJoin, Opts: opts([]string{"r"}, nil), Rooms: []string{"a"}},
		{Type: adapter.SocketsLeave, Opts: opts(nil, []string{"r"}), Rooms: []string{"a", "b"}},
		{Type: adapter.DisconnectSockets, Opts: opts([]string{"r"}, nil), Close: true},
		{Type: adapter.FetchSockets, RequestID: "q", Opts: opts([]string{"r"}, nil)},
		{Type: adapter.ServerSideEmit, Event: "e", Args: parser.NewArgs([]byte(`[{"_placeholder":true,"num":0}]`), [][]byte{{9}})},
		{Type: adapter.ServerSideEmit, RequestID: "q", Event: "e", Args: parser.NewArgs([]byte(`[]`), nil)},
		{Type: adapter.FetchSocketsResponse, RequestID: "q", Sockets: []adapter.SocketInfo{{ID: "s", Rooms: []string{"s"}, Handshake: []byte(`{"auth":{}}`), Data: []byte(`{}`)}}},
		{Type: adapter.ServerSideEmitResponse, RequestID: "q", Args: parser.NewArgs([]byte(`[{"_placeholder":true,"num":0}]`), [][]byte{{1, 2}})},
		{Type: adapter.ServerSideEmitResponse, RequestID: "q", Args: parser.NewArgs([]byte(`[]`), nil)},
		{Type: adapter.BroadcastClientCount, RequestID: "q", ClientCount: 2},
		{Type: adapter.BroadcastAck, RequestID: "q", Args: parser.NewArgs([]byte(`[null]`), nil)},
	} {
		_, payload, err := a.encode(nil, m, "bbbb")
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.decode(payload)
		if err != nil || got == nil {
			t.Fatalf("%v: decoded %v, %v", m.Type, got, err)
		}
		want := *m
		want.UID, want.Namespace = "aaaa", "/"
		if !sameMessage(got, &want) {
			t.Errorf("%v:\n got %+v\nwant %+v", m.Type, got, &want)
		}
	}
}

func TestShardedDecodeBadInput(t *testing.T) {
	c := newSharded("socket.io", "/", "me", Dynamic)
	for _, p := range []string{
		"", "{", "\xc1", `{"nsp":"/"}`, `{"type":"3","nsp":"/"}`, `{"type":3,"nsp":"/"}`,
		`{"type":3,"nsp":"/","data":{"packet":{"type":2,"data":"x"}}}`,
		`{"type":3,"nsp":"/","data":{"packet":{"type":0,"data":[]}}}`,
		`{"type":3,"nsp":"/","data":{"packet":{"type":2,"data":[1]}}}`,
		`{"type":7,"nsp":"/","data":{}}`, `{"type":9,"nsp":"/","data":{"packet":{}}}`,
		`{"type":9,"nsp":"/","data":{"packet":[3]}}`, `{"type":42,"nsp":"/"}`,
		`{"type":4,"nsp":"/","data":{"rooms":[true]}}`,
	} {
		if m, err := c.decode([]byte(p)); err == nil {
			t.Errorf("decode(%q) = %+v, want an error", p, m)
		}
	}
	if m, err := c.decode([]byte(`{"type":3,"nsp":"/other","data":{}}`)); m != nil || err != nil {
		t.Errorf("another namespace's message: %+v, %v", m, err)
	}
}

func FuzzShardedDecode(f *testing.F) {
	c := newSharded("socket.io", "/", "me", Dynamic)
	f.Add([]byte(`{"type":3,"data":{"packet":{"type":2,"data":["hello","world"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"7380a47c97424506","nsp":"/"}`))
	f.Add([]byte(`{"type":8,"data":{"requestId":"q","sockets":[{"id":"s","handshake":{},"rooms":["s"],"data":{}}]},"uid":"x","nsp":"/"}`))
	f.Add(mustMsgpack(f, `{"type":9,"data":{"packet":["e",{"_placeholder":true,"num":0}]},"uid":"x","nsp":"/"}`))
	f.Fuzz(func(t *testing.T, b []byte) { c.decode(b) })
}
