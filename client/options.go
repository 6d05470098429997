package client

import (
	"math"
	"math/rand/v2"
	"time"

	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/parser"
)

// Options configure a Manager, and through New its first socket. The
// zero value (or nil) works and has the defaults of socket.io-client 4.8,
// written on each field. The options are copied and never modified.
type Options struct {
	// SocketOptions are the options of the socket New returns.
	SocketOptions

	// Engine configures the Engine.IO connection: transports and
	// upgrade, query, extra headers, TLS, dialer, proxy, http.Client,
	// cookie jar. Engine.Path defaults to "/socket.io/" here; its
	// callbacks are the Manager's and are ignored.
	Engine eio.Options

	// NoReconnection turns reconnection off. By default a Manager whose
	// connection fails or breaks reconnects, with the backoff below.
	NoReconnection bool

	// ReconnectionAttempts bounds the reconnection attempts in a row;
	// after the last, OnReconnectFailed. Default 0: unlimited.
	ReconnectionAttempts int

	// ReconnectionDelay is the wait before the first attempt; it doubles
	// at each attempt after that, up to ReconnectionDelayMax, each wait
	// moved by up to RandomizationFactor of itself. Default 1 s.
	ReconnectionDelay time.Duration

	// ReconnectionDelayMax bounds the wait between attempts. Default 5 s.
	ReconnectionDelayMax time.Duration

	// RandomizationFactor is the part of each wait that is random, from
	// 0 to 1. Default 0.5; a negative value means none.
	RandomizationFactor float64

	// Timeout bounds each attempt to open the Engine.IO connection (the
	// handshake); it fails with "timeout". Default 20 s.
	Timeout time.Duration

	// NoAutoConnect keeps a Manager from opening its connection before a
	// socket asks for it, and a socket from connecting at its first Emit.
	// By default a Manager opens its connection when it is made, and a
	// socket that never connected connects when it first emits.
	NoAutoConnect bool

	// Parser encodes and decodes Socket.IO packets; it must be the
	// server's. Default parser.Default, the reference's JSON parser;
	// &msgpack.Parser{} (package parser/msgpack) speaks
	// socket.io-msgpack-parser's format.
	Parser parser.Parser
}

// SocketOptions configure one socket (one namespace).
type SocketOptions struct {
	// Auth is sent with every CONNECT: the handshake's auth on the
	// server. It must encode as a JSON object (a map or a struct).
	// Default none.
	Auth any

	// AuthFunc, when set, is called before every CONNECT (each
	// reconnection included) and what it returns is sent instead of
	// Auth: for a token that changes. It runs on the goroutine that
	// opened the connection; it may block, briefly.
	AuthFunc func() any

	// Retries makes delivery to the server at least once: each emit
	// waits in a queue, one in flight at a time, in order, and is sent
	// again when its acknowledgement does not come within AckTimeout (or
	// the emit's Timeout), up to Retries more times; then its
	// AckHandler, if any, gets ErrTimeout. The server must acknowledge
	// every event. Volatile emits bypass the queue. Default 0: at most
	// once.
	Retries int

	// AckTimeout is how long an acknowledgement is awaited when the
	// emit has no Timeout of its own; then its AckHandler gets
	// ErrTimeout. Default 0: forever (until the socket disconnects).
	AckTimeout time.Duration
}

const (
	defaultPath                 = "/socket.io/"
	defaultReconnectionDelay    = time.Second
	defaultReconnectionDelayMax = 5 * time.Second
	defaultRandomization        = 0.5
	defaultTimeout              = 20 * time.Second
)

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Engine.Path == "" {
		c.Engine.Path = defaultPath
	}
	c.Engine.OnMessage, c.Engine.OnUpgrade, c.Engine.OnClose = nil, nil, nil
	if c.ReconnectionDelay <= 0 {
		c.ReconnectionDelay = defaultReconnectionDelay
	}
	if c.ReconnectionDelayMax <= 0 {
		c.ReconnectionDelayMax = defaultReconnectionDelayMax
	}
	switch {
	case c.RandomizationFactor == 0:
		c.RandomizationFactor = defaultRandomization
	case c.RandomizationFactor < 0:
		c.RandomizationFactor = 0
	case c.RandomizationFactor > 1:
		c.RandomizationFactor = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultTimeout
	}
	if c.Parser == nil {
		c.Parser = parser.Default
	}
	return c
}

// backoff computes the waits between reconnection attempts exactly as the
// reference (backo2): the attempt's delay is min * 2^attempts, moved by up
// to jitter of itself, down or up on a coin toss from the same random
// number, capped at max and truncated to whole milliseconds.
type backoff struct {
	min, max time.Duration
	jitter   float64
	attempts int
}

// duration returns the wait before the next attempt and counts it.
func (b *backoff) duration() time.Duration {
	return b.durationWith(rand.Float64())
}

func (b *backoff) durationWith(r float64) time.Duration {
	ms := float64(b.min.Milliseconds()) * math.Pow(2, float64(b.attempts))
	b.attempts++
	if b.jitter > 0 {
		dev := math.Floor(r * b.jitter * ms)
		if int64(math.Floor(r*10))&1 == 0 {
			ms -= dev
		} else {
			ms += dev
		}
	}
	ms = math.Min(ms, float64(b.max.Milliseconds()))
	return time.Duration(int64(ms)) * time.Millisecond
}

func (b *backoff) reset() { b.attempts = 0 }
