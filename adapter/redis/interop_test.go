package redis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter"
	redisadapter "github.com/ab218a8d/socketio/adapter/redis"
	"github.com/ab218a8d/socketio/adapter/redis/internal/nodepeer"
	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

const wait = 10 * time.Second

// mixed is a cluster of one Go server and one Node.js server on one Redis,
// with a socket.io-client client on each, connected to "/".
type mixed struct {
	peer   *nodepeer.Peer
	node   *nodepeer.Server
	goSrv  *socketio.Server
	goID   string // the socket id of the Go server's client
	nodeID string // the socket id of the Node server's client
}

// A cluster's mode, on both sides.
type mode struct {
	name     string
	sharded  bool
	specific bool                          // classic: publishOnSpecificResponseChannel
	sub      redisadapter.SubscriptionMode // sharded
}

var modes = []mode{
	{name: "classic"},
	{name: "classic-specific-responses", specific: true},
	{name: "sharded", sharded: true},
	{name: "sharded-dynamic-private", sharded: true, sub: redisadapter.DynamicPrivate},
	{name: "sharded-static", sharded: true, sub: redisadapter.Static},
}

// startMixed starts the cluster in mode. Each
// client's socket gets data {"on": <server>} and joins "all" and
// "on-<server>".
func startMixed(t *testing.T, md mode) *mixed {
	t.Helper()
	redis := redistest.Start(t)
	return startMixedOn(t, md, nodepeer.ServerConfig{Redis: "redis://" + redis.Addr()}, redis.Addr())
}

// startMixedOn starts the cluster on the Redis of cfg (Redis or Cluster)
// at addrs.
func startMixedOn(t *testing.T, md mode, cfg nodepeer.ServerConfig, addrs ...string) *mixed {
	t.Helper()
	m := &mixed{peer: nodepeer.Start(t)}
	cfg.Name, cfg.Mode = "node", "classic"
	var factory adapter.Factory
	client := newClient(t, addrs...)
	if md.sharded {
		cfg.Mode = "sharded"
		cfg.Options = map[string]any{"subscriptionMode": md.sub.String()}
		factory = redisadapter.NewShardedAdapter(client, &redisadapter.ShardedOptions{SubscriptionMode: md.sub})
	} else {
		cfg.Options = map[string]any{"publishOnSpecificResponseChannel": md.specific}
		factory = redisadapter.NewAdapter(client, &redisadapter.Options{PublishOnSpecificResponseChannel: md.specific})
	}
	m.node = m.peer.StartServer(t, cfg)
	m.goSrv = socketio.NewServer(&socketio.Options{Adapter: factory})
	m.goSrv.OnConnection(func(s *socketio.Socket) {
		var auth struct {
			Data  any      `json:"data"`
			Rooms []string `json:"rooms"`
		}
		s.Handshake().BindAuth(&auth)
		if auth.Data != nil {
			s.SetData(auth.Data)
		}
		s.Join(auth.Rooms...)
	})
	m.goSrv.Of("/").OnServerSideEmit(func(event string, args socketio.Args, ack func(...any)) {
		if ack != nil {
			var arg string
			args.Decode(0, &arg)
			ack("go-"+arg, "ignored")
		}
	})
	goURL := "http://" + wsclient.Start(t, m.goSrv)

	connect := func(name, url, on string) string {
		c := m.peer.Client(t, name, url, nodepeer.ClientConfig{
			Transports: []string{"websocket"},
			Auth:       map[string]any{"data": map[string]any{"on": on}, "rooms": []string{"all", "on-" + on}},
		})
		ev := m.peer.WaitEvent(t, nodepeer.Match("connect", "client", c.Name), wait)
		return ev.Str("id")
	}
	m.goID = connect("onGo", goURL, "go")
	m.nodeID = connect("onNode", m.node.URL, "node")

	// The Go socket's connection handler ran (on the connection's
	// goroutine, maybe after the client heard it was connected).
	eventuallyOK(t, "the Go socket joins its rooms", func() error {
		return inRoomOf(m.goSrv, "on-go", m.goID)
	})
	// In the sharded dynamic modes each room has a channel, which each
	// server subscribes to when the room is created there, without
	// holding up the join: wait until Redis counts the subscribers.
	if md.sharded && md.sub != redisadapter.Static {
		probe := newClient(t, addrs...)
		want := map[string]int{"all": 2, "on-go": 1, "on-node": 1}
		if md.sub == redisadapter.DynamicPrivate {
			want[m.goID], want[m.nodeID] = 1, 1
		}
		eventuallyOK(t, "the servers subscribe to their rooms' channels", func() error {
			for room, n := range want {
				ch := "socket.io#/#" + room + "#"
				got, err := probe.Do(context.Background(), probe.B().PubsubShardnumsub().Channel(ch).Build()).ToArray()
				if err != nil || len(got) != 2 {
					return fmt.Errorf("SHARDNUMSUB %s: %v", ch, err)
				}
				if k, _ := got[1].AsInt64(); int(k) != n {
					return fmt.Errorf("%d subscribers to %s, want %d", k, ch, n)
				}
			}
			return nil
		})
	}
	// Both count two servers before the test starts.
	eventuallyOK(t, "both servers count two", func() error {
		n, err := m.goSrv.Of("/").Adapter().ServerCount(context.Background())
		if err != nil || n != 2 {
			return fmt.Errorf("the Go server counts %d (%v)", n, err)
		}
		if n := m.node.ServerCount(t, "/"); n != 2 {
			return fmt.Errorf("the Node server counts %d", n)
		}
		return nil
	})
	return m
}

