package adapter_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/parser"
)

// fakeNamespace records what the adapter asks of it.
type fakeNamespace struct {
	mu      sync.Mutex
	written map[string][]string
	events  []string
	acks    map[string]func(parser.Args)
	gone    map[string]bool
	nextID  uint64
	discon  []string
}

func newFake() *fakeNamespace {
	return &fakeNamespace{written: map[string][]string{}, acks: map[string]func(parser.Args){}, gone: map[string]bool{}}
}

func (f *fakeNamespace) Name() string          { return "/" }
func (f *fakeNamespace) Parser() parser.Parser { return parser.Default }
func (f *fakeNamespace) NextAckID() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return f.nextID - 1
}
func (f *fakeNamespace) Write(ids []string, p *parser.Packet, frames []parser.Frame, flags adapter.Flags) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, id := range ids {
		if f.gone[id] {
			continue
		}
		f.written[id] = append(f.written[id], string(frames[0].Data))
		n++
	}
	return n
}
func (f *fakeNamespace) ExpectAck(id string, ackID uint64, fn func(parser.Args)) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acks[id] = fn
	return !f.gone[id]
}
func (f *fakeNamespace) CancelAck(id string, ackID uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.acks, id)
}
func (f *fakeNamespace) Disconnect(id string, how adapter.Disconnection) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.discon = append(f.discon, id)
}
func (f *fakeNamespace) SocketInfo(id string) (adapter.SocketInfo, bool) {
	return adapter.SocketInfo{ID: id}, true
}
func (f *fakeNamespace) ServerSideEvent(string, parser.Args, func(parser.Args)) {}
func (f *fakeNamespace) RoomChanged(ev adapter.RoomEvent, room, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev.String()+" "+room+" "+id)
}

func sorted(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }

func TestMemoryMembership(t *testing.T) {
	f := newFake()
	m := adapter.NewMemory(f)
	m.AddAll("a", []string{"a", "r1", "r2"})
	m.AddAll("b", []string{"b", "r1"})
	m.AddAll("a", []string{"r1"}) // already in
	if got := sorted(m.SocketRooms("a")); !slices.Equal(got, []string{"a", "r1", "r2"}) {
		t.Fatalf("rooms of a = %v", got)
	}
	if got := sorted(m.Rooms()); !slices.Equal(got, []string{"a", "b", "r1", "r2"}) {
		t.Fatalf("rooms = %v", got)
	}
	tests := []struct {
		opts adapter.BroadcastOptions
		want []string
	}{
		{adapter.BroadcastOptions{}, []string{"a", "b"}},
		{adapter.BroadcastOptions{Rooms: []string{"r1"}}, []string{"a", "b"}},
		{adapter.BroadcastOptions{Rooms: []string{"r2", "b"}}, []string{"a", "b"}},
		{adapter.BroadcastOptions{Rooms: []string{"r1"}, Except: []string{"r2"}}, []string{"b"}},
		{adapter.BroadcastOptions{Except: []string{"a"}}, []string{"b"}},
		{adapter.BroadcastOptions{Rooms: []string{"none"}}, []string{}},
	}
	for _, tt := range tests {
		if got := sorted(m.Sockets(tt.opts)); !slices.Equal(got, tt.want) {
			t.Errorf("Sockets(%+v) = %v, want %v", tt.opts, got, tt.want)
		}
	}
	mem := m.(*adapter.Memory)
	if !mem.HasRoom("r1") || !mem.HasRoom("a") || mem.HasRoom("none") {
		t.Fatalf("HasRoom: r1 %v, a %v, none %v", mem.HasRoom("r1"), mem.HasRoom("a"), mem.HasRoom("none"))
	}
	m.Del("a", "r2")
	if mem.HasRoom("r2") {
		t.Fatal("HasRoom(r2) after its last member left")
	}
	m.Del("a", "a") // its own room: still a member of the namespace
	if got := sorted(m.Sockets(adapter.BroadcastOptions{})); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("after leaving its own room, a is not reached by a namespace broadcast: %v", got)
	}
	m.DelAll("a")
	if m.SocketRooms("a") != nil {
		t.Fatal("rooms left after DelAll")
	}
	want := []string{
		"create-room a a", "join-room a a", "create-room r1 a", "join-room r1 a", "create-room r2 a", "join-room r2 a",
		"create-room b b", "join-room b b", "join-room r1 b",
		"delete-room r2 a", "leave-room r2 a", "delete-room a a", "leave-room a a",
		"leave-room r1 a",
	}
	if !slices.Equal(f.events, want) {
		t.Fatalf("events\n%v\nwant\n%v", f.events, want)
	}
}

