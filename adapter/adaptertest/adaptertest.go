// Package adaptertest checks that an adapter makes several Socket.IO
// servers act as one: a conformance suite that any adapter's tests run
// against its factory.
//
// Run starts the servers in the test's process, each on a loopback port
// with the adapter under test, connects real WebSocket clients to each,
// and checks every cluster operation across them: broadcasts with rooms,
// except and flags, broadcasts with acknowledgements, FetchSockets and the
// methods of the sockets it returns, SocketsJoin, SocketsLeave,
// DisconnectSockets and CloseSockets, server-side emits with and without
// answers, and the server count. With one server (the in-memory adapter)
// the operations that need another server are left out.
//
//	func TestConformance(t *testing.T) {
//		adaptertest.Run(t, 3, func(t *testing.T) adapter.Factory {
//			return myadapter.New(...) // one server's factory, on a cluster shared by the calls of one test
//		})
//	}
package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

// NewCluster returns a function that makes the adapter factory of each
// server of a fresh cluster: Run calls NewCluster once per test, then the
// returned function once per server. What they share (a Redis, a bus) is
// the cluster; it is stopped with t's cleanup.
type NewCluster func(t *testing.T) func() adapter.Factory

// An Option changes how Run runs the suite.
type Option func(*config)

type config struct {
	settle func(ctx context.Context, a adapter.Adapter) error
}

// Settle has Run call settle on each server's adapter of "/" once the
// sockets have joined their rooms, before the checks: for an adapter
// whose subscriptions follow the rooms and are made without holding up
// the join (the sharded Redis adapter's dynamic modes), until when a
// broadcast to a room may miss a server, in the reference too.
func Settle(settle func(ctx context.Context, a adapter.Adapter) error) Option {
	return func(c *config) { c.settle = settle }
}

// Run runs the suite against n servers of clusters made by newCluster.
func Run(t *testing.T, n int, newCluster NewCluster, opts ...Option) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	for _, tc := range []struct {
		name     string
		minNodes int
		f        func(t *testing.T, c *cluster)
	}{
		{"ServerCount", 1, testServerCount},
		{"Broadcast", 1, testBroadcast},
		{"BroadcastRoomsExcept", 1, testBroadcastRoomsExcept},
		{"BroadcastLocal", 2, testBroadcastLocal},
		{"BroadcastWithAck", 1, testBroadcastWithAck},
		{"FetchSockets", 1, testFetchSockets},
		{"RemoteSocket", 1, testRemoteSocket},
		{"SocketsJoinLeave", 1, testSocketsJoinLeave},
		{"DisconnectSockets", 1, testDisconnectSockets},
		{"ServerSideEmit", 2, testServerSideEmit},
		{"ServerSideEmitTimeout", 2, testServerSideEmitTimeout},
	} {
		if n < tc.minNodes {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			tc.f(t, start(t, n, newCluster(t), &cfg))
		})
	}
}

// cluster is n servers, one client on each, connected to "/".
type cluster struct {
	servers []*socketio.Server
	clients []*wsclient.Client
	ids     []string // the clients' socket ids
}

func start(t *testing.T, n int, factory func() adapter.Factory, cfg *config) *cluster {
	c := &cluster{}
	for i := range n {
		srv := socketio.NewServer(&socketio.Options{Adapter: factory()})
		srv.OnConnection(func(s *socketio.Socket) {
			s.SetData(map[string]any{"server": i})
			s.Join("all", fmt.Sprintf("server-%d", i))
			s.On("join", func(e *socketio.Event) {
				var room string
				e.Args.Decode(0, &room)
				s.Join(room)
				e.Ack()
			})
		})
		addr := wsclient.Start(t, srv)
		cl := wsclient.Dial(t, wsclient.URL(addr), nil)
		c.servers = append(c.servers, srv)
		c.clients = append(c.clients, cl)
		c.ids = append(c.ids, cl.Connect("/", ""))
	}
	defer func() {
		if cfg.settle == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for i, srv := range c.servers {
			if err := cfg.settle(ctx, srv.Of("/").Adapter()); err != nil {
				t.Fatalf("server %d: settle: %v", i, err)
			}
		}
	}()
	// Each socket is in its rooms (the connection handler runs on the
	// connection's goroutine, maybe after the client heard it was
	// connected), and every server hears of the others, before the test
	// starts.
	eventually(t, "every socket joins its rooms", func() error {
		for i, srv := range c.servers {
			socks, err := srv.Local().In(fmt.Sprintf("server-%d", i)).FetchSockets(context.Background())
			if err != nil || len(socks) != 1 {
				return fmt.Errorf("server %d: %d sockets in server-%d (%v)", i, len(socks), i, err)
			}
		}
		return nil
	})
	// Every server hears of the others before the test starts.
	eventually(t, "every server counts the others", func() error {
		for i, srv := range c.servers {
			got, err := srv.Of("/").Adapter().ServerCount(context.Background())
			if err != nil || got != n {
				return fmt.Errorf("server %d counts %d servers (%v), want %d", i, got, err, n)
			}
		}
		return nil
	})
	return c
}

