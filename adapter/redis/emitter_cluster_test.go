package redis_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	redisadapter "github.com/ab218a8d/socketio/adapter/redis"
	"github.com/ab218a8d/socketio/adapter/redis/internal/nodepeer"
	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
	"github.com/ab218a8d/socketio/internal/wsclient"
	"github.com/ab218a8d/socketio/parser"
)

// The emitter's operations, done by a Go or a Node emitter, reach the
// sockets of Go or Node servers. Each scenario runs on two servers of a
// cluster of its own (its own Key) on one redis-server, with the clients
// of layout.

func TestGoEmitterToGoServers(t *testing.T) {
	srv := redistest.Start(t)
	runEmitterScenarios(t,
		func(t *testing.T, key string) servers { return startGoServers(t, srv.Addr(), key) },
		func(t *testing.T, key string) emitterDriver {
			return goDriver{redisadapter.NewEmitter(newClient(t, srv.Addr()), &redisadapter.EmitterOptions{Key: key})}
		})
}

func TestGoEmitterToNodeServers(t *testing.T) {
	srv := redistest.Start(t)
	peer := nodepeer.Start(t)
	runEmitterScenarios(t,
		func(t *testing.T, key string) servers { return startNodeServers(t, peer, "redis://"+srv.Addr(), key) },
		func(t *testing.T, key string) emitterDriver {
			return goDriver{redisadapter.NewEmitter(newClient(t, srv.Addr()), &redisadapter.EmitterOptions{Key: key})}
		})
}

func TestNodeEmitterToGoServers(t *testing.T) {
	srv := redistest.Start(t)
	peer := nodepeer.Start(t)
	runEmitterScenarios(t,
		func(t *testing.T, key string) servers { return startGoServers(t, srv.Addr(), key) },
		func(t *testing.T, key string) emitterDriver {
			return nodeDriver{peer.StartEmitter(t, nodepeer.EmitterConfig{Name: key, Redis: "redis://" + srv.Addr(), Options: map[string]any{"key": key}})}
		})
}

// The clients of each scenario's cluster, by name. e shares b's
// connection: closing b's closes e's.
var layout = []struct {
	name   string
	server int
	nsp    string
	rooms  []string
	with   string // the client whose connection this one shares
}{
	{"a", 0, "/", []string{"room1"}, ""},
	{"b", 1, "/", []string{"room1", "room3"}, ""},
	{"c", 1, "/", nil, ""},
	{"d", 0, "/admin", nil, ""},
	{"e", 1, "/admin", nil, "b"},
}

// servers are the two servers of a scenario and their clients.
type servers interface {
	// received returns the events the client got since the previous
	// call, up to an event "mark" that the scenario sent after them:
	// `name args`, args as JSON, binary as {"$bin":"<hex>"}.
	received(t *testing.T, client string) []string
	// disconnected waits until the server disconnects the client's
	// socket, and, if closed, closes its connection (the other sockets
	// of the connection are disconnected first: they are to be checked
	// with disconnected(t, other, false)). Servers send the DISCONNECT
	// packet either way, so that Node clients see "io server disconnect"
	// either way.
	disconnected(t *testing.T, client string, closed bool)
	// serverSideEmits waits for n server-side events, and returns them
	// sorted: `<server index> <nsp> <name> <args>`.
	serverSideEmits(t *testing.T, n int) []string
}

// emitterDriver does an emitter's operations.
type emitterDriver interface {
	emit(t *testing.T, sel nodepeer.Selector, event string, args ...any)
	socketsJoin(t *testing.T, sel nodepeer.Selector, rooms ...string)
	socketsLeave(t *testing.T, sel nodepeer.Selector, rooms ...string)
	disconnectSockets(t *testing.T, sel nodepeer.Selector, close bool)
	serverSideEmit(t *testing.T, nsp, event string, args ...any)
	// keepsBinary is whether a server-side emit's []byte arrives as
	// binary (the Go emitter), or as {"type":"Buffer","data":[..]} (the
	// reference's JSON).
	keepsBinary() bool
}

