package client

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// CloseReason says why a connection closed. Its String is the reference
// client's reason text.
type CloseReason int

// The reasons a connection closes.
const (
	// ReasonTransportClose: the server closed the connection.
	ReasonTransportClose CloseReason = iota + 1
	// ReasonTransportError: a request or the WebSocket failed, or the
	// server broke the protocol.
	ReasonTransportError
	// ReasonPingTimeout: no ping came within pingInterval + pingTimeout.
	ReasonPingTimeout
	// ReasonForcedClose: Close was called.
	ReasonForcedClose
)

var reasonText = [...]string{"", "transport close", "transport error", "ping timeout", "forced close"}

func (r CloseReason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return "CloseReason(" + strconv.Itoa(int(r)) + ")"
}

// ErrClosed is returned by Send once the connection is closing. It
// matches net.ErrClosed.
var ErrClosed = fmt.Errorf("engineio: connection closed: %w", net.ErrClosed)

// errServerClosed ends a transport the server closed cleanly.
var errServerClosed = errors.New("engineio: closed by the server")

// HTTPError is a request the server refused: its HTTP status and, when it
// sent the Engine.IO error body, the error code and message (see the
// server's engineio.ErrorCode: 0 unknown transport, 1 unknown session id,
// 3 bad request, 4 forbidden, 5 unsupported protocol version).
type HTTPError struct {
	Status  string
	Code    int // -1 when the body was not an Engine.IO error
	Message string
}

func (e *HTTPError) Error() string {
	if e.Code >= 0 {
		return fmt.Sprintf("engineio: server answered %s: %s (code %d)", e.Status, e.Message, e.Code)
	}
	if e.Message == "" {
		return "engineio: server answered " + e.Status
	}
	return fmt.Sprintf("engineio: server answered %s: %q", e.Status, e.Message)
}