// eventually retries f until it succeeds or 10 s pass: cluster messages
// take their time to cross.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mark emits a marker from server from to every client, and reads up to
// it on each client: what a client read before it is returned.
func (c *cluster) mark(t *testing.T, from int) [][]string {
	t.Helper()
	if err := c.servers[from].Emit("mark"); err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(c.clients))
	for i, cl := range c.clients {
		for {
			got := cl.Read()
			if got == `42["mark"]` {
				break
			}
			out[i] = append(out[i], got)
		}
	}
	return out
}

// received checks what each client receives: want[i], in any order, and
// nothing else before the marker of server from, the server the test sent
// from. A cluster may deliver one server's messages out of order (on a
// Redis Cluster, a room's channel and the namespace's live on different
// nodes), so a wanted message may come after the marker; an unwanted one
// that comes after it is caught by the next check, which reads it first.
func (c *cluster) received(t *testing.T, from int, want ...[]string) {
	t.Helper()
	if err := c.servers[from].Emit("mark"); err != nil {
		t.Fatal(err)
	}
	for i, cl := range c.clients {
		var w []string
		if i < len(want) {
			w = want[i]
		}
		var got []string
		marked := false
		for !marked || !containsAll(got, w) {
			m := cl.Read()
			if m == `42["mark"]` && !marked {
				marked = true
				continue
			}
			got = append(got, m)
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(w))) {
			t.Errorf("client of server %d received %q, want %q", i, got, w)
		}
	}
}