func runEmitterScenarios(t *testing.T, newServers func(*testing.T, string) servers, newEmitter func(*testing.T, string) emitterDriver) {
	for i, sc := range emitterScenarios {
		t.Run(sc.name, func(t *testing.T) {
			key := "k" + strconv.Itoa(i)
			sc.f(t, newServers(t, key), newEmitter(t, key))
		})
	}
}

// check marks the namespaces of the clients of want, and checks that each
// got what want says before the mark. Every client still connected to a
// marked namespace must be in want.
func check(t *testing.T, s servers, e emitterDriver, want map[string][]string) {
	t.Helper()
	marked := map[string]bool{}
	for _, c := range layout {
		if _, ok := want[c.name]; ok && !marked[c.nsp] {
			marked[c.nsp] = true
			e.emit(t, nodepeer.Selector{Nsp: c.nsp}, "mark")
		}
	}
	for _, c := range layout {
		w, ok := want[c.name]
		if !ok {
			continue
		}
		if got := s.received(t, c.name); !slices.Equal(got, w) {
			t.Errorf("client %s got %q, want %q", c.name, got, w)
		}
	}
}

// settle waits until both servers have handled the requests (joins,
// leaves, disconnections) published so far in nsp: a server-side emit
// published after them comes after them, on the same channel. Broadcasts
// come on other channels, and a Go server may handle them before
// requests published earlier (see the commit that added this test).
func settle(t *testing.T, s servers, e emitterDriver, nsp string) {
	t.Helper()
	e.serverSideEmit(t, nsp, "settle")
	want := []string{"0 " + nsp + " settle []", "1 " + nsp + " settle []"}
	if got := s.serverSideEmits(t, 2); !slices.Equal(got, want) {
		t.Fatalf("server-side events %q, want %q", got, want)
	}
}

