package adapter_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/adapter/adaptertest"
	"github.com/ab218a8d/socketio/parser"
)

func TestMemoryConformance(t *testing.T) {
	adaptertest.Run(t, 1, func(t *testing.T) func() adapter.Factory {
		return func() adapter.Factory { return adapter.NewMemory }
	})
}

func TestClusterConformance(t *testing.T) {
	t.Run("Counted", func(t *testing.T) {
		adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
			return newMemNet(t, true).factory
		})
	})
	t.Run("Heartbeats", func(t *testing.T) {
		adaptertest.Run(t, 3, func(t *testing.T) func() adapter.Factory {
			return newMemNet(t, false).factory
		})
	})
}

// memNet is a cluster's transport in memory: each server's adapter of a
// namespace is a node, with its own queue and goroutine, so that messages
// cross in order but asynchronously, as they do over a network.
type memNet struct {
	t       testing.TB
	counted bool          // count the servers with the net, not with heartbeats
	timeout time.Duration // the nodes' RequestsTimeout

	mu    sync.Mutex
	nodes map[string]*memNode // guarded by mu: by uid
}

func newMemNet(t testing.TB, counted bool) *memNet {
	return &memNet{t: t, counted: counted, timeout: 2 * time.Second, nodes: make(map[string]*memNode)}
}

// factory makes the adapter factory of one more server.
func (n *memNet) factory() adapter.Factory {
	return func(nsp adapter.Namespace) adapter.Adapter {
		node := &memNode{
			net:    n,
			uid:    adapter.RandomID(8),
			nsp:    nsp.Name(),
			wake:   make(chan struct{}, 1),
			stop:   make(chan struct{}),
			done:   make(chan struct{}),
			joined: make(chan struct{}),
		}
		n.mu.Lock()
		n.nodes[node.uid] = node
		n.mu.Unlock()
		opts := &adapter.ClusterOptions{
			UID:               node.uid,
			RequestsTimeout:   n.timeout,
			HeartbeatInterval: 200 * time.Millisecond,
			HeartbeatTimeout:  time.Second,
		}
		if n.counted {
			opts.ServerCount = node.serverCount
		}
		node.Cluster = adapter.NewCluster(nsp, node, opts)
		close(node.joined)
		go node.deliver()
		return node
	}
}

type memNode struct {
	*adapter.Cluster
	net    *memNet
	uid    string
	nsp    string
	joined chan struct{} // closed once Cluster is set

	mu      sync.Mutex
	queue   []*adapter.Message // guarded by mu
	crashed bool               // guarded by mu: publishes nothing
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

func (b *memNode) Publish(ctx context.Context, m *adapter.Message) error {
	if b.isCrashed() {
		return ctx.Err()
	}
	b.net.mu.Lock()
	defer b.net.mu.Unlock()
	for _, o := range b.net.nodes {
		if o.nsp == b.nsp {
			o.push(m)
		}
	}
	return ctx.Err()
}

func (b *memNode) PublishResponse(ctx context.Context, uid string, m *adapter.Message) error {
	if b.isCrashed() {
		return ctx.Err()
	}
	b.net.mu.Lock()
	defer b.net.mu.Unlock()
	if o := b.net.nodes[uid]; o != nil {
		o.push(m)
	}
	return ctx.Err()
}

func (b *memNode) serverCount(ctx context.Context) (int, error) {
	b.net.mu.Lock()
	defer b.net.mu.Unlock()
	n := 0
	for _, o := range b.net.nodes {
		if o.nsp == b.nsp {
			n++
		}
	}
	return n, ctx.Err()
}

// push queues a copy of m: what the sender does with m afterwards does
// not change what the others receive.
func (b *memNode) push(m *adapter.Message) {
	c := *m
	if m.Packet != nil {
		p := *m.Packet
		p.Data = bytes.Clone(p.Data)
		p.Attachments = nil
		for _, a := range m.Packet.Attachments {
			p.Attachments = append(p.Attachments, bytes.Clone(a))
		}
		c.Packet = &p
	}
	c.Rooms = slices.Clone(m.Rooms)
	c.Sockets = slices.Clone(m.Sockets)
	b.mu.Lock()
	b.queue = append(b.queue, &c)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *memNode) deliver() {
	defer close(b.done)
	<-b.joined
	for {
		select {
		case <-b.stop:
			return
		case <-b.wake:
		}
		b.mu.Lock()
		q := b.queue
		b.queue = nil
		b.mu.Unlock()
		for _, m := range q {
			b.Cluster.Receive(m)
		}
	}
}

// Close leaves the net, then closes the Cluster.
func (b *memNode) Close() error {
	var err error
	b.closing.Do(func() {
		err = b.Cluster.Close()
		b.net.mu.Lock()
		delete(b.net.nodes, b.uid)
		b.net.mu.Unlock()
		close(b.stop)
		<-b.done
	})
	return err
}

func (b *memNode) isCrashed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.crashed
}

