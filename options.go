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
// The fields before ConnectTimeout configure the Engine.IO layer, as
// engineio.Options does, and have the same meaning; they are here so that
// a server is configured from this package alone:
//
//	srv := socketio.NewServer(&socketio.Options{
//		CORS:              &socketio.CORSOptions{Origins: []string{"https://example.com"}},
//		AllowRequest:      socketio.AllowOrigins("https://example.com"),
//		MaxHTTPBufferSize: 2e6,
//	})
type Options struct {
	// PingInterval is how often the server sends a ping. Default 25s.
	PingInterval time.Duration
	// PingTimeout is how long the server waits for the pong before it
	// closes the connection (ReasonPingTimeout). Default 20s.
	PingTimeout time.Duration
	// UpgradeTimeout is how long an upgrade to WebSocket may take before
	// the probing connection is closed. Default 10s.
	UpgradeTimeout time.Duration
	// MaxHTTPBufferSize is the largest long-polling POST body (larger gets
	// 413) and the largest WebSocket message (larger closes the connection
	// with code 1009), in bytes. It is announced to clients as maxPayload.
	// Default 1e6.
	MaxHTTPBufferSize int64

	// Transports lists the enabled transports. Default: Polling and
	// WebSocket.
	Transports []Transport
	// DisableUpgrades stops polling connections from upgrading to
	// WebSocket (the reference's allowUpgrades: false). Default false:
	// upgrades are allowed.
	DisableUpgrades bool
	// AllowRequest, if set, is asked about every handshake request before a
	// connection is created. A non-nil error refuses it with 403, code 4,
	// and the error's text as the message. Default nil: every request is
	// allowed. Origins of WebSocket requests are not checked otherwise,
	// as in the reference, CORS or not: AllowOrigins checks them.
	AllowRequest func(r *http.Request) error
	// CORS, if set, adds CORS headers and answers preflight requests like
	// the npm cors middleware that the reference server uses. Default nil:
	// no CORS headers, and OPTIONS requests are refused. CORS does not
	// protect WebSocket, which browsers open from any origin: to refuse
	// other sites' pages, set AllowRequest to AllowOrigins(...) as well.
	CORS *CORSOptions
	// Cookie, if set, is sent with Set-Cookie on the handshake response of
	// a polling connection, its value the session id, for cookie-based
	// sticky sessions. An empty Name means "io" and an empty Path "/";
	// DefaultCookie returns the reference's defaults. Default nil: no
	// cookie.
	Cookie *http.Cookie

	// DisableHTTPCompression turns off gzip and deflate of long-polling
	// responses. Default false: responses of HTTPCompressionThreshold bytes
	// or more are compressed when the client accepts it.
	DisableHTTPCompression bool
	// HTTPCompressionThreshold is the smallest polling response that is
	// compressed. Default 1024.
	HTTPCompressionThreshold int
	// PerMessageDeflate enables the WebSocket permessage-deflate extension
	// (without context takeover) when the client offers it. Default false.
	PerMessageDeflate bool
	// PerMessageDeflateThreshold is the smallest WebSocket message that is
	// compressed when PerMessageDeflate is on. Default 1024.
	PerMessageDeflateThreshold int

	// InitialHeaders, if set, may add headers to the response that opens a
	// connection (polling handshake or WebSocket upgrade).
	InitialHeaders func(h http.Header, r *http.Request)
	// Headers, if set, may add headers to every successful response
	// (polling requests and WebSocket upgrades).
	Headers func(h http.Header, r *http.Request)
	// OnConnectionError, if set, is called for every refused request (the
	// reference's "connection_error" event).
	OnConnectionError func(r *http.Request, err *RequestError)

	// MaxQueuedBytes bounds the data waiting to be written to one
	// connection. An emit that would exceed it fails and closes the
	// connection (ReasonTransportError, engineio.ErrQueueFull). Default 16
	// MiB. The reference has no bound; this is what keeps a client that
	// stopped reading from growing the server's memory.
	MaxQueuedBytes int
	// MaxServerQueuedBytes bounds the data waiting to be written to all
	// connections together, as engineio.Options.MaxServerQueuedBytes
	// details: an emit that finds it exhausted waits for the writers to
	// make room, and the connections whose backlogs have not moved for a
	// second are closed. Default 256 MiB. Keep it well above
	// MaxQueuedBytes.
	MaxServerQueuedBytes int
	// CloseTimeout is how long closing a long-polling connection waits
	// for the client's next request to deliver the close packet. Default
	// 30s.
	CloseTimeout time.Duration
	// Logger receives reports of recovered panics in handlers. Default
	// slog.Default().
	Logger *slog.Logger

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