var emitterScenarios = []struct {
	name string
	f    func(t *testing.T, s servers, e emitterDriver)
}{
	{"EmitToAll", func(t *testing.T, s servers, e emitterDriver) {
		e.emit(t, nodepeer.Selector{}, "hello", "world", 1.5, nil, []any{true, "x"})
		all := []string{`hello ["world",1.5,null,[true,"x"]]`}
		check(t, s, e, map[string][]string{"a": all, "b": all, "c": all, "d": nil, "e": nil})
	}},
	{"EmitToARoom", func(t *testing.T, s servers, e emitterDriver) {
		e.emit(t, nodepeer.Selector{Rooms: []string{"room1"}}, "r", 1)
		e.emit(t, nodepeer.Selector{Rooms: []string{"room3", "nobody"}}, "r3")
		check(t, s, e, map[string][]string{"a": {`r [1]`}, "b": {`r [1]`, `r3 []`}, "c": nil})
	}},
	{"EmitExcept", func(t *testing.T, s servers, e emitterDriver) {
		e.emit(t, nodepeer.Selector{Rooms: []string{"room1"}, Except: []string{"room3"}}, "x1")
		e.emit(t, nodepeer.Selector{Except: []string{"room1"}}, "x2")
		check(t, s, e, map[string][]string{"a": {`x1 []`}, "b": nil, "c": {`x2 []`}})
	}},
	{"EmitToANamespace", func(t *testing.T, s servers, e emitterDriver) {
		e.emit(t, nodepeer.Selector{Nsp: "/admin"}, "adm", map[string]any{"k": "v"})
		adm := []string{`adm [{"k":"v"}]`}
		check(t, s, e, map[string][]string{"a": nil, "b": nil, "c": nil, "d": adm, "e": adm})
	}},
	{"EmitBinary", func(t *testing.T, s servers, e emitterDriver) {
		e.emit(t, nodepeer.Selector{}, "bin", []byte{1, 2, 3}, map[string]any{"nested": []byte{4, 5}})
		all := []string{`bin [{"$bin":"010203"},{"nested":{"$bin":"0405"}}]`}
		check(t, s, e, map[string][]string{"a": all, "b": all, "c": all})
	}},
	{"EmitNotCompressed", func(t *testing.T, s servers, e emitterDriver) {
		no := false
		e.emit(t, nodepeer.Selector{Rooms: []string{"room3"}, Compress: &no}, "plain")
		check(t, s, e, map[string][]string{"a": nil, "b": {`plain []`}, "c": nil})
	}},
	{"SocketsJoinLeave", func(t *testing.T, s servers, e emitterDriver) {
		e.socketsJoin(t, nodepeer.Selector{Rooms: []string{"room3"}}, "r9")
		e.socketsJoin(t, nodepeer.Selector{Except: []string{"room1"}}, "r8", "r7")
		e.socketsJoin(t, nodepeer.Selector{Nsp: "/admin"}, "r9")
		settle(t, s, e, "/")
		settle(t, s, e, "/admin")
		e.emit(t, nodepeer.Selector{Rooms: []string{"r9"}}, "in9")
		e.emit(t, nodepeer.Selector{Rooms: []string{"r7"}}, "in7")
		e.emit(t, nodepeer.Selector{Nsp: "/admin", Rooms: []string{"r9"}}, "adm9")
		check(t, s, e, map[string][]string{"a": nil, "b": {`in9 []`}, "c": {`in7 []`}, "d": {`adm9 []`}, "e": {`adm9 []`}})
		e.socketsLeave(t, nodepeer.Selector{}, "r9", "r7")
		settle(t, s, e, "/")
		e.emit(t, nodepeer.Selector{Rooms: []string{"r9"}}, "in9")
		e.emit(t, nodepeer.Selector{Rooms: []string{"r7"}}, "in7")
		e.emit(t, nodepeer.Selector{Rooms: []string{"r8"}}, "in8")
		check(t, s, e, map[string][]string{"a": nil, "b": nil, "c": {`in8 []`}})
	}},
	{"DisconnectSockets", func(t *testing.T, s servers, e emitterDriver) {
		e.disconnectSockets(t, nodepeer.Selector{Rooms: []string{"room3"}}, false)
		s.disconnected(t, "b", false)
		// e, on b's connection, is still there.
		check(t, s, e, map[string][]string{"a": nil, "c": nil, "d": nil, "e": nil})
		e.disconnectSockets(t, nodepeer.Selector{Nsp: "/admin", Except: []string{"room1"}}, false)
		s.disconnected(t, "d", false)
		s.disconnected(t, "e", false)
		check(t, s, e, map[string][]string{"a": nil, "c": nil})
	}},
	{"CloseSockets", func(t *testing.T, s servers, e emitterDriver) {
		e.disconnectSockets(t, nodepeer.Selector{Rooms: []string{"room3"}}, true)
		s.disconnected(t, "b", true)
		s.disconnected(t, "e", false) // the connection is gone
		check(t, s, e, map[string][]string{"a": nil, "c": nil, "d": nil})
	}},
	{"ServerSideEmit", func(t *testing.T, s servers, e emitterDriver) {
		e.serverSideEmit(t, "/", "ping", 42, "x", map[string]any{"k": []any{1}})
		want := []string{`0 / ping [42,"x",{"k":[1]}]`, `1 / ping [42,"x",{"k":[1]}]`}
		if got := s.serverSideEmits(t, 2); !slices.Equal(got, want) {
			t.Errorf("server-side events %q, want %q", got, want)
		}
		e.serverSideEmit(t, "/admin", "bin", []byte{1, 2})
		arg := `{"$bin":"0102"}`
		if !e.keepsBinary() {
			arg = `{"data":[1,2],"type":"Buffer"}`
		}
		want = []string{`0 /admin bin [` + arg + `]`, `1 /admin bin [` + arg + `]`}
		if got := s.serverSideEmits(t, 2); !slices.Equal(got, want) {
			t.Errorf("server-side events %q, want %q", got, want)
		}
	}},
}