// crash makes the node fall silent, as a server that dies does: it leaves
// the net without a word and publishes nothing more.
func (b *memNode) crash() {
	b.mu.Lock()
	b.crashed = true
	b.mu.Unlock()
	b.net.mu.Lock()
	delete(b.net.nodes, b.uid)
	b.net.mu.Unlock()
}

// answering is a namespace that answers every server-side emit with its
// name.
type answering struct {
	*fakeNamespace
	name string
}

func (a answering) ServerSideEvent(event string, args parser.Args, ack func(parser.Args)) {
	if ack != nil {
		ack(parser.NewArgs([]byte(`["`+a.name+`"]`), nil))
	}
}

// nodes starts n adapters of "/" on net, each on a namespace answering
// with its index, and closes them when the test ends.
func (n *memNet) start(t *testing.T, count int) []*memNode {
	var out []*memNode
	for i := range count {
		node := n.factory()(answering{newFake(), strconv.Itoa(i)}).(*memNode)
		t.Cleanup(func() { node.Close() })
		out = append(out, node)
	}
	for _, node := range out {
		waitFor(t, "every server hears the others", func() bool {
			got, err := node.ServerCount(context.Background())
			return err == nil && got == count
		})
	}
	return out
}

func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !f(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func answers(t *testing.T, got []parser.Args) []string {
	t.Helper()
	var out []string
	for _, a := range got {
		var s string
		if err := a.Decode(0, &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// A request stops waiting for a server that leaves (AdapterClose) or that
// falls silent for HeartbeatTimeout, instead of timing out.
func TestClusterForgetsGoneServers(t *testing.T) {
	for _, crash := range []bool{false, true} {
		t.Run(map[bool]string{false: "Closed", true: "Crashed"}[crash], func(t *testing.T) {
			net := newMemNet(t, false)
			net.timeout = time.Minute
			nodes := net.start(t, 3)
			if crash {
				nodes[2].crash()
			} else {
				nodes[2].Close()
			}
			start := time.Now()
			got, err := nodes[0].ServerSideEmitWithAck(context.Background(), "q", parser.NewArgs([]byte(`[]`), nil))
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"1"}; !slices.Equal(answers(t, got), want) {
				t.Fatalf("answers %v, want %v", answers(t, got), want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("the request waited %v for a server that is gone", d)
			}
			if n, _ := nodes[0].ServerCount(context.Background()); n != 2 {
				t.Fatalf("ServerCount = %d after a server left, want 2", n)
			}
		})
	}
}

// What a server cannot act on is logged and dropped: no panic, nothing
// written to a socket, no answer.
func TestClusterReceiveBadInput(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	f := newFake()
	bus := &recordingBus{}
	c := adapter.NewCluster(f, bus, &adapter.ClusterOptions{
		UID:         "me",
		ServerCount: func(context.Context) (int, error) { return 2, nil },
		Logger:      slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	defer c.Close()
	c.AddAll("s1", []string{"s1", "room"})
	event := &parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(`["x"]`)}
	for _, m := range []*adapter.Message{
		{Type: adapter.Broadcast, UID: "me", Packet: event},                     // our own
		{Type: adapter.Broadcast, UID: "other", Namespace: "/b", Packet: event}, // another namespace
		{Type: adapter.Broadcast, UID: "other"},                                 // no packet
		{Type: adapter.MessageType(99), UID: "other"},                           // unknown
		{Type: adapter.FetchSocketsResponse, UID: "other", RequestID: "nope"},
		{Type: adapter.ServerSideEmitResponse, UID: "other", RequestID: "nope"},
		{Type: adapter.BroadcastAck, UID: "other", RequestID: "nope"},
		{Type: adapter.BroadcastClientCount, UID: "other", RequestID: "nope", ClientCount: 3},
		{Type: adapter.Heartbeat, UID: "other"},
	} {
		c.Receive(m)
	}
	if len(f.written) != 0 || len(bus.published()) != 0 {
		t.Fatalf("wrote %v, published %v", f.written, bus.published())
	}
	logMu.Lock()
	defer logMu.Unlock()
	for _, want := range []string{"a broadcast without a packet", "unknown cluster message", "an answer to no request of ours", "an answer to no broadcast of ours"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	// A well-formed broadcast from another server is delivered.
	c.Receive(&adapter.Message{Type: adapter.Broadcast, UID: "other", Namespace: "/", Packet: event, Opts: adapter.BroadcastOptions{Rooms: []string{"room"}}})
	if got := f.written["s1"]; len(got) != 1 {
		t.Fatalf("s1 got %v, want the broadcast", got)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// recordingBus records what a Cluster publishes.
type recordingBus struct {
	mu   sync.Mutex
	msgs []*adapter.Message
}

func (b *recordingBus) Publish(ctx context.Context, m *adapter.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	return nil
}

func (b *recordingBus) PublishResponse(ctx context.Context, uid string, m *adapter.Message) error {
	return b.Publish(ctx, m)
}

func (b *recordingBus) published() []*adapter.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.msgs)
}
