package client

import (
	"encoding/json"
	"errors"
	"strconv"
)

// DisconnectReason says why a socket disconnected. Its String is exactly
// the reference client's reason text.
type DisconnectReason int

// The reasons a socket disconnects. After the first two and
// ReasonForcedClose the socket stays disconnected; after the others the
// Manager reconnects (unless NoReconnection) and the socket with it.
const (
	// ReasonIOServerDisconnect: the server disconnected the socket
	// (socket.disconnect() on the server).
	ReasonIOServerDisconnect DisconnectReason = iota + 1
	// ReasonIOClientDisconnect: Socket.Disconnect or Socket.Close.
	ReasonIOClientDisconnect
	// ReasonPingTimeout: the server sent no ping in time.
	ReasonPingTimeout
	// ReasonTransportClose: the connection was closed (by the server, or
	// a proxy, or the network).
	ReasonTransportClose
	// ReasonTransportError: the connection failed.
	ReasonTransportError
	// ReasonParseError: the server sent a packet that does not decode.
	ReasonParseError
	// ReasonForcedClose: Manager.Close.
	ReasonForcedClose
)

var reasonText = [...]string{"",
	"io server disconnect", "io client disconnect", "ping timeout", "transport close",
	"transport error", "parse error", "forced close",
}

func (r DisconnectReason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return "DisconnectReason(" + strconv.Itoa(int(r)) + ")"
}

// ConnectError is the server's refusal of a socket (a CONNECT_ERROR
// packet): the message of the error its middleware returned and, if it
// gave one, its data. A refused socket does not reconnect by itself.
type ConnectError struct {
	Message string
	// Data is the refusal's data as JSON, nil when there is none.
	Data json.RawMessage
}

func (e *ConnectError) Error() string { return "socketio: connection refused: " + e.Message }

// Errors of sockets and acknowledgements.
var (
	// ErrTimeout is what an AckHandler gets when the acknowledgement did
	// not come in time. Its text is the reference's.
	ErrTimeout = errors.New("socketio: operation has timed out")
	// ErrDisconnected is what an AckHandler gets when the socket
	// disconnected before the acknowledgement came (its packet was
	// sent: one still buffered waits for the reconnection), and what
	// Connect returns when the socket is disconnected meanwhile.
	ErrDisconnected = errors.New("socketio: socket has been disconnected")
	// ErrReservedEvent is returned when emitting a reserved event name
	// (connect, connect_error, disconnect, disconnecting, newListener,
	// removeListener).
	ErrReservedEvent = errors.New("socketio: reserved event name")
	// ErrNoAck is returned by Event.Ack when the server asked for no
	// acknowledgement, or when it was already sent.
	ErrNoAck = errors.New("socketio: no acknowledgement to send")
	// ErrReconnectFailed is what Connect returns once ReconnectionAttempts
	// attempts in a row failed; it wraps the last attempt's error.
	ErrReconnectFailed = errors.New("socketio: reconnection failed")
	// errOpenTimeout is a handshake that took more than Options.Timeout;
	// its text is the reference's.
	errOpenTimeout = errors.New("timeout")
)
