package adapter

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/parser"
)

// Memory is the in-memory adapter: the room index of one server. It is
// the default adapter.
type Memory struct {
	nsp Namespace

	mu    sync.RWMutex
	rooms map[Room]set     // guarded by mu: the members of each room that has any
	sids  map[SocketID]set // guarded by mu: the rooms of each socket, none included
}

// NewMemory returns an in-memory adapter for nsp. It is a Factory.
func NewMemory(nsp Namespace) Adapter {
	return &Memory{
		nsp:   nsp,
		rooms: make(map[Room]set),
		sids:  make(map[SocketID]set),
	}
}

var _ Factory = NewMemory

// Close does nothing: the index lives in memory.
func (m *Memory) Close() error { return nil }

type roomChange struct {
	ev   RoomEvent
	room Room
}

// AddAll adds id to rooms.
func (m *Memory) AddAll(id SocketID, rooms []Room) {
	// A socket's first join, of its own room, reports two changes: room
	// for them on the stack.
	var buf [2]roomChange
	changes := buf[:0]
	m.mu.Lock()
	own := m.sids[id]
	for _, r := range rooms {
		if !own.add(r) {
			continue
		}
		members, ok := m.rooms[r]
		if !ok {
			changes = append(changes, roomChange{CreateRoom, r})
		}
		members.add(id)
		m.rooms[r] = members
		changes = append(changes, roomChange{JoinRoom, r})
	}
	m.sids[id] = own // with no rooms too: the socket is known
	m.mu.Unlock()
	m.report(changes, id)
}

// Del removes id from room.
func (m *Memory) Del(id SocketID, room Room) {
	var buf [2]roomChange
	m.mu.Lock()
	if own, ok := m.sids[id]; ok && own.remove(room) {
		m.sids[id] = own
	}
	changes := m.leaveLocked(id, room, buf[:0])
	m.mu.Unlock()
	m.report(changes, id)
}

// DelAll removes id from every room.
func (m *Memory) DelAll(id SocketID) {
	var buf [2]roomChange
	changes := buf[:0]
	m.mu.Lock()
	own := m.sids[id]
	delete(m.sids, id)
	for r := range own.all() {
		changes = m.leaveLocked(id, r, changes)
	}
	m.mu.Unlock()
	m.report(changes, id)
}

// leaveLocked removes id from the members of room, not room from the
// rooms of id.
func (m *Memory) leaveLocked(id SocketID, room Room, changes []roomChange) []roomChange {
	members, ok := m.rooms[room]
	if !ok || !members.remove(id) {
		return changes
	}
	if members.len() == 0 {
		delete(m.rooms, room)
		changes = append(changes, roomChange{DeleteRoom, room})
	} else {
		m.rooms[room] = members
	}
	return append(changes, roomChange{LeaveRoom, room})
}

// report tells the namespace of changes, outside the lock. The reference
// emits delete-room before leave-room, and create-room before join-room.
func (m *Memory) report(changes []roomChange, id SocketID) {
	for _, c := range changes {
		m.nsp.RoomChanged(c.ev, c.room, id)
	}
}

// SocketRooms returns the rooms of id.
func (m *Memory) SocketRooms(id SocketID) []Room {
	m.mu.RLock()
	defer m.mu.RUnlock()
	own, ok := m.sids[id]
	if !ok {
		return nil
	}
	out := make([]Room, 0, own.len())
	for r := range own.all() {
		out = append(out, r)
	}
	return out
}

// Rooms returns every room that has a member.
func (m *Memory) Rooms() []Room {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Room, 0, len(m.rooms))
	for r := range m.rooms {
		out = append(out, r)
	}
	return out
}

// HasRoom reports whether room has a member here.
func (m *Memory) HasRoom(room Room) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.rooms[room]
	return ok
}

// Sockets returns the sockets opts selects.
func (m *Memory) Sockets(opts BroadcastOptions) []SocketID {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.appendLocked(nil, opts)
}

// targetsPool holds the target lists of broadcasts, which Namespace.Write
// does not keep: a broadcast to many sockets allocates none.
var targetsPool = sync.Pool{New: func() any { return new([]SocketID) }}

