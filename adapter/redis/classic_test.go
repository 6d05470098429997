package redis

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/adapter/redis/internal/wire"
	"github.com/ab218a8d/socketio/parser"
)

// asJSON renders a msgpack payload as JSON, binary as <bin hex>.
func asJSON(t *testing.T, payload []byte) string {
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
	return s
}

func event(data string, atts ...[]byte) *parser.Packet {
	return &parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(data), Attachments: atts}
}

func opts(rooms, except []string) adapter.BroadcastOptions {
	return adapter.BroadcastOptions{Rooms: rooms, Except: except}
}

// The vectors of the reference's section 4.2.6, captured from
// @socket.io/redis-adapter 8.3.0.
func TestClassicEncodesAsTheReference(t *testing.T) {
	c := newClassic("socket.io", "/", "H2V8hc", false)
	flagged := opts([]string{"room1", "room2"}, []string{"room3"})
	flagged.Flags.Volatile, flagged.Flags.NoCompress = true, true
	withAck := opts(nil, nil)
	withAck.Flags.Timeout = time.Second
	tests := []struct {
		name    string
		m       *adapter.Message
		channel string
		want    string // the payload as JSON (msgpack rendered by asJSON)
		hex     string // the payload's bytes, where the reference gives them
	}{
		{"emit", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["hello","world"]`)},
			"socket.io#/#", `["H2V8hc",{"type":2,"data":["hello","world"],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`,
			"93a648325638686383a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380"},
		{"to one room", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["hello",1,{"a":true}]`), Opts: opts([]string{"room1"}, nil)},
			"socket.io#/#room1#", `["H2V8hc",{"type":2,"data":["hello",1,{"a":true}],"nsp":"/"},{"rooms":["room1"],"except":[],"flags":{}}]`, ""},
		{"rooms, except, flags", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["hello"]`), Opts: flagged},
			"socket.io#/#", `["H2V8hc",{"type":2,"data":["hello"],"nsp":"/"},{"rooms":["room1","room2"],"except":["room3"],"flags":{"volatile":true,"compress":false}}]`, ""},
		{"binary", &adapter.Message{Type: adapter.Broadcast, Packet: event(`["bin",{"_placeholder":true,"num":0}]`, []byte{1, 2, 3})},
			"socket.io#/#", `["H2V8hc",{"type":2,"data":["bin",<bin 010203>],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`, ""},
		{"socketsJoin", &adapter.Message{Type: adapter.SocketsJoin, Opts: opts([]string{"room1"}, nil), Rooms: []string{"r2"}},
			"socket.io-request#/#", `{"uid":"H2V8hc","type":2,"opts":{"rooms":["room1"],"except":[]},"rooms":["r2"]}`, ""},
		{"socketsLeave", &adapter.Message{Type: adapter.SocketsLeave, Opts: opts([]string{"room1"}, nil), Rooms: []string{"r2"}},
			"socket.io-request#/#", `{"uid":"H2V8hc","type":3,"opts":{"rooms":["room1"],"except":[]},"rooms":["r2"]}`, ""},
		{"disconnectSockets", &adapter.Message{Type: adapter.DisconnectSockets, Opts: opts([]string{"room1"}, nil), Close: true},
			"socket.io-request#/#", `{"uid":"H2V8hc","type":4,"opts":{"rooms":["room1"],"except":[]},"close":true}`, ""},
		{"serverSideEmit", &adapter.Message{Type: adapter.ServerSideEmit, Event: "ping", Args: parser.NewArgs([]byte(`[42]`), nil)},
			"socket.io-request#/#", `{"uid":"H2V8hc","type":6,"data":["ping",42]}`, ""},
		{"emit with acks", &adapter.Message{Type: adapter.Broadcast, RequestID: "q-NvB9", Packet: event(`["withack","a"]`), Opts: withAck},
			"socket.io-request#/#", `{"uid":"H2V8hc","requestId":"q-NvB9","type":7,"packet":{"type":2,"data":["withack","a"],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":1000}}}`, ""},
		{"fetchSockets", &adapter.Message{Type: adapter.FetchSockets, RequestID: "LxHD8o", Opts: opts([]string{"room1"}, nil)},
			"socket.io-request#/#", `{"uid":"H2V8hc","requestId":"LxHD8o","type":5,"opts":{"rooms":["room1"],"except":[]}}`, ""},
		{"serverSideEmit answer", &adapter.Message{Type: adapter.ServerSideEmitResponse, RequestID: "RQ3", Args: parser.NewArgs([]byte(`["pong-7"]`), nil)},
			"socket.io-response#/#", `{"type":6,"requestId":"RQ3","data":"pong-7"}`, ""},
		{"client count", &adapter.Message{Type: adapter.BroadcastClientCount, RequestID: "RQ4", ClientCount: 1},
			"socket.io-response#/#", `{"type":8,"requestId":"RQ4","clientCount":1}`, ""},
		{"ack", &adapter.Message{Type: adapter.BroadcastAck, RequestID: "RQ4", Args: parser.NewArgs([]byte(`["ack-z"]`), nil)},
			"socket.io-response#/#", `{"type":9,"requestId":"RQ4","packet":"ack-z"}`,
			"83a47479706509a9726571756573744964a3525134a67061636b6574a561636b2d7a"},
		{"fetch answer", &adapter.Message{Type: adapter.FetchSocketsResponse, RequestID: "RQ1", Sockets: []adapter.SocketInfo{{
			ID: "81OGRHJq5EbDdmNTAAAA", Rooms: []string{"81OGRHJq5EbDdmNTAAAA", "room1"},
			Handshake: []byte(`{"headers":{},"time":"Tue Nov 24 2026 19:29:16 GMT+0000 (Coordinated Universal Time)","address":"::ffff:127.0.0.1","xdomain":false,"secure":false,"issued":1795548556778,"url":"/socket.io/?EIO=4&transport=websocket","query":{"EIO":"4","transport":"websocket"},"auth":{}}`),
			Data:      []byte(`{"user":"alice"}`)}}},
			"socket.io-response#/#", `{"requestId":"RQ1","sockets":[{"id":"81OGRHJq5EbDdmNTAAAA","handshake":{"headers":{},"time":"Tue Nov 24 2026 19:29:16 GMT+0000 (Coordinated Universal Time)","address":"::ffff:127.0.0.1","xdomain":false,"secure":false,"issued":1795548556778,"url":"/socket.io/?EIO=4&transport=websocket","query":{"EIO":"4","transport":"websocket"},"auth":{}},"rooms":["81OGRHJq5EbDdmNTAAAA","room1"],"data":{"user":"alice"}}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, payload, err := c.encode(nil, tt.m, "OTHER1")
			if err != nil {
				t.Fatal(err)
			}
			if ch != tt.channel {
				t.Errorf("channel %q, want %q", ch, tt.channel)
			}
			if got := asJSON(t, payload); got != tt.want {
				t.Errorf("payload\n got %s\nwant %s", got, tt.want)
			}
			if tt.hex != "" && hex.EncodeToString(payload) != tt.hex {
				t.Errorf("payload\n got %x\nwant %s", payload, tt.hex)
			}
			if tt.name == "emit with acks" {
				if h := hex.EncodeToString(payload); !strings.HasPrefix(h, "85a3756964") || !strings.HasSuffix(h, "cd03e8") {
					t.Errorf("payload %s, want 85a3756964…cd03e8", h)
				}
			}
		})
	}
}

func TestClassicSpecificResponseChannel(t *testing.T) {
	c := newClassic("k", "/admin", "me", true)
	for _, tt := range []struct {
		m    *adapter.Message
		want string
	}{
		{&adapter.Message{Type: adapter.FetchSocketsResponse, RequestID: "r"}, "k-response#/admin#them#"},
		{&adapter.Message{Type: adapter.BroadcastClientCount, RequestID: "r"}, "k-response#/admin#them#"},
		{&adapter.Message{Type: adapter.BroadcastAck, RequestID: "r"}, "k-response#/admin#them#"},
		// The reference answers a server-side emit on the shared channel
		// whatever the option.
		{&adapter.Message{Type: adapter.ServerSideEmitResponse, RequestID: "r"}, "k-response#/admin#"},
		{&adapter.Message{Type: adapter.Broadcast, Packet: event(`["x"]`)}, "k#/admin#"},
	} {
		ch, _, err := c.encode(nil, tt.m, "them")
		if err != nil || ch != tt.want {
			t.Errorf("%v: channel %q (%v), want %q", tt.m.Type, ch, err, tt.want)
		}
	}
}

// What one server encodes, another decodes to the same message.
func TestClassicRoundTrip(t *testing.T) {
	a := newClassic("socket.io", "/", "AAAAAA", false)
	b := newClassic("socket.io", "/", "BBBBBB", false)
	withAck := opts([]string{"r"}, []string{"x"})
	withAck.Flags.Timeout = 1500 * time.Millisecond
	withAck.Flags.Volatile = true
	msgs := []*adapter.Message{
		{Type: adapter.Broadcast, Packet: event(`["bin",{"_placeholder":true,"num":0},{"n":[1.5,-3,"é"]}]`, []byte{0, 255}), Opts: withAck},
		{Type: adapter.Broadcast, RequestID: "req1", Packet: event(`["a"]`), Opts: withAck},
		{Type: adapter.SocketsJoin, Opts: opts([]string{"r"}, nil), Rooms: []string{"a", "b"}},
		{Type: adapter.SocketsLeave, Opts: opts(nil, []string{"r"}), Rooms: []string{"a"}},
		{Type: adapter.DisconnectSockets, Opts: opts([]string{"r"}, nil), Close: true},
		{Type: adapter.FetchSockets, RequestID: "req2", Opts: opts([]string{"r"}, nil)},
		{Type: adapter.ServerSideEmit, Event: "e", Args: parser.NewArgs([]byte(`[1,{"_placeholder":true,"num":0}]`), [][]byte{{7}})},
		{Type: adapter.ServerSideEmit, RequestID: "req3", Event: "e", Args: parser.NewArgs([]byte(`[]`), nil)},
	}
	for _, m := range msgs {
		ch, payload, err := a.encode(nil, m, "")
		if err != nil {
			t.Fatal(err)
		}
		var got *adapter.Message
		if ch == a.prefix || strings.HasPrefix(ch, a.prefix) {
			got, err = b.decodeBroadcast(payload)
		} else {
			got, _, err = b.decodeRequest(payload)
		}
		if err != nil || got == nil {
			t.Fatalf("%v: decoded %v, %v", m.Type, got, err)
		}
		want := *m
		want.UID, want.Namespace = "AAAAAA", "/"
		if !sameMessage(got, &want) {
			t.Errorf("%v:\n got %+v\nwant %+v", m.Type, got, &want)
		}
	}
	for _, m := range []*adapter.Message{
		{Type: adapter.ServerSideEmitResponse, RequestID: "r", Args: parser.NewArgs([]byte(`[{"_placeholder":true,"num":0}]`), [][]byte{{1}})},
		{Type: adapter.ServerSideEmitResponse, RequestID: "r", Args: parser.NewArgs([]byte(`[]`), nil)},
		{Type: adapter.BroadcastClientCount, RequestID: "r", ClientCount: 3},
		{Type: adapter.BroadcastAck, RequestID: "r", Args: parser.NewArgs([]byte(`[[1,2]]`), nil)},
		{Type: adapter.FetchSocketsResponse, RequestID: "r", Sockets: []adapter.SocketInfo{{ID: "s", Rooms: []string{"s", "t"}, Handshake: []byte(`{"auth":{}}`), Data: []byte(`{"a":1}`)}}},
	} {
		_, payload, err := a.encode(nil, m, "BBBBBB")
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.decodeResponse(payload)
		if err != nil || got == nil {
			t.Fatalf("%v: decoded %v, %v", m.Type, got, err)
		}
		want := *m
		want.Namespace = "/"
		if !sameMessage(got, &want) {
			t.Errorf("%v:\n got %+v\nwant %+v", m.Type, got, &want)
		}
	}
}

func sameMessage(a, b *adapter.Message) bool {
	if a.Type != b.Type || a.UID != b.UID || a.Namespace != b.Namespace || a.RequestID != b.RequestID ||
		a.Close != b.Close || a.Event != b.Event || a.ClientCount != b.ClientCount ||
		!slices.Equal(a.Rooms, b.Rooms) || !sameOpts(a.Opts, b.Opts) || !sameArgs(a.Args, b.Args) {
		return false
	}
	if (a.Packet == nil) != (b.Packet == nil) {
		return false
	}
	if a.Packet != nil && (a.Packet.Type != b.Packet.Type || a.Packet.Namespace != b.Packet.Namespace ||
		!sameArgs(parser.NewArgs(a.Packet.Data, a.Packet.Attachments), parser.NewArgs(b.Packet.Data, b.Packet.Attachments))) {
		return false
	}
	return slices.EqualFunc(a.Sockets, b.Sockets, func(x, y adapter.SocketInfo) bool {
		return x.ID == y.ID && slices.Equal(x.Rooms, y.Rooms) && string(x.Handshake) == string(y.Handshake) && string(x.Data) == string(y.Data)
	})
}

func sameOpts(a, b adapter.BroadcastOptions) bool {
	return slices.Equal(a.Rooms, b.Rooms) && slices.Equal(a.Except, b.Except) && a.Flags == b.Flags ||
		len(a.Rooms)+len(b.Rooms) == 0 && len(a.Except)+len(b.Except) == 0 && a.Flags == b.Flags
}

// sameArgs compares arguments by their JSON, binary included.
func sameArgs(a, b parser.Args) bool {
	ja, ea := a.MarshalJSON()
	jb, eb := b.MarshalJSON()
	return ea == nil && eb == nil && string(ja) == string(jb)
}

// Hostile or broken messages are errors, never panics, and never reach a
// socket.
func TestClassicDecodeBadInput(t *testing.T) {
	c := newClassic("socket.io", "/", "me", false)
	for _, p := range []string{
		"", "\xc1", "\x93", "\x93\xa1a", "\xdd\xff\xff\xff\xff", "\xdb\xff\xff\xff\xff",
		"\x93\xa1a\x83\xa4type\x02\xa4data\xa1x\xa3nsp\xa1/\x80", // data not an array
		"\x93\xa1a\x83\xa4type\x01\xa4data\x90\xa3nsp\xa1/\x80",  // not an event
		"\x92\xa1a\xc0",
		"\x93\xa1a\x83\xa4type\x02\xa4data\x91\xc0\xa3nsp\xa1/\x80", // an event named null
		`{"uid":"x"}`,
	} {
		if m, err := c.decodeBroadcast([]byte(p)); err == nil {
			t.Errorf("decodeBroadcast(%q) = %+v, want an error", p, m)
		} else if !errors.Is(err, errBadMessage) {
			t.Errorf("decodeBroadcast(%q): %v, want errBadMessage", p, err)
		}
	}
	for _, p := range []string{
		"", "{", `{"uid":"x"}`, `{"type":"2"}`, `{"type":2,"rooms":["a"]}`, `{"type":2,"opts":{},"rooms":"a"}`,
		`{"type":4}`, `{"type":6,"data":"x"}`, `{"type":6,"data":[]}`, `{"type":6,"data":[1]}`,
		`{"type":7,"requestId":"r","packet":{"type":2,"data":{}}}`, `{"type":7,"packet":{"type":2,"data":[]}}`,
		`{"type":99}`, "\x81\xa4type\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00",
		`{"type":2,"opts":{"rooms":[{}]},"rooms":[]}`,
	} {
		if m, _, err := c.decodeRequest([]byte(p)); err == nil {
			t.Errorf("decodeRequest(%q) = %+v, want an error", p, m)
		}
	}
	// A broadcast of another namespace is no error, and nothing.
	if m, err := c.decodeBroadcast(mustMsgpack(t, `["x",{"type":2,"data":["a"],"nsp":"/other"},{}]`)); m != nil || err != nil {
		t.Errorf("another namespace's broadcast: %+v, %v", m, err)
	}
}

func mustMsgpack(t testing.TB, js string) []byte {
	t.Helper()
	b, err := wire.AppendJSON(nil, []byte(js), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzClassicDecode(f *testing.F) {
	c := newClassic("socket.io", "/", "me", false)
	f.Add(mustMsgpack(f, `["H2V8hc",{"type":2,"data":["hello","world"],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`))
	f.Add(mustMsgpack(f, `{"uid":"H2V8hc","requestId":"q","type":7,"packet":{"type":2,"data":["a"],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":1000}}}`))
	f.Add([]byte(`{"uid":"H2V8hc","type":6,"data":["ping",42]}`))
	f.Add([]byte(`{"requestId":"RQ1","sockets":[{"id":"a","handshake":{},"rooms":["a"],"data":{}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c.decodeBroadcast(b)
		c.decodeRequest(b)
		c.decodeResponse(b)
	})
}

func TestClassicFromSelf(t *testing.T) {
	a := newClassic("socket.io", "/", "AAAAAA", false)
	b := newClassic("socket.io", "/", "BBBBBB", false)
	_, payload, err := a.encode(nil, &adapter.Message{Type: adapter.Broadcast, Packet: event(`["x"]`)}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !a.fromSelf(payload) || b.fromSelf(payload) {
		t.Errorf("fromSelf: %v from A, %v from B; want true, false", a.fromSelf(payload), b.fromSelf(payload))
	}
	for _, p := range []string{"", "\x90", "\x91\xc0", "{"} {
		if a.fromSelf([]byte(p)) {
			t.Errorf("fromSelf(%q) = true", p)
		}
	}
}

// The fast path decodes what it takes as the JSON path does.
func FuzzClassicBroadcastFastPath(f *testing.F) {
	c := newClassic("socket.io", "/", "me", false)
	flagged := opts([]string{"r", "é"}, []string{"x"})
	for _, m := range []*adapter.Message{
		{Type: adapter.Broadcast, Packet: event(`["hello","world"]`)},
		{Type: adapter.Broadcast, Packet: event(`["bin",{"_placeholder":true,"num":0},[1.5,{"a":null}]]`, []byte{1, 2}), Opts: flagged},
	} {
		_, payload, err := newClassic("socket.io", "/", "other", false).encode(nil, m, "")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(payload)
	}
	f.Add(mustMsgpack(f, `["u",{"data":["x"],"type":2},{"except":[],"rooms":["a"]}]`))
	f.Add(mustMsgpack(f, `["u",{"type":2,"data":["x"],"nsp":"/b"},{}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := c.decodeBroadcastFast(b)
		if !ok {
			return
		}
		slow, err := c.decodeBroadcastJSON(b)
		if err != nil {
			t.Fatalf("the fast path took %x, the JSON path refused it: %v", b, err)
		}
		if (fast == nil) != (slow == nil) || fast != nil && !sameMessage(fast, slow) {
			t.Fatalf("%x:\nfast %+v\nJSON %+v", b, fast, slow)
		}
	})
}
