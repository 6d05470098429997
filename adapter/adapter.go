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
	ID    SocketID
	Local bool
	Rooms []Room
	// Handshake is the socket's handshake as the reference's JSON: headers,
	// time, address, xdomain, secure, issued, url, query, auth.
	Handshake json.RawMessage
	// Data is the socket's data as JSON.
	Data json.RawMessage
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
	// Disconnect disconnects the local socket id, as how says.
	Disconnect(id SocketID, how Disconnection)
	// RoomChanged reports a change of membership. It is called without
	// any lock of the adapter held.
	RoomChanged(ev RoomEvent, room Room, id SocketID)
	// SocketInfo describes the local socket id for another server of the
	// cluster (Rooms left out: the adapter knows them), or reports false
	// if it is not connected here.
	SocketInfo(id SocketID) (SocketInfo, bool)
	// ServerSideEvent delivers an event another server of the cluster
	// sent with ServerSideEmit. ack is nil when the sender wants no answer;
	// otherwise it is called at most once, with this server's answer.
	ServerSideEvent(event string, args parser.Args, ack func(answer parser.Args))
}

// Adapter is the room index and broadcaster of one namespace.
//
// The room index (AddAll to Sockets) is this server's own and never
// fails; Memory is the one every adapter reuses. The cluster operations
// (ServerCount to ServerSideEmitWithAck) may cross a network: each takes
// a context, which bounds the wait, and returns the error that kept it
// from being done. An adapter bounds a context without a deadline by a
// timeout of its own.
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

	// ServerCount returns how many servers share the namespace, this one
	// included (1 alone).
	ServerCount(ctx context.Context) (int, error)
	// Broadcast sends p to the sockets opts selects, on every server
	// unless opts.Flags.Local.
	Broadcast(ctx context.Context, p *parser.Packet, opts BroadcastOptions) error
	// BroadcastWithAck sends p, with an ack id of each server's own, to
	// the sockets opts selects, and gathers their acknowledgements for
	// opts.Flags.Timeout: clientCount is called once per server that
	// reached sockets, with how many; ack once per acknowledgement, with
	// its arguments. On every server unless opts.Flags.Local.
	BroadcastWithAck(ctx context.Context, p *parser.Packet, opts BroadcastOptions, clientCount func(n int), ack func(args parser.Args)) error
	// FetchSockets returns the sockets opts selects, on every server
	// unless opts.Flags.Local.
	FetchSockets(ctx context.Context, opts BroadcastOptions) ([]SocketInfo, error)
	// AddSockets makes the sockets opts selects join rooms.
	AddSockets(ctx context.Context, opts BroadcastOptions, rooms []Room) error
	// DelSockets makes the sockets opts selects leave rooms.
	DelSockets(ctx context.Context, opts BroadcastOptions, rooms []Room) error
	// DisconnectSockets disconnects the sockets opts selects, as how says.
	DisconnectSockets(ctx context.Context, opts BroadcastOptions, how Disconnection) error
	// ServerSideEmit sends event with args to the other servers of the
	// cluster, where the Namespace's ServerSideEvent receives it.
	ServerSideEmit(ctx context.Context, event string, args parser.Args) error
	// ServerSideEmitWithAck is ServerSideEmit, waiting for the answer of
	// every other server (until ctx ends, or the adapter's timeout) and
	// returning them. Alone, it returns no answers at once.
	ServerSideEmitWithAck(ctx context.Context, event string, args parser.Args) ([]parser.Args, error)
}

// Disconnection is how DisconnectSockets disconnects a socket.
type Disconnection uint8

const (
	// SocketOnly disconnects the socket from its namespace: its
	// connection stays, with the sockets of other namespaces on it.
	SocketOnly Disconnection = iota
	// CloseConnection closes the socket's underlying connection, and so
	// every socket on it.
	CloseConnection
)

func (d Disconnection) String() string {
	switch d {
	case SocketOnly:
		return "socket only"
	case CloseConnection:
		return "close connection"
	}
	return "Disconnection(?)"
}

// Factory makes the adapter of a namespace.
type Factory func(nsp Namespace) Adapter

// ErrNotSupported is returned for cluster operations that an adapter does
// not offer.
var ErrNotSupported = errors.New("adapter: operation not supported by this adapter")
