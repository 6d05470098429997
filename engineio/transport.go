package engineio

// A transport carries one session's packets to and from the wire, as the
// reference's Transport classes do: long-polling (polling.go) and
// WebSocket (websocket.go). The session keeps what does not depend on the
// wire: the queue and its charge to the server's budget, the heartbeat, the
// handler and the life cycle. A transport takes packets from the queue
// when it can write them, and hands what it reads to handlePacket with
// readMu held, so that two transports of one session (a POST still being
// handled and the WebSocket that upgraded it) never deliver at once.
//
// The session holds one transport at a time, in s.t, guarded by s.mu; the
// upgrade (upgrade.go) replaces a polling transport by a WebSocket one. A
// transport's own state is guarded by its session's mu unless its field
// says otherwise.
//
// Engine.IO v3 and a client are to come as other transports or codecs
// (the polling transport's payload format is a payloadCodec), not as
// flags on Session.
type transport interface {
	// kind is the transport's name, as clients ask for it.
	kind() Transport

	// writableLocked reports whether a packet queued now, the queue being
	// empty, would go out at once (Session.Writable).
	writableLocked() bool

	// kickLocked makes sure the queue gets written: it is called whenever
	// packets were queued.
	kickLocked()

	// drainLocked is called once, when Close starts a graceful close: the
	// transport writes what is queued and then closes the session
	// (closeNow), or gives up after a while.
	drainLocked()

	// flushDeferred starts writing the queue now if its writing waits for
	// the session's handler to return: the handler may be waiting, in a
	// Send, for room that only this queue's client can make.
	flushDeferred()

	// close releases the transport once the session has closed; called
	// once, without s.mu held. Pending requests get their answer and
	// connections are closed.
	close(c *closeCause)
}