// canonical renders v, decoded from JSON with []byte for binary, as JSON
// with {"$bin":"<hex>"} for binary and sorted keys: as nodepeer reports
// values.
func canonical(v any) string {
	var conv func(v any) any
	conv = func(v any) any {
		switch x := v.(type) {
		case []byte:
			return map[string]any{"$bin": hex.EncodeToString(x)}
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = conv(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = conv(e)
			}
			return out
		}
		return v
	}
	b, err := json.Marshal(conv(v))
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}

func canonicalArgs(a parser.Args) string {
	vs, err := a.Values()
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	if vs == nil {
		vs = []any{}
	}
	return canonical(vs)
}

// ---- Go servers ----

type goServers struct {
	clients map[string]goClient
	ss      chan string
}

// goClient is one socket of a connection, which others may share.
type goClient struct {
	conn *goConn
	nsp  string
}

type goConn struct {
	ws      *wsclient.Client
	nsps    []string
	pending map[string][]string // by namespace: events read for another namespace
}

// disconnect stands for a DISCONNECT packet among a client's events.
const disconnect = "<disconnect>"

func startGoServers(t *testing.T, redisAddr, key string) servers {
	g := &goServers{clients: map[string]goClient{}, ss: make(chan string, 16)}
	var addrs [2]string
	for i := range addrs {
		srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.NewAdapter(newClient(t, redisAddr), &redisadapter.Options{Key: key})})
		for _, name := range []string{"/", "/admin"} {
			nsp := srv.Of(name)
			nsp.OnConnection(func(s *socketio.Socket) {
				var auth struct {
					Rooms []string `json:"rooms"`
				}
				s.Handshake().BindAuth(&auth)
				s.Join(auth.Rooms...)
				s.Emit("ready") // the CONNECT reply went before this handler
			})
			nsp.OnServerSideEmit(func(event string, args socketio.Args, ack func(...any)) {
				g.ss <- fmt.Sprintf("%d %s %s %s", i, name, event, canonicalArgs(args))
			})
		}
		addrs[i] = wsclient.Start(t, srv)
	}
	for _, c := range layout {
		var conn *goConn
		if c.with != "" {
			conn = g.clients[c.with].conn
		} else {
			conn = &goConn{ws: wsclient.Dial(t, wsclient.URL(addrs[c.server]), nil), pending: map[string][]string{}}
		}
		auth, _ := json.Marshal(map[string]any{"rooms": c.rooms})
		conn.ws.Connect(c.nsp, string(auth))
		conn.nsps = append(conn.nsps, c.nsp)
		g.clients[c.name] = goClient{conn, c.nsp}
		if got := g.read(t, c.name); got != "ready []" {
			t.Fatalf("client %s got %s, want ready", c.name, got)
		}
	}
	return g
}

// read returns the client's next event (`name args`, or disconnect),
// keeping those of the connection's other sockets read on the way.
func (g *goServers) read(t *testing.T, client string) string {
	t.Helper()
	c := g.clients[client]
	for {
		if q := c.conn.pending[c.nsp]; len(q) > 0 {
			c.conn.pending[c.nsp] = q[1:]
			return q[0]
		}
		nsp, ev := c.conn.next(t)
		if nsp == c.nsp {
			return ev
		}
		c.conn.pending[nsp] = append(c.conn.pending[nsp], ev)
	}
}

// next reads the connection's next event, with its namespace.
func (c *goConn) next(t *testing.T) (nsp, event string) {
	t.Helper()
	text := c.ws.Read()
	rest, ok := strings.CutPrefix(text, "4")
	if !ok || rest == "" {
		t.Fatalf("got %q, want a Socket.IO packet", text)
	}
	typ, rest := rest[0], rest[1:]
	attachments := 0
	if typ == '5' {
		n, tail, ok := strings.Cut(rest, "-")
		if attachments, _ = strconv.Atoi(n); !ok || attachments <= 0 {
			t.Fatalf("got %q", text)
		}
		rest = tail
	}
	nsp = "/"
	if strings.HasPrefix(rest, "/") {
		if nsp, rest, ok = strings.Cut(rest, ","); !ok {
			nsp, rest = rest, ""
		}
	}
	switch typ {
	case '1':
		return nsp, disconnect
	case '2', '5':
	default:
		t.Fatalf("got %q, want an event or a disconnection", text)
	}
	var atts [][]byte
	for range attachments {
		atts = append(atts, c.ws.ReadBinary())
	}
	args := parser.NewArgs([]byte(rest), atts)
	var name string
	if err := args.Decode(0, &name); err != nil {
		t.Fatalf("got %q: %v", text, err)
	}
	return nsp, name + " " + canonicalArgs(args.Slice(1))
}

