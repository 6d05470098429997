package socketio

import (
	"context"
	"encoding/json"
)

// RemoteSocket is a socket found by FetchSockets, on this server or
// another. Its methods act on it wherever it is.
type RemoteSocket struct {
	ID        string
	Handshake Handshake
	Rooms     []string
	// Data is the socket's Data as JSON.
	Data json.RawMessage

	nsp   *Namespace
	local *Socket
}

func localRemote(s *Socket) *RemoteSocket {
	data, _ := json.Marshal(s.Data())
	return &RemoteSocket{ID: s.id, Handshake: *s.Handshake(), Rooms: s.Rooms(), Data: data, nsp: s.nsp, local: s}
}

// Local returns the socket if it is connected to this server, or nil.
func (r *RemoteSocket) Local() *Socket { return r.local }

func (r *RemoteSocket) self() BroadcastOperator { return r.nsp.To(r.ID) }

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error { return r.self().Emit(event, args...) }

// Join adds the socket to rooms.
func (r *RemoteSocket) Join(ctx context.Context, rooms ...string) error {
	return r.self().SocketsJoin(ctx, rooms...)
}

// Leave removes the socket from rooms.
func (r *RemoteSocket) Leave(ctx context.Context, rooms ...string) error {
	return r.self().SocketsLeave(ctx, rooms...)
}

// Disconnect disconnects the socket from its namespace.
func (r *RemoteSocket) Disconnect(ctx context.Context) error { return r.self().DisconnectSockets(ctx) }

// Close closes the socket's connection, as Socket.Close does.
func (r *RemoteSocket) Close(ctx context.Context) error { return r.self().CloseSockets(ctx) }