func eventuallyOK(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recv waits for client to receive event, and returns its arguments.
func (m *mixed) recv(t *testing.T, mark int, client, event string) []json.RawMessage {
	t.Helper()
	ev := m.peer.WaitEventAfter(t, mark, nodepeer.Match("recv", "client", client, "name", event), wait)
	var args []json.RawMessage
	if err := ev.Decode("args", &args); err != nil {
		t.Fatal(err)
	}
	return args
}

// none checks that client did not receive event after mark, once a
// marker sent after it by the same server has arrived.
func (m *mixed) none(t *testing.T, mark int, client, event string) {
	t.Helper()
	if got := m.peer.Find(mark, nodepeer.Match("recv", "client", client, "name", event)); len(got) > 0 {
		t.Errorf("%s received %s: %v", client, event, got)
	}
}

func TestMixedCluster(t *testing.T) {
	for _, md := range modes {
		t.Run(md.name, func(t *testing.T) { startMixed(t, md).run(t) })
	}
}

// The sharded adapter is the one for a Redis Cluster: Go and Node.js
// servers route each channel to the node of its slot alike.
func TestMixedClusterOnARedisCluster(t *testing.T) {
	cluster := redistest.StartCluster(t, 3)
	for _, md := range []mode{modes[2], modes[0]} {
		t.Run(md.name, func(t *testing.T) {
			startMixedOn(t, md, nodepeer.ServerConfig{Cluster: cluster.Addrs()}, cluster.Addrs()...).run(t)
		})
	}
}

func (m *mixed) run(t *testing.T) {
	t.Run("BroadcastFromGo", m.testBroadcastFromGo)
	t.Run("BroadcastFromNode", m.testBroadcastFromNode)
	t.Run("FetchSockets", m.testFetchSockets)
	t.Run("ServerSideEmit", m.testServerSideEmit)
	t.Run("BroadcastWithAcks", m.testBroadcastWithAcks)
	t.Run("SocketsJoinLeave", m.testSocketsJoinLeave)
	t.Run("DisconnectSockets", m.testDisconnectSockets)
}

func (m *mixed) testBroadcastFromGo(t *testing.T) {
	mark := m.peer.Mark()
	if err := m.goSrv.To("all").Emit("hello", 1, map[string]any{"bin": []byte{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	want := `[1,{"bin":{"$bin":"010203"}}]`
	for _, c := range []string{"onGo", "onNode"} {
		if got, _ := json.Marshal(m.recv(t, mark, c, "hello")); string(got) != want {
			t.Errorf("%s got %s, want %s", c, got, want)
		}
	}
	// To the Node client's room only, then everyone but it: the marker
	// after the first, from the same server, tells what did not arrive.
	mark = m.peer.Mark()
	if err := m.goSrv.To("on-node").Emit("only-node"); err != nil {
		t.Fatal(err)
	}
	if err := m.goSrv.Except("on-node").Emit("not-node"); err != nil {
		t.Fatal(err)
	}
	if err := m.goSrv.Emit("marker"); err != nil {
		t.Fatal(err)
	}
	m.recv(t, mark, "onNode", "only-node")
	m.recv(t, mark, "onGo", "not-node")
	m.recv(t, mark, "onGo", "marker")
	m.recv(t, mark, "onNode", "marker")
	m.none(t, mark, "onGo", "only-node")
	m.none(t, mark, "onNode", "not-node")
	// To a socket id of the other server.
	mark = m.peer.Mark()
	if err := m.goSrv.To(m.nodeID).Emit("direct", "x"); err != nil {
		t.Fatal(err)
	}
	m.recv(t, mark, "onNode", "direct")
}

func (m *mixed) testBroadcastFromNode(t *testing.T) {
	mark := m.peer.Mark()
	m.node.Emit(t, nodepeer.Selector{Rooms: []string{"all"}}, "hello", "from node", []byte{9})
	want := `["from node",{"$bin":"09"}]`
	for _, c := range []string{"onGo", "onNode"} {
		if got, _ := json.Marshal(m.recv(t, mark, c, "hello")); string(got) != want {
			t.Errorf("%s got %s, want %s", c, got, want)
		}
	}
	mark = m.peer.Mark()
	m.node.Emit(t, nodepeer.Selector{Rooms: []string{"all"}, Except: []string{"on-node"}}, "not-node")
	m.node.Emit(t, nodepeer.Selector{Rooms: []string{m.goID}}, "direct")
	m.node.Emit(t, nodepeer.Selector{}, "marker")
	m.recv(t, mark, "onGo", "not-node")
	m.recv(t, mark, "onGo", "direct")
	m.recv(t, mark, "onNode", "marker")
	m.recv(t, mark, "onGo", "marker")
	m.none(t, mark, "onNode", "not-node")
}

func (m *mixed) testFetchSockets(t *testing.T) {
	// The Go server sees the Node server's socket, with its data.
	socks, err := m.goSrv.FetchSockets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range socks {
		ids = append(ids, s.ID)
		if s.ID == m.nodeID {
			if string(s.Data) != `{"on":"node"}` {
				t.Errorf("the Node socket's data: %s", s.Data)
			}
			if !slices.Contains(s.Rooms, "on-node") || !slices.Contains(s.Rooms, m.nodeID) {
				t.Errorf("the Node socket's rooms: %v", s.Rooms)
			}
			if s.Handshake.Query.Get("EIO") != "4" || !strings.HasPrefix(s.Handshake.URL, "/socket.io/") || s.Handshake.Issued == 0 {
				t.Errorf("the Node socket's handshake: %+v", s.Handshake)
			}
			// A remote socket acts where it is.
			mark := m.peer.Mark()
			if err := s.Emit("to-remote", "y"); err != nil {
				t.Fatal(err)
			}
			m.recv(t, mark, "onNode", "to-remote")
			if err := s.Join(context.Background(), "remote-join"); err != nil {
				t.Fatal(err)
			}
			eventuallyOK(t, "the remote socket joins", func() error { return inRoomOf(m.goSrv, "remote-join", m.nodeID) })
			if err := s.Leave(context.Background(), "remote-join"); err != nil {
				t.Fatal(err)
			}
			eventuallyOK(t, "the remote socket leaves", func() error { return inRoomOf(m.goSrv, "remote-join") })
		}
	}
	slices.Sort(ids)
	if want := slices.Sorted(slices.Values([]string{m.goID, m.nodeID})); !slices.Equal(ids, want) {
		t.Errorf("the Go server fetched %v, want %v", ids, want)
	}
	// The Node server sees the Go server's socket.
	var seen bool
	for _, s := range m.node.FetchSockets(t, nodepeer.Selector{Rooms: []string{"on-go"}}) {
		seen = true
		if s.ID != m.goID || s.Local {
			t.Errorf("the Node server fetched %+v in on-go", s)
		}
		if string(s.Data) != `{"on":"go"}` {
			t.Errorf("the Go socket's data, seen from Node: %s", s.Data)
		}
		if !slices.Contains(s.Rooms, "all") || !slices.Contains(s.Rooms, m.goID) {
			t.Errorf("the Go socket's rooms, seen from Node: %v", s.Rooms)
		}
		var hs struct {
			Query  map[string]string `json:"query"`
			Issued int64             `json:"issued"`
			Time   string            `json:"time"`
			Auth   map[string]any    `json:"auth"`
		}
		if err := json.Unmarshal(s.Handshake, &hs); err != nil || hs.Query["EIO"] != "4" || hs.Issued == 0 || hs.Time == "" || hs.Auth["data"] == nil {
			t.Errorf("the Go socket's handshake, seen from Node: %s (%v)", s.Handshake, err)
		}
	}
	if !seen {
		t.Error("the Node server does not see the Go socket")
	}
}

func (m *mixed) testServerSideEmit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	// From Go: the Node server answers.
	answers, err := m.goSrv.Of("/").ServerSideEmitWithAck(ctx, "q", "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range answers {
		var s string
		a.Decode(0, &s)
		got = append(got, s)
	}
	if want := []string{nodepeer.ServerSideAnswer("node", "x")}; !slices.Equal(got, want) {
		t.Errorf("Go's server-side emit got %q, want %q", got, want)
	}
	mark := m.peer.Mark()
	if err := m.goSrv.Of("/").ServerSideEmit(ctx, "note", 1, []byte{5}); err != nil {
		t.Fatal(err)
	}
	ev := m.peer.WaitEventAfter(t, mark, nodepeer.Match("serverSideEmit", "name", "note"), wait)
	if args := string(ev.Raw("args")); args != `[1,{"$bin":"05"}]` {
		t.Errorf("the Node server got the note with %s", args)
	}
	// From Node: the Go server answers, with its first argument only.
	res := m.node.ServerSideEmitWithAck(t, "/", "q", "y")
	if res.Error != "" || len(res.Responses) != 1 || string(res.Responses[0]) != `"go-y"` {
		t.Errorf("Node's server-side emit got %+v, want [\"go-y\"]", res)
	}
}

func (m *mixed) testBroadcastWithAcks(t *testing.T) {
	ack := func(client string) string {
		b, _ := json.Marshal(nodepeer.ClientAck{Client: client, Event: "ask"})
		return string(b)
	}
	want := []string{ack("onGo"), ack("onNode")}
	slices.Sort(want)
	// From Node: the acks of the Go server's client come back through Redis.
	res := m.node.EmitWithAck(t, nodepeer.Selector{Timeout: 5 * time.Second}, "ask")
	var got []string
	for _, r := range res.Responses {
		got = append(got, normJSON(t, r))
	}
	slices.Sort(got)
	if res.Error != "" || !slices.Equal(got, want) {
		t.Errorf("Node's broadcast with acks: %+v, want %v", res, want)
	}
	// From Go.
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	args, err := m.goSrv.Timeout(5*time.Second).EmitWithAck(ctx, "ask")
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for i := range args.Len() {
		got = append(got, normJSON(t, args.Raw(i)))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Go's broadcast with acks: %v, want %v", got, want)
	}
}

// normJSON re-encodes a JSON value, so that two encodings compare equal.
func normJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func (m *mixed) testSocketsJoinLeave(t *testing.T) {
	ctx := context.Background()
	// Node makes the Go server's socket join a room; a broadcast to it from
	// Node then reaches the Go client.
	m.node.SocketsJoin(t, nodepeer.Selector{Rooms: []string{"on-go"}}, "joined-by-node")
	eventuallyOK(t, "the Go socket joins", func() error {
		return inRoomOf(m.goSrv, "joined-by-node", m.goID)
	})
	mark := m.peer.Mark()
	m.node.Emit(t, nodepeer.Selector{Rooms: []string{"joined-by-node"}}, "in-room")
	m.recv(t, mark, "onGo", "in-room")
	// Go makes the Node server's socket join and leave.
	if err := m.goSrv.In("on-node").SocketsJoin(ctx, "joined-by-go"); err != nil {
		t.Fatal(err)
	}
	eventuallyOK(t, "the Node socket joins", func() error {
		return inRoomOf(m.goSrv, "joined-by-go", m.nodeID)
	})
	if err := m.goSrv.In("joined-by-go").SocketsLeave(ctx, "joined-by-go"); err != nil {
		t.Fatal(err)
	}
	eventuallyOK(t, "the Node socket leaves", func() error {
		return inRoomOf(m.goSrv, "joined-by-go")
	})
}

// inRoomOf checks that srv sees exactly ids in room, across the cluster.
func inRoomOf(srv *socketio.Server, room string, ids ...string) error {
	socks, err := srv.In(room).FetchSockets(context.Background())
	if err != nil {
		return err
	}
	var got []string
	for _, s := range socks {
		got = append(got, s.ID)
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
		return fmt.Errorf("%v in %s, want %v", got, room, want)
	}
	return nil
}

// Last: it ends the clients' sockets.
func (m *mixed) testDisconnectSockets(t *testing.T) {
	mark := m.peer.Mark()
	// Go disconnects the Node server's client, Node the Go server's.
	if err := m.goSrv.In("on-node").DisconnectSockets(context.Background()); err != nil {
		t.Fatal(err)
	}
	ev := m.peer.WaitEventAfter(t, mark, nodepeer.Match("disconnect", "client", "onNode"), wait)
	if r := ev.Str("reason"); r != "io server disconnect" {
		t.Errorf("the Node client's disconnect reason: %q", r)
	}
	m.node.DisconnectSockets(t, nodepeer.Selector{Rooms: []string{"on-go"}}, true)
	ev = m.peer.WaitEventAfter(t, mark, nodepeer.Match("disconnect", "client", "onGo"), wait)
	// As from a Node server: a DISCONNECT first, then the connection
	// closes.
	if r := ev.Str("reason"); r != "io server disconnect" {
		t.Errorf("the Go client's disconnect reason: %q", r)
	}
	eventuallyOK(t, "the Go server has no socket left", func() error {
		return inRoomOf(m.goSrv, "all")
	})
}
