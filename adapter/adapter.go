// Package adapter defines how a Socket.IO namespace reaches its sockets:
// room membership, broadcasting, and the cluster operations that let many
// servers act as one. Memory is the in-memory adapter, the default of a
// single server; remote adapters (Redis, ...) implement the same interface
// and live in their own modules.
//
// An adapter serves one namespace. The server creates it with a Factory,
// hands it the Namespace it serves, and calls its methods from any
// goroutine: implementations are safe for concurrent use and never call
// the Namespace while holding a lock of their own.
package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ab218a8d/socketio/parser"
)

// SocketID identifies a socket: a 20-character URL-safe string. Every
// socket is also a member of the room named by its id.
type SocketID = string

// Room names a group of sockets.
type Room = string

// Flags modify a broadcast.
type Flags struct {
	// Volatile drops the packet for sockets that cannot take it now.
	Volatile bool
	// NoCompress asks that the packet not be compressed.
	NoCompress bool
	// Local keeps the broadcast on this server.
	Local bool
	// Timeout bounds how long a broadcast with acks waits.
	Timeout time.Duration
}

// BroadcastOptions selects the sockets a broadcast reaches: the members of
// any of Rooms (every socket of the namespace if Rooms is empty), minus
// the members of any of Except. Each socket is reached once.
type BroadcastOptions struct {
	Rooms  []Room
	Except []Room
	Flags  Flags
}

// SocketInfo describes a socket found by FetchSockets. Local sockets are
// described by their ID only; the namespace has them at hand.
type SocketInfo struct {
	ID        SocketID
	Local     bool
	Rooms     []Room
	Handshake json.RawMessage
	Data      json.RawMessage
}

// RoomEvent is a change of room membership, reported to the namespace.
type RoomEvent int

// The room events, as the reference adapter emits them.
const (
	CreateRoom RoomEvent = iota + 1 // a room got its first member
	DeleteRoom                      // a room lost its last member
	JoinRoom                        // a socket joined a room
	LeaveRoom                       // a socket left a room
)

func (e RoomEvent) String() string {
	switch e {
	case CreateRoom:
		return "create-room"
	case DeleteRoom:
		return "delete-room"
	case JoinRoom:
		return "join-room"
	case LeaveRoom:
		return "leave-room"
	}
	return "RoomEvent(?)"
}

// Namespace is what an adapter needs of the namespace it serves.
type Namespace interface {
	// Name is the namespace's name, such as "/" or "/admin".
	Name() string
	// Parser encodes the namespace's packets.
	Parser() parser.Parser
	// Write hands p's frames, encoded once for all recipients, to the
	// local sockets ids, all of a broadcast's at once, so that they are
	// framed once too. It returns how many of the sockets are connected
	// here and took them (a volatile write may be dropped). It must not
	// keep ids, which the adapter reuses.
	Write(ids []SocketID, p *parser.Packet, frames []parser.Frame, flags Flags) int
	// NextAckID returns a fresh acknowledgement id.
	NextAckID() uint64
	// ExpectAck arranges for fn to receive the acknowledgement with ackID
	// from the local socket id, if it is connected here.
	ExpectAck(id SocketID, ackID uint64, fn func(parser.Args)) bool
	// CancelAck forgets an acknowledgement that is no longer awaited.
	CancelAck(id SocketID, ackID uint64)
	// Disconnect disconnects the local socket id; close also closes its
	// underlying connection.
	Disconnect(id SocketID, close bool)
	// RoomChanged reports a change of membership. It is called without
	// any lock of the adapter held.
	RoomChanged(ev RoomEvent, room Room, id SocketID)
	// ServerSideEvent delivers an event another server of the cluster
	// sent with ServerSideEmit. ack is nil when the sender wants no answer;
	// otherwise it must be called at most once with this server's answer.
	ServerSideEvent(event string, args parser.Args, ack func(args []any))
}

// Adapter is the room index and broadcaster of one namespace.
type Adapter interface {
	// Close releases the adapter's resources; the namespace is going away.
	Close() error

	// AddAll adds the socket to rooms.
	AddAll(id SocketID, rooms []Room)
	// Del removes the socket from room.
	Del(id SocketID, room Room)
	// DelAll removes the socket from every room.
	DelAll(id SocketID)
	// SocketRooms returns the rooms of a local socket, nil if it has none.
	SocketRooms(id SocketID) []Room
	// Rooms returns every room with at least one local member.
	Rooms() []Room
	// Sockets returns the local sockets that opts selects (flags ignored).
	Sockets(opts BroadcastOptions) []SocketID

	// ServerCount returns how many servers share the namespace (1 alone).
	ServerCount(ctx context.Context) (int, error)
	// Broadcast sends p to the sockets opts selects, on every server
	// unless opts.Flags.Local.
	Broadcast(p *parser.Packet, opts BroadcastOptions) error
	// BroadcastWithAck sends p, with a fresh ack id, to the sockets opts
	// selects and waits at most opts.Flags.Timeout for their
	// acknowledgements. clientCount is called once per server with the
	// number of sockets it reached; ack once per acknowledgement received.
	BroadcastWithAck(p *parser.Packet, opts BroadcastOptions, clientCount func(int), ack func(parser.Args)) error
	// FetchSockets returns the sockets opts selects, on every server
	// unless opts.Flags.Local.
	FetchSockets(ctx context.Context, opts BroadcastOptions) ([]SocketInfo, error)
	// AddSockets makes the sockets opts selects join rooms.
	AddSockets(opts BroadcastOptions, rooms []Room)
	// DelSockets makes the sockets opts selects leave rooms.
	DelSockets(opts BroadcastOptions, rooms []Room)
	// DisconnectSockets disconnects the sockets opts selects.
	DisconnectSockets(opts BroadcastOptions, close bool)
	// ServerSideEmit sends an event (args[0] is its name) to the other
	// servers of the cluster. With withAck it waits, at most until ctx
	// ends, for each other server's answer and returns them.
	ServerSideEmit(ctx context.Context, args []any, withAck bool) ([]parser.Args, error)
}

// Factory makes the adapter of a namespace.
type Factory func(nsp Namespace) Adapter

// ErrNotSupported is returned for cluster operations that an adapter does
// not offer, such as ServerSideEmit on a single server.
var ErrNotSupported = errors.New("adapter: operation not supported by this adapter")