func TestMemoryBroadcast(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	m := adapter.NewMemory(f)
	m.AddAll("a", []string{"a", "r"})
	m.AddAll("b", []string{"b"})
	p := &parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(`["x"]`)}
	if err := m.Broadcast(ctx, p, adapter.BroadcastOptions{Rooms: []string{"r"}}); err != nil {
		t.Fatal(err)
	}
	if len(f.written["a"]) != 1 || f.written["a"][0] != `2["x"]` || len(f.written["b"]) != 0 {
		t.Fatalf("written %v", f.written)
	}
	var counts []int
	var got []string
	err := m.BroadcastWithAck(ctx, p, adapter.BroadcastOptions{Flags: adapter.Flags{Timeout: time.Hour}},
		func(n int) { counts = append(counts, n) },
		func(a parser.Args) { var s string; a.Decode(0, &s); got = append(got, s) })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(counts, []int{2}) || f.written["b"][0] != `20["x"]` {
		t.Fatalf("counts %v, written %v", counts, f.written)
	}
	f.acks["a"](parser.NewArgs([]byte(`["yes"]`), nil))
	if !slices.Equal(got, []string{"yes"}) {
		t.Fatalf("acks %v", got)
	}
	if n, err := m.ServerCount(context.Background()); n != 1 || err != nil {
		t.Fatalf("ServerCount = %d, %v", n, err)
	}
	infos, _ := m.FetchSockets(context.Background(), adapter.BroadcastOptions{Rooms: []string{"b"}})
	if len(infos) != 1 || infos[0].ID != "b" || !infos[0].Local {
		t.Fatalf("FetchSockets = %+v", infos)
	}
	if err := m.AddSockets(ctx, adapter.BroadcastOptions{}, []string{"all"}); err != nil {
		t.Fatal(err)
	}
	if got := sorted(m.Sockets(adapter.BroadcastOptions{Rooms: []string{"all"}})); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("after AddSockets: %v", got)
	}
	if err := m.DelSockets(ctx, adapter.BroadcastOptions{Rooms: []string{"r"}}, []string{"all"}); err != nil {
		t.Fatal(err)
	}
	if got := m.Sockets(adapter.BroadcastOptions{Rooms: []string{"all"}}); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after DelSockets: %v", got)
	}
	if err := m.DisconnectSockets(ctx, adapter.BroadcastOptions{Rooms: []string{"all"}}, adapter.CloseConnection); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.discon, []string{"b"}) {
		t.Fatalf("disconnected %v", f.discon)
	}
	if err := m.ServerSideEmit(ctx, "x", parser.Args{}); !errors.Is(err, adapter.ErrNotSupported) {
		t.Fatalf("ServerSideEmit = %v", err)
	}
	if _, err := m.ServerSideEmitWithAck(ctx, "x", parser.Args{}); !errors.Is(err, adapter.ErrNotSupported) {
		t.Fatalf("ServerSideEmitWithAck = %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

type quietNamespace struct{ *fakeNamespace }

func (quietNamespace) RoomChanged(adapter.RoomEvent, string, string) {}

// A socket in its own room only, the common case, costs the room index no
// allocation beyond the growth of its two maps: no map per room or per
// socket.
func TestMemoryOwnRoomAllocates(t *testing.T) {
	m := adapter.NewMemory(quietNamespace{newFake()})
	m.AddAll("other", []string{"other", "r"})
	if n := testing.AllocsPerRun(100, func() {
		m.AddAll("a", []string{"a"})
		m.Del("a", "a")
		m.AddAll("a", []string{"a"})
		m.DelAll("a")
	}); n != 0 {
		t.Errorf("joining and leaving its own room: %v allocations", n)
	}
	if got := sorted(m.Sockets(adapter.BroadcastOptions{})); !slices.Equal(got, []string{"other"}) {
		t.Errorf("sockets = %v", got)
	}
}
