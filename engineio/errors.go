package engineio

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// ErrorCode is an Engine.IO handshake error code, sent to the client in the
// JSON body of a refused request.
type ErrorCode int

// The error codes of the reference server (engine.io Server.errors).
const (
	CodeUnknownTransport    ErrorCode = 0 // "Transport unknown", 400
	CodeUnknownSID          ErrorCode = 1 // "Session ID unknown", 400
	CodeBadHandshakeMethod  ErrorCode = 2 // "Bad handshake method", 400
	CodeBadRequest          ErrorCode = 3 // "Bad request", 400
	CodeForbidden           ErrorCode = 4 // "Forbidden", 403
	CodeUnsupportedProtocol ErrorCode = 5 // "Unsupported protocol version", 400
)

var codeMessages = [...]string{
	"Transport unknown",
	"Session ID unknown",
	"Bad handshake method",
	"Bad request",
	"Forbidden",
	"Unsupported protocol version",
}

// String returns the reference message for the code.
func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(codeMessages) {
		return codeMessages[c]
	}
	return "ErrorCode(" + strconv.Itoa(int(c)) + ")"
}

// status is the HTTP status the reference answers the code with.
func (c ErrorCode) status() int {
	if c == CodeForbidden {
		return 403
	}
	return 400
}

// A RequestError describes a request the server refused. It is handed to
// Options.OnConnectionError (the reference's "connection_error" event).
type RequestError struct {
	Code ErrorCode
	// Message is the text sent to the client: the code's message, or the
	// refusal's text for CodeForbidden from AllowRequest.
	Message string
	// Context names the check that failed where the code alone does not
	// say ("TRANSPORT_MISMATCH", "MIDDLEWARE_FAILURE", ...), as in the
	// reference's error context.
	Context string
	// Err is the underlying error, if any (from AllowRequest or CORS).
	Err error
}

func (e *RequestError) Error() string {
	s := "engineio: request refused: " + e.Message
	if e.Context != "" {
		s += " (" + e.Context + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *RequestError) Unwrap() error { return e.Err }

// CloseReason says why a session closed. Its String is exactly the
// reference implementation's reason text.
type CloseReason int

// The reasons a session closes.
const (
	// ReasonTransportClose: the client closed the connection or sent a
	// close packet.
	ReasonTransportClose CloseReason = iota + 1
	// ReasonTransportError: the transport failed or the client broke the
	// protocol (overlapping polls, a ping from the client, a write that
	// failed, a queue that overflowed, a message over the size limit).
	ReasonTransportError
	// ReasonPingTimeout: no pong arrived within PingTimeout of a ping.
	ReasonPingTimeout
	// ReasonParseError: the client sent a packet that does not decode.
	ReasonParseError
	// ReasonForcedClose: the server closed the session (Session.Close,
	// Server.Shutdown or Server.Close).
	ReasonForcedClose
)

var reasonText = [...]string{"", "transport close", "transport error", "ping timeout", "parse error", "forced close"}

func (r CloseReason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return "CloseReason(" + strconv.Itoa(int(r)) + ")"
}

// Errors a Session reports.
var (
	// ErrClosed is returned by Send on a session that is closing or closed.
	ErrClosed = errors.New("engineio: session closed")
	// ErrQueueFull is returned by Send when the session's outbound queue
	// would exceed Options.MaxQueuedBytes because the client does not read
	// fast enough. The session is then closed with ReasonTransportError and
	// this error as the description.
	ErrQueueFull = errors.New("engineio: outbound queue full (slow client)")
	// ErrServerClosed is the description of sessions closed by Server.Close.
	ErrServerClosed = errors.New("engineio: server closed")
)

// Descriptions of transport errors, matching the reference's messages.
var (
	errPollOverlap      = errors.New("engineio: overlap from client")
	errDataOverlap      = errors.New("engineio: data request overlap from client")
	errPollAborted      = errors.New("engineio: poll connection closed prematurely")
	errDataAborted      = errors.New("engineio: data request connection closed prematurely")
	errInvalidContent   = errors.New("engineio: invalid content")
	errHeartbeatDir     = errors.New("engineio: invalid heartbeat direction")
	errOpenFromClient   = fmt.Errorf("%w: open packet from a client", packet.ErrInvalidPacket)
	errClientClose      = errors.New("engineio: close packet from client")
	errCloseWithoutPoll = errors.New("engineio: no poll request within the close timeout")
)