// appendLocked appends the target set of a broadcast to out.
func (m *Memory) appendLocked(out []SocketID, opts BroadcastOptions) []SocketID {
	var except map[SocketID]struct{}
	if len(opts.Except) > 0 {
		except = make(map[SocketID]struct{})
		for _, r := range opts.Except {
			for id := range m.rooms[r].all() {
				except[id] = struct{}{}
			}
		}
	}
	if len(opts.Rooms) == 0 {
		out = slices.Grow(out, len(m.sids))
		for id := range m.sids {
			if _, ex := except[id]; !ex {
				out = append(out, id)
			}
		}
		return out
	}
	if len(opts.Rooms) == 1 {
		members := m.rooms[opts.Rooms[0]]
		out = slices.Grow(out, members.len())
		for id := range members.all() {
			if _, ex := except[id]; !ex {
				out = append(out, id)
			}
		}
		return out
	}
	seen := make(map[SocketID]struct{})
	for _, r := range opts.Rooms {
		for id := range m.rooms[r].all() {
			if _, ex := except[id]; ex {
				continue
			}
			if _, dup := seen[id]; dup {
				continue
			}
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// ServerCount is 1: the in-memory adapter knows only this server.
func (m *Memory) ServerCount(context.Context) (int, error) { return 1, nil }

// Broadcast encodes p once and hands the frames to every target.
func (m *Memory) Broadcast(_ context.Context, p *parser.Packet, opts BroadcastOptions) error {
	frames, err := m.nsp.Parser().Encode(p)
	if err != nil {
		return err
	}
	tp := targetsPool.Get().(*[]SocketID)
	m.mu.RLock()
	targets := m.appendLocked((*tp)[:0], opts)
	m.mu.RUnlock()
	m.nsp.Write(targets, p, frames, opts.Flags)
	clear(targets) // the ids may outlive their sockets otherwise
	*tp = targets[:0]
	targetsPool.Put(tp)
	return nil
}

// BroadcastWithAck sends p with a fresh ack id to every target and
// forgets the acks that have not come after opts.Flags.Timeout.
func (m *Memory) BroadcastWithAck(_ context.Context, p *parser.Packet, opts BroadcastOptions, clientCount func(int), ack func(parser.Args)) error {
	q := *p
	q.ID, q.HasID = m.nsp.NextAckID(), true
	frames, err := m.nsp.Parser().Encode(&q)
	if err != nil {
		return err
	}
	// Each socket awaits its ack before the packet can reach it. A socket
	// that then fails to take the packet is closing, and drops its acks.
	waiting := m.Sockets(opts)
	n := 0
	for _, id := range waiting {
		if m.nsp.ExpectAck(id, q.ID, ack) {
			waiting[n] = id
			n++
		}
	}
	waiting = waiting[:n]
	clientCount(m.nsp.Write(waiting, &q, frames, opts.Flags))
	if len(waiting) > 0 {
		time.AfterFunc(opts.Flags.Timeout, func() {
			for _, id := range waiting {
				m.nsp.CancelAck(id, q.ID)
			}
		})
	}
	return nil
}

// FetchSockets returns the local sockets opts selects.
func (m *Memory) FetchSockets(_ context.Context, opts BroadcastOptions) ([]SocketInfo, error) {
	ids := m.Sockets(opts)
	out := make([]SocketInfo, len(ids))
	for i, id := range ids {
		out[i] = SocketInfo{ID: id, Local: true}
	}
	return out, nil
}

// AddSockets makes the selected sockets join rooms.
func (m *Memory) AddSockets(_ context.Context, opts BroadcastOptions, rooms []Room) error {
	for _, id := range m.Sockets(opts) {
		m.AddAll(id, rooms)
	}
	return nil
}

// DelSockets makes the selected sockets leave rooms.
func (m *Memory) DelSockets(_ context.Context, opts BroadcastOptions, rooms []Room) error {
	for _, id := range m.Sockets(opts) {
		for _, r := range rooms {
			m.Del(id, r)
		}
	}
	return nil
}

// DisconnectSockets disconnects the selected sockets.
func (m *Memory) DisconnectSockets(_ context.Context, opts BroadcastOptions, how Disconnection) error {
	for _, id := range m.Sockets(opts) {
		m.nsp.Disconnect(id, how)
	}
	return nil
}

// ServerSideEmit is not supported: there is no other server.
func (m *Memory) ServerSideEmit(context.Context, string, parser.Args) error {
	return ErrNotSupported
}

// ServerSideEmitWithAck is not supported: there is no other server.
func (m *Memory) ServerSideEmitWithAck(context.Context, string, parser.Args) ([]parser.Args, error) {
	return nil, ErrNotSupported
}
