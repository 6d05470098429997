package socketio

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// Options configures a Server. The zero value (or a nil *Options) gives the
// reference server's defaults, written on each field. NewServer copies the
// options; the library never modifies them.
//
// The Engine.IO layer's options are fields of Options too, so that a
// server is configured from this package alone:
//
//	srv := socketio.NewServer(&socketio.Options{
//		CORS:              &socketio.CORSOptions{Origins: []string{"https://example.com"}},
//		AllowRequest:      socketio.AllowOrigins("https://example.com"),
//		MaxHTTPBufferSize: 2e6,
//	})
type Options struct {
	// The Engine.IO layer's options: each has the meaning and the default
	// of the engineio.Options field of the same name.

	PingInterval   time.Duration // how often the server pings; default 25s
	PingTimeout    time.Duration // how long a pong may take; default 20s
	UpgradeTimeout time.Duration // how long an upgrade to WebSocket may take; default 10s
	// MaxHTTPBufferSize is the largest message or polling POST, in bytes;
	// default 1e6.
	MaxHTTPBufferSize int64
	Transports        []Transport // the enabled transports; default Polling and WebSocket
	DisableUpgrades   bool        // keep polling clients on polling; default false
	// AllowEIO3 also serves socket.io-client 1.x and 2.x: Engine.IO v3
	// and Socket.IO protocol v4, on the same path as today's clients.
	// Default false, as in the reference.
	AllowEIO3 bool
	// AllowRequest, if set, is asked about every handshake: an error
	// refuses it (403). Origins are not checked otherwise, CORS or not:
	// AllowOrigins(...) checks them, on both transports.
	AllowRequest func(r *http.Request) error
	// CORS, if set, answers cross-origin polling requests as the npm cors
	// package does. It does not protect WebSocket, which browsers open from
	// any page: set AllowRequest to AllowOrigins(...) as well.
	CORS *CORSOptions
	// Cookie, if set, is sent on the polling handshake, for cookie-based
	// sticky sessions (see DefaultCookie).
	Cookie                     *http.Cookie
	DisableHTTPCompression     bool // no gzip or deflate of polling responses
	HTTPCompressionThreshold   int  // the smallest polling response compressed; default 1024
	PerMessageDeflate          bool // WebSocket compression, when the client offers it; default false
	PerMessageDeflateThreshold int  // the smallest WebSocket message compressed; default 1024
	// InitialHeaders and Headers may add headers to the response that
	// opens a connection, and to every successful response.
	InitialHeaders func(h http.Header, r *http.Request)
	Headers        func(h http.Header, r *http.Request)
	// OnConnectionError is told of every refused request.
	OnConnectionError func(r *http.Request, err *RequestError)
	// MaxQueuedBytes bounds what waits to be written to one connection;
	// default 16 MiB. A client that stops reading is disconnected.
	MaxQueuedBytes int
	// MaxServerQueuedBytes bounds what waits to be written to all
	// connections; default 256 MiB. An emit that finds it exhausted waits
	// for room, and the connections stalled for a second are disconnected.
	MaxServerQueuedBytes int
	CloseTimeout         time.Duration // how long a polling close waits for the client's poll; default 30s
	Logger               *slog.Logger  // where recovered panics are logged; default slog.Default()

	// The Socket.IO layer's options.

	// ConnectTimeout is how long a client may stay connected without
	// joining a namespace before it is disconnected. Default 45s.
	ConnectTimeout time.Duration
	// Adapter makes each namespace's adapter. Default adapter.NewMemory.
	Adapter adapter.Factory
	// Parser encodes and decodes packets. Default parser.Default.
	Parser parser.Parser
	// CleanupEmptyChildNamespaces removes a namespace created by a dynamic
	// parent when its last socket leaves. Default false.
	CleanupEmptyChildNamespaces bool
}

// The Engine.IO types that Options uses, so that a server is configured
// from this package alone.
type (
	// Transport names a way for a client to reach the server.
	Transport = engineio.Transport
	// CORSOptions configures cross-origin resource sharing for polling
	// requests (see engineio.CORSOptions).
	CORSOptions = engineio.CORSOptions
	// RequestError is a refused request, as OnConnectionError sees it.
	RequestError = engineio.RequestError
)

// The transports a server offers.
const (
	Polling   = engineio.Polling
	WebSocket = engineio.WebSocket
)

// AllowOrigins returns an AllowRequest check that refuses a request whose
// Origin header is set and not one of origins, on both transports (see
// engineio.AllowOrigins).
func AllowOrigins(origins ...string) func(r *http.Request) error {
	return engineio.AllowOrigins(origins...)
}

// DefaultCookie returns the reference's default session cookie: name "io",
// path "/", HttpOnly, SameSite=Lax.
func DefaultCookie() *http.Cookie { return engineio.DefaultCookie() }

// engineOptions returns the Engine.IO layer's part of o.
func (o *Options) engineOptions() engineio.Options {
	return engineio.Options{
		PingInterval:               o.PingInterval,
		PingTimeout:                o.PingTimeout,
		UpgradeTimeout:             o.UpgradeTimeout,
		MaxHTTPBufferSize:          o.MaxHTTPBufferSize,
		Transports:                 o.Transports,
		DisableUpgrades:            o.DisableUpgrades,
		AllowEIO3:                  o.AllowEIO3,
		AllowRequest:               o.AllowRequest,
		CORS:                       o.CORS,
		Cookie:                     o.Cookie,
		DisableHTTPCompression:     o.DisableHTTPCompression,
		HTTPCompressionThreshold:   o.HTTPCompressionThreshold,
		PerMessageDeflate:          o.PerMessageDeflate,
		PerMessageDeflateThreshold: o.PerMessageDeflateThreshold,
		InitialHeaders:             o.InitialHeaders,
		Headers:                    o.Headers,
		OnConnectionError:          o.OnConnectionError,
		MaxQueuedBytes:             o.MaxQueuedBytes,
		MaxServerQueuedBytes:       o.MaxServerQueuedBytes,
		CloseTimeout:               o.CloseTimeout,
		Logger:                     o.Logger,
	}
}

type config struct {
	Options
}

func newConfig(o *Options) *config {
	c := &config{}
	if o != nil {
		c.Options = *o
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = 45 * time.Second
	}
	if c.Adapter == nil {
		c.Adapter = adapter.NewMemory
	}
	if c.Parser == nil {
		c.Parser = parser.Default
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