func (g *goServers) received(t *testing.T, client string) []string {
	t.Helper()
	var out []string
	for {
		ev := g.read(t, client)
		if ev == "mark []" {
			return out
		}
		out = append(out, ev)
	}
}

func (g *goServers) disconnected(t *testing.T, client string, closed bool) {
	t.Helper()
	if ev := g.read(t, client); ev != disconnect {
		t.Fatalf("client %s got %s, want a disconnection", client, ev)
	}
	if !closed {
		return
	}
	// The other sockets of the connection are disconnected first, then
	// the connection is closed.
	c := g.clients[client].conn
	for _, nsp := range c.nsps {
		if slices.Contains(c.pending[nsp], disconnect) || nsp == g.clients[client].nsp {
			continue
		}
		for {
			got, ev := c.next(t)
			c.pending[got] = append(c.pending[got], ev)
			if got == nsp && ev == disconnect {
				break
			}
		}
	}
	c.ws.WantClosed()
}

func (g *goServers) serverSideEmits(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for range n {
		select {
		case s := <-g.ss:
			out = append(out, s)
		case <-time.After(5 * time.Second):
			t.Fatalf("%d server-side events of %d: %q", len(out), n, out)
		}
	}
	select {
	case s := <-g.ss:
		t.Errorf("one server-side event too many: %s", s)
	case <-time.After(50 * time.Millisecond):
	}
	slices.Sort(out)
	return out
}

// ---- Node servers ----

type nodeServers struct {
	peer   *nodepeer.Peer
	key    string
	marks  map[string]int // by client: the peer's events up to here are read
	ssMark int
}

func startNodeServers(t *testing.T, peer *nodepeer.Peer, redisURL, key string) servers {
	n := &nodeServers{peer: peer, key: key, marks: map[string]int{}}
	var urls [2]string
	for i := range urls {
		s := peer.StartServer(t, nodepeer.ServerConfig{
			Name: key + "-" + strconv.Itoa(i), Redis: redisURL,
			Options: map[string]any{"key": key}, Namespaces: []string{"/admin"},
		})
		urls[i] = s.URL
	}
	start := peer.Mark()
	shared := map[string]bool{}
	for _, c := range layout {
		shared[c.with] = true
	}
	for _, c := range layout {
		cfg := nodepeer.ClientConfig{Nsp: c.nsp, Transports: []string{"websocket"}, Auth: map[string]any{"rooms": c.rooms}}
		if shared[c.name] || c.with != "" {
			// One Manager, so one connection, for the sockets of one
			// URL that are not forced apart.
			cfg.Options = map[string]any{"forceNew": false}
		}
		peer.Client(t, key+"-"+c.name, urls[c.server], cfg)
		n.marks[c.name] = start
	}
	n.ssMark = start
	return n
}

func (n *nodeServers) received(t *testing.T, client string) []string {
	t.Helper()
	full := n.key + "-" + client
	n.peer.WaitEventAfter(t, n.marks[client], nodepeer.Match("recv", "client", full, "name", "mark"), 5*time.Second)
	var out []string
	evs := n.peer.Events()
	for i := n.marks[client]; i < len(evs); i++ {
		e := evs[i]
		if e.Name != "recv" || e.Str("client") != full {
			continue
		}
		if e.Str("name") == "mark" {
			n.marks[client] = i + 1
			return out
		}
		out = append(out, e.Str("name")+" "+canonical(e.Value("args")))
	}
	t.Fatalf("client %s: the mark is gone", client)
	return nil
}

