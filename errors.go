package socketio

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/ab218a8d/socketio/engineio"
)

// DisconnectReason says why a socket disconnected. Its String is exactly
// the reference implementation's reason text.
type DisconnectReason int

// The reasons a socket disconnects.
const (
	// ReasonTransportError: the connection failed or broke the protocol.
	ReasonTransportError DisconnectReason = iota + 1
	// ReasonTransportClose: the client closed the connection.
	ReasonTransportClose
	// ReasonForcedClose: the connection was closed on purpose, by the
	// server or after an invalid packet.
	ReasonForcedClose
	// ReasonPingTimeout: the client did not answer a ping in time.
	ReasonPingTimeout
	// ReasonParseError: the client sent a packet that does not decode.
	ReasonParseError
	// ReasonServerShuttingDown: Server.Shutdown or Server.Close.
	ReasonServerShuttingDown
	// ReasonForcedServerClose: the client joined no namespace within
	// ConnectTimeout, or broke the exchange rules (a packet for a
	// namespace it did not join, a second CONNECT, ...).
	ReasonForcedServerClose
	// ReasonClientNamespaceDisconnect: the client left the namespace.
	ReasonClientNamespaceDisconnect
	// ReasonServerNamespaceDisconnect: Socket.Disconnect.
	ReasonServerNamespaceDisconnect
)

var reasonText = [...]string{"",
	"transport error", "transport close", "forced close", "ping timeout", "parse error",
	"server shutting down", "forced server close", "client namespace disconnect", "server namespace disconnect",
}

func (r DisconnectReason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return "DisconnectReason(" + strconv.Itoa(int(r)) + ")"
}

func reasonFromEngine(r engineio.CloseReason) DisconnectReason {
	switch r {
	case engineio.ReasonTransportClose:
		return ReasonTransportClose
	case engineio.ReasonPingTimeout:
		return ReasonPingTimeout
	case engineio.ReasonParseError:
		return ReasonParseError
	case engineio.ReasonForcedClose:
		return ReasonForcedClose
	}
	return ReasonTransportError
}

// ConnectError refuses a connection to a namespace: return one from a
// middleware, and the client receives a CONNECT_ERROR packet with Message
// and, if not nil, Data (its connect_error event gets an Error with that
// message and a data property). Any other error from a middleware is sent
// with its Error() as the message.
type ConnectError struct {
	Message string
	Data    any
}

func (e *ConnectError) Error() string { return "socketio: connection refused: " + e.Message }

// Errors reported by sockets and broadcasts.
var (
	// ErrTimeout is what an acknowledgement handler receives when the
	// acknowledgement did not come within the emit's Timeout.
	ErrTimeout = errors.New("socketio: operation has timed out")
	// ErrDisconnected is what a pending acknowledgement handler receives
	// when the socket disconnects first, and what Emit returns on a
	// disconnected socket.
	ErrDisconnected = errors.New("socketio: socket disconnected")
	// ErrReservedEvent is returned when emitting a reserved event name
	// (connect, connect_error, disconnect, disconnecting, newListener,
	// removeListener).
	ErrReservedEvent = errors.New("socketio: reserved event name")
	// ErrNoAck is returned by Event.Ack when the client asked for no
	// acknowledgement, or when it was already sent.
	ErrNoAck = errors.New("socketio: no acknowledgement to send")
)

// PanicError reports a panic recovered from a handler.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("socketio: handler panicked: %v", e.Value) }
