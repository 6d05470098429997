package adapter

import "github.com/ab218a8d/socketio/parser"

// MessageType is the kind of a Message, numbered as the reference's
// ClusterAdapter numbers them (socket.io-adapter, cluster-adapter.ts):
// an engine whose wire format carries the number, such as the sharded
// Redis adapter, writes it as it is.
type MessageType int

// The message types.
const (
	InitialHeartbeat       MessageType = 1  // a server started: the others answer with Heartbeat
	Heartbeat              MessageType = 2  // a server is alive
	Broadcast              MessageType = 3  // Packet to the sockets Opts selects; with RequestID, acks wanted
	SocketsJoin            MessageType = 4  // the sockets Opts selects join Rooms
	SocketsLeave           MessageType = 5  // the sockets Opts selects leave Rooms
	DisconnectSockets      MessageType = 6  // the sockets Opts selects disconnect; Close their connections
	FetchSockets           MessageType = 7  // describe the sockets Opts selects
	FetchSocketsResponse   MessageType = 8  // Sockets, answering RequestID
	ServerSideEmit         MessageType = 9  // Event with Args; with RequestID, an answer wanted
	ServerSideEmitResponse MessageType = 10 // Args (one value), answering RequestID
	BroadcastClientCount   MessageType = 11 // ClientCount sockets reached, answering RequestID
	BroadcastAck           MessageType = 12 // Args (one value): one socket's ack, answering RequestID
	AdapterClose           MessageType = 13 // a server is leaving
)

func (t MessageType) String() string {
	switch t {
	case InitialHeartbeat:
		return "INITIAL_HEARTBEAT"
	case Heartbeat:
		return "HEARTBEAT"
	case Broadcast:
		return "BROADCAST"
	case SocketsJoin:
		return "SOCKETS_JOIN"
	case SocketsLeave:
		return "SOCKETS_LEAVE"
	case DisconnectSockets:
		return "DISCONNECT_SOCKETS"
	case FetchSockets:
		return "FETCH_SOCKETS"
	case FetchSocketsResponse:
		return "FETCH_SOCKETS_RESPONSE"
	case ServerSideEmit:
		return "SERVER_SIDE_EMIT"
	case ServerSideEmitResponse:
		return "SERVER_SIDE_EMIT_RESPONSE"
	case BroadcastClientCount:
		return "BROADCAST_CLIENT_COUNT"
	case BroadcastAck:
		return "BROADCAST_ACK"
	case AdapterClose:
		return "ADAPTER_CLOSE"
	}
	return "MessageType(?)"
}

// IsResponse reports whether messages of type t answer a request, and so
// go to the requesting server only (Bus.PublishResponse).
func (t MessageType) IsResponse() bool {
	switch t {
	case FetchSocketsResponse, ServerSideEmitResponse, BroadcastClientCount, BroadcastAck:
		return true
	}
	return false
}

// EmitterUID is the UID of messages from an emitter, a process that
// publishes to a cluster without being one of its servers. It is never
// counted as a server.
const EmitterUID = "emitter"

// Message is one message between the servers of a cluster, whatever
// carries it: an engine (Redis, ...) encodes it in its own wire format and
// hands the messages it receives to Cluster.Receive. Which fields a
// message uses depends on its Type.
type Message struct {
	Type MessageType
	// UID identifies the sending server (EmitterUID for an emitter).
	UID string
	// Namespace is the name of the namespace the message is about.
	Namespace string
	// RequestID ties a request to its responses; empty when no response is
	// wanted.
	RequestID string

	// Packet is a Broadcast's event: an EVENT packet of Namespace, without
	// an ack id (each server gives its own).
	Packet *parser.Packet
	// Opts selects the sockets of a Broadcast, SocketsJoin, SocketsLeave,
	// DisconnectSockets or FetchSockets.
	Opts BroadcastOptions
	// Rooms are what SocketsJoin and SocketsLeave join and leave.
	Rooms []Room
	// Close is DisconnectSockets's: close the sockets' connections too.
	Close bool
	// Event is a ServerSideEmit's event name.
	Event string
	// Args are a ServerSideEmit's arguments, or the one value a
	// ServerSideEmitResponse or BroadcastAck answers with (no element for
	// an answer without one).
	Args parser.Args
	// Sockets answer a FetchSockets.
	Sockets []SocketInfo
	// ClientCount answers a Broadcast with acks: how many sockets the
	// answering server reached.
	ClientCount int
}