// disconnected cannot tell a closed connection: the Node client reports
// "io server disconnect" either way. Its other sockets can.
func (n *nodeServers) disconnected(t *testing.T, client string, closed bool) {
	t.Helper()
	n.peer.WaitEventAfter(t, n.marks[client], nodepeer.Match("disconnect", "client", n.key+"-"+client, "reason", "io server disconnect"), 5*time.Second)
}

func (n *nodeServers) serverSideEmits(t *testing.T, want int) []string {
	t.Helper()
	ours := func(e nodepeer.Event) bool {
		return e.Name == "serverSideEmit" && strings.HasPrefix(e.Str("server"), n.key+"-")
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(n.peer.Find(n.ssMark, ours)) < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // one too many would be here by now
	mark := n.peer.Mark()
	var out []string
	for _, e := range n.peer.Find(n.ssMark, ours) {
		out = append(out, fmt.Sprintf("%s %s %s %s", strings.TrimPrefix(e.Str("server"), n.key+"-"), e.Str("nsp"), e.Str("name"), canonical(e.Value("args"))))
	}
	n.ssMark = mark
	slices.Sort(out)
	return out
}

// ---- emitters ----

type goDriver struct{ e redisadapter.Emitter }

func (d goDriver) op(sel nodepeer.Selector) redisadapter.BroadcastOperator {
	b := d.e.Of(sel.Nsp).To(sel.Rooms...).Except(sel.Except...)
	if sel.Volatile {
		b = b.Volatile()
	}
	if sel.Compress != nil {
		b = b.Compress(*sel.Compress)
	}
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (d goDriver) emit(t *testing.T, sel nodepeer.Selector, event string, args ...any) {
	t.Helper()
	must(t, d.op(sel).Emit(context.Background(), event, args...))
}

func (d goDriver) socketsJoin(t *testing.T, sel nodepeer.Selector, rooms ...string) {
	t.Helper()
	must(t, d.op(sel).SocketsJoin(context.Background(), rooms...))
}

func (d goDriver) socketsLeave(t *testing.T, sel nodepeer.Selector, rooms ...string) {
	t.Helper()
	must(t, d.op(sel).SocketsLeave(context.Background(), rooms...))
}

func (d goDriver) disconnectSockets(t *testing.T, sel nodepeer.Selector, close bool) {
	t.Helper()
	if close {
		must(t, d.op(sel).CloseSockets(context.Background()))
		return
	}
	must(t, d.op(sel).DisconnectSockets(context.Background()))
}

func (d goDriver) serverSideEmit(t *testing.T, nsp, event string, args ...any) {
	t.Helper()
	must(t, d.e.Of(nsp).ServerSideEmit(context.Background(), event, args...))
}

func (goDriver) keepsBinary() bool { return true }

type nodeDriver struct{ e *nodepeer.Emitter }

func (d nodeDriver) emit(t *testing.T, sel nodepeer.Selector, event string, args ...any) {
	t.Helper()
	d.e.Emit(t, sel, event, args...)
}

func (d nodeDriver) socketsJoin(t *testing.T, sel nodepeer.Selector, rooms ...string) {
	t.Helper()
	d.e.SocketsJoin(t, sel, rooms...)
}

func (d nodeDriver) socketsLeave(t *testing.T, sel nodepeer.Selector, rooms ...string) {
	t.Helper()
	d.e.SocketsLeave(t, sel, rooms...)
}

func (d nodeDriver) disconnectSockets(t *testing.T, sel nodepeer.Selector, close bool) {
	t.Helper()
	d.e.DisconnectSockets(t, sel, close)
}

func (d nodeDriver) serverSideEmit(t *testing.T, nsp, event string, args ...any) {
	t.Helper()
	d.e.ServerSideEmit(t, nsp, event, args...)
}

func (nodeDriver) keepsBinary() bool { return false }