// containsAll reports whether got holds every element of want, as many
// times as want does.
func containsAll(got, want []string) bool {
	left := slices.Clone(got)
	for _, w := range want {
		i := slices.Index(left, w)
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}

func testServerCount(t *testing.T, c *cluster) {
	for i, srv := range c.servers {
		n, err := srv.Of("/").Adapter().ServerCount(context.Background())
		if err != nil || n != len(c.servers) {
			t.Errorf("server %d: ServerCount = %d, %v; want %d", i, n, err, len(c.servers))
		}
	}
}

// each returns what every client of c receives.
func (c *cluster) each(msg string) [][]string {
	out := make([][]string, len(c.clients))
	for i := range out {
		out[i] = []string{msg}
	}
	return out
}

func testBroadcast(t *testing.T, c *cluster) {
	for i, srv := range c.servers {
		msg := fmt.Sprintf(`42["hello",%d,{"a":[true,null,"x"]}]`, i)
		if err := srv.Emit("hello", i, map[string]any{"a": []any{true, nil, "x"}}); err != nil {
			t.Fatalf("server %d: Emit: %v", i, err)
		}
		c.received(t, i, c.each(msg)...)
	}
	// Binary crosses too.
	if err := c.servers[len(c.servers)-1].Emit("bin", []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	for i, cl := range c.clients {
		if got := cl.Read(); got != `451-["bin",{"_placeholder":true,"num":0}]` {
			t.Fatalf("client %d: %s", i, got)
		}
		if got := cl.ReadBinary(); !slices.Equal(got, []byte{1, 2, 3}) {
			t.Fatalf("client %d: attachment %v", i, got)
		}
	}
}

func testBroadcastRoomsExcept(t *testing.T, c *cluster) {
	last := len(c.servers) - 1
	want := make([][]string, len(c.clients))
	// To the room of the last server's client only, from server 0.
	if err := c.servers[0].To(fmt.Sprintf("server-%d", last)).Emit("r"); err != nil {
		t.Fatal(err)
	}
	want[last] = []string{`42["r"]`}
	c.received(t, 0, want...)
	// To everyone but server 0's client, by its socket id.
	if err := c.servers[last].To("all").Except(c.ids[0]).Emit("e"); err != nil {
		t.Fatal(err)
	}
	want = c.each(`42["e"]`)
	want[0] = nil
	c.received(t, last, want...)
	// To two rooms that overlap: each socket once.
	if err := c.servers[0].To("all", "server-0").Emit("once"); err != nil {
		t.Fatal(err)
	}
	c.received(t, 0, c.each(`42["once"]`)...)
	// A volatile packet may be dropped by a connection busy writing: each
	// client gets it at most once.
	if err := c.servers[last].Volatile().Emit("v"); err != nil {
		t.Fatal(err)
	}
	for i, got := range c.mark(t, last) {
		if len(got) > 1 || len(got) == 1 && got[0] != `42["v"]` {
			t.Errorf("client of server %d received %q, want at most one volatile packet", i, got)
		}
	}
	// The compress flag crosses, and changes nothing here.
	if err := c.servers[last].To("all").Compress(false).Emit("nc"); err != nil {
		t.Fatal(err)
	}
	c.received(t, last, c.each(`42["nc"]`)...)
}

func testBroadcastLocal(t *testing.T, c *cluster) {
	if err := c.servers[1].Local().Emit("local"); err != nil {
		t.Fatal(err)
	}
	want := make([][]string, len(c.clients))
	want[1] = []string{`42["local"]`}
	c.received(t, 1, want...)
}

func testBroadcastWithAck(t *testing.T, c *cluster) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, cl := range c.clients {
			got := cl.Read()
			var id int
			if _, err := fmt.Sscanf(got, `42%d["ask"]`, &id); err != nil {
				t.Errorf("client %d got %s, want an EVENT asking for an ack", i, got)
				return
			}
			cl.Send(fmt.Sprintf(`43%d[%d]`, id, i))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := c.servers[0].Timeout(4*time.Second).EmitWithAck(ctx, "ask")
	<-done
	if err != nil {
		t.Fatalf("EmitWithAck: %v", err)
	}
	var answers []int
	for i := range got.Len() {
		var v int
		if err := got.Decode(i, &v); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, v)
	}
	slices.Sort(answers)
	if want := seq(len(c.clients)); !slices.Equal(answers, want) {
		t.Fatalf("acks %v, want %v", answers, want)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func testFetchSockets(t *testing.T, c *cluster) {
	for i, srv := range c.servers {
		socks, err := srv.FetchSockets(context.Background())
		if err != nil {
			t.Fatalf("server %d: FetchSockets: %v", i, err)
		}
		var ids []string
		for _, s := range socks {
			ids = append(ids, s.ID)
			j := slices.Index(c.ids, s.ID)
			if j < 0 {
				t.Fatalf("server %d: unknown socket %s", i, s.ID)
			}
			if want := fmt.Sprintf(`{"server":%d}`, j); string(s.Data) != want {
				t.Errorf("server %d: socket of server %d has data %s, want %s", i, j, s.Data, want)
			}
			if !slices.Contains(s.Rooms, "all") || !slices.Contains(s.Rooms, s.ID) || !slices.Contains(s.Rooms, fmt.Sprintf("server-%d", j)) {
				t.Errorf("server %d: socket of server %d in rooms %v", i, j, s.Rooms)
			}
			if s.Handshake.Query.Get("EIO") != "4" || s.Handshake.Issued == 0 || !strings.HasPrefix(s.Handshake.URL, "/socket.io/") {
				t.Errorf("server %d: socket of server %d has handshake %+v", i, j, s.Handshake)
			}
			if (s.Local() != nil) != (i == j) {
				t.Errorf("server %d: socket of server %d: Local() = %v", i, j, s.Local())
			}
		}
		slices.Sort(ids)
		want := slices.Sorted(slices.Values(c.ids))
		if !slices.Equal(ids, want) {
			t.Errorf("server %d: FetchSockets = %v, want %v", i, ids, want)
		}
		// Selected by room, and only here.
		socks, err = srv.In("server-0").FetchSockets(context.Background())
		if err != nil || len(socks) != 1 || socks[0].ID != c.ids[0] {
			t.Errorf("server %d: In(server-0).FetchSockets = %v, %v", i, socks, err)
		}
		socks, err = srv.Local().FetchSockets(context.Background())
		if err != nil || len(socks) != 1 || socks[0].ID != c.ids[i] {
			t.Errorf("server %d: Local().FetchSockets = %v, %v", i, socks, err)
		}
	}
}

func testRemoteSocket(t *testing.T, c *cluster) {
	ctx := context.Background()
	last := len(c.servers) - 1
	socks, err := c.servers[0].In(fmt.Sprintf("server-%d", last)).FetchSockets(ctx)
	if err != nil || len(socks) != 1 {
		t.Fatalf("FetchSockets = %v, %v", socks, err)
	}
	r := socks[0]
	if err := r.Emit("direct", "x"); err != nil {
		t.Fatal(err)
	}
	want := make([][]string, len(c.clients))
	want[last] = []string{`42["direct","x"]`}
	c.received(t, 0, want...)
	if err := r.Join(ctx, "joined"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the remote socket joins", func() error { return inRoom(c, "joined", c.ids[last]) })
	if err := r.Leave(ctx, "joined"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the remote socket leaves", func() error { return inRoom(c, "joined") })
	if err := r.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.clients[last].Read(); got != "41" {
		t.Fatalf("the remote socket's client got %s, want a DISCONNECT", got)
	}
}

// inRoom checks, from every server, that the members of room are ids.
func inRoom(c *cluster, room string, ids ...string) error {
	for i, srv := range c.servers {
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
			return fmt.Errorf("server %d sees %v in %s, want %v", i, got, room, want)
		}
	}
	return nil
}

func testSocketsJoinLeave(t *testing.T, c *cluster) {
	ctx := context.Background()
	last := len(c.servers) - 1
	if err := c.servers[last].In("server-0").SocketsJoin(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "server 0's socket joins", func() error { return inRoom(c, "team", c.ids[0]) })
	if err := c.servers[0].SocketsJoin(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every socket joins", func() error { return inRoom(c, "team", c.ids...) })
	if err := c.servers[0].To("team").Emit("team"); err != nil {
		t.Fatal(err)
	}
	c.received(t, 0, c.each(`42["team"]`)...)
	if err := c.servers[0].In("team").Except("server-0").SocketsLeave(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all but server 0's socket leave", func() error { return inRoom(c, "team", c.ids[0]) })
}

func testDisconnectSockets(t *testing.T, c *cluster) {
	ctx := context.Background()
	last := len(c.servers) - 1
	if err := c.servers[0].In(fmt.Sprintf("server-%d", last)).DisconnectSockets(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.clients[last].Read(); got != "41" {
		t.Fatalf("client of server %d got %s, want a DISCONNECT", last, got)
	}
	if last == 0 {
		return
	}
	if err := c.servers[last].In("server-0").CloseSockets(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.clients[0].Read(); got != "41" {
		t.Fatalf("client of server 0 got %s, want a DISCONNECT", got)
	}
	c.clients[0].WantClosed()
}

func testServerSideEmit(t *testing.T, c *cluster) {
	got := make(chan string, 2*len(c.servers))
	for i, srv := range c.servers {
		srv.Of("/").OnServerSideEmit(func(event string, args socketio.Args, ack func(...any)) {
			var n int
			args.Decode(0, &n)
			got <- fmt.Sprintf("%d got %s %d", i, event, n)
			if ack != nil {
				ack(fmt.Sprintf("answer of %d", i), "ignored")
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.servers[0].Of("/").ServerSideEmit(ctx, "ping", 42); err != nil {
		t.Fatal(err)
	}
	var heard []string
	for range len(c.servers) - 1 {
		select {
		case s := <-got:
			heard = append(heard, s)
		case <-ctx.Done():
			t.Fatalf("heard %v, then nothing", heard)
		}
	}
	slices.Sort(heard)
	var want []string
	for i := 1; i < len(c.servers); i++ {
		want = append(want, fmt.Sprintf("%d got ping 42", i))
	}
	if !slices.Equal(heard, want) {
		t.Fatalf("heard %v, want %v", heard, want)
	}
	answers, err := c.servers[1].Of("/").ServerSideEmitWithAck(ctx, "ask", 7)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, a := range answers {
		var s string
		if a.Len() != 1 || a.Decode(0, &s) != nil {
			t.Fatalf("answer %s, want one string (the first argument only)", a.Raw(0))
		}
		texts = append(texts, s)
	}
	slices.Sort(texts)
	want = nil
	for i := range c.servers {
		if i != 1 {
			want = append(want, fmt.Sprintf("answer of %d", i))
		}
	}
	if !slices.Equal(texts, want) {
		t.Fatalf("answers %v, want %v", texts, want)
	}
}

func testServerSideEmitTimeout(t *testing.T, c *cluster) {
	// Server 1 never answers; the others do.
	for i, srv := range c.servers {
		srv.Of("/").OnServerSideEmit(func(event string, args socketio.Args, ack func(...any)) {
			if i != 1 && ack != nil {
				ack(i)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	answers, err := c.servers[0].Of("/").ServerSideEmitWithAck(ctx, "ask")
	var te *adapter.TimeoutError
	if !errors.As(err, &te) || te.Want != len(c.servers)-1 || te.Got != len(c.servers)-2 {
		t.Fatalf("ServerSideEmitWithAck = %v, want a TimeoutError with %d of %d answers", err, len(c.servers)-2, len(c.servers)-1)
	}
	if len(answers) != len(c.servers)-2 {
		t.Fatalf("%d answers with the timeout, want %d", len(answers), len(c.servers)-2)
	}
}
