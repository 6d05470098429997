package engineio

import (
	"log/slog"
	"net/http"
	"time"
)

// Transport names a way for a client to reach the server.
type Transport string

// The transports a server offers.
const (
	Polling   Transport = "polling"
	WebSocket Transport = "websocket"
)

// Options configures a Server. The zero value (or a nil *Options) gives the
// reference server's defaults, written on each field. NewServer copies the
// options; the library never modifies them.
type Options struct {
	// PingInterval is how often the server sends a ping. Default 25s.
	PingInterval time.Duration
	// PingTimeout is how long the server waits for the pong before it
	// closes the session with ReasonPingTimeout. Default 20s.
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
	// AllowEIO3 also accepts clients of Engine.IO protocol revision 3
	// (EIO=3, and a request without EIO, as the reference takes it): the
	// engine.io-client 3.x inside socket.io-client 2.x. Each session speaks
	// the revision its handshake asked for: v3's length-prefixed and
	// binary polling payloads, its typed binary WebSocket frames and its
	// client-driven heartbeat. Default false: such requests get 400 with
	// code 5, "Unsupported protocol version", as in the reference.
	AllowEIO3 bool
	// DisableUpgrades stops polling sessions from upgrading to WebSocket
	// (the reference's allowUpgrades: false). Default false: upgrades are
	// allowed.
	DisableUpgrades bool
	// AllowRequest, if set, is asked about every handshake request before a
	// session is created. A non-nil error refuses it with 403, code 4, and
	// the error's text as the message. Default nil: every request is
	// allowed. Origins of WebSocket requests are not checked otherwise,
	// as in the reference, CORS or not: AllowOrigins checks them.
	AllowRequest func(r *http.Request) error
	// CORS, if set, adds CORS headers and answers preflight requests like
	// the npm cors middleware that the reference server uses. Default nil:
	// no CORS headers, and OPTIONS requests are refused.
	CORS *CORSOptions
	// Cookie, if set, is sent with Set-Cookie on the handshake response of
	// a polling session, its value the session id, for cookie-based sticky
	// sessions. An empty Name means "io" and an empty Path "/";
	// DefaultCookie returns the reference's defaults. Default nil: no cookie.
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

	// InitialPacket, if not empty, is sent as a text message right after
	// the open packet of every session. Default empty.
	InitialPacket string
	// InitialHeaders, if set, may add headers to the response that opens a
	// session (polling handshake or WebSocket upgrade).
	InitialHeaders func(h http.Header, r *http.Request)
	// Headers, if set, may add headers to every successful response
	// (polling requests and WebSocket upgrades).
	Headers func(h http.Header, r *http.Request)
	// OnConnectionError, if set, is called for every refused request (the
	// reference's "connection_error" event).
	OnConnectionError func(r *http.Request, err *RequestError)

	// MaxQueuedBytes bounds the data waiting to be written to one session.
	// A send that would exceed it fails with ErrQueueFull and closes the
	// session with ReasonTransportError. Default 16 MiB. The reference has
	// no bound; this is what keeps a client that stopped reading from
	// growing the server's memory.
	MaxQueuedBytes int
	// MaxServerQueuedBytes bounds the data waiting to be written across
	// all sessions together: what their queues hold and what their
	// transports took and have not written yet, each packet counted with
	// 64 bytes for its bookkeeping, and a broadcast's message once per
	// recipient (an upper bound: recipients share its bytes until a
	// write copies them). A send that would exceed it waits for the
	// writers to make room; every 100 ms without room, the sessions whose
	// backlogs have not moved for three seconds are closed with
	// ReasonTransportError and ErrServerQueueFull, the sender's own
	// session too if it is one of them. A volatile packet is
	// dropped while the budget is exhausted. Default 256 MiB: the memory
	// a storm of broadcasts to clients that cannot keep up may take,
	// instead of MaxQueuedBytes times the number of sessions. Keep it
	// well above MaxQueuedBytes, so that one slow client is cut by its own
	// bound before it can pace the others.
	MaxServerQueuedBytes int
	// CloseTimeout is how long Session.Close waits for a long-polling
	// client's next request to deliver the close packet. Default 30s.
	CloseTimeout time.Duration
	// Logger receives reports of recovered panics in handlers. Default
	// slog.Default().
	Logger *slog.Logger
}

// DefaultCookie returns the reference's default session cookie: name "io",
// path "/", HttpOnly, SameSite=Lax.
func DefaultCookie() *http.Cookie {
	return &http.Cookie{Name: "io", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// CORSOptions configures cross-origin resource sharing for polling
// requests. It follows the npm cors package, which the reference server
// uses.
//
// CORS does not protect WebSocket: a browser opens one from a page of any
// origin, whatever the CORS headers say, and the server does not check
// origins by default (nor does the reference). To refuse other sites'
// pages on both transports, set as well:
//
//	opts.AllowRequest = engineio.AllowOrigins("https://example.com")
type CORSOptions struct {
	// Origins lists the allowed origins. Empty, or a single "*", allows any
	// origin with "Access-Control-Allow-Origin: *". A single other origin is
	// always sent as is. Several origins: a request's Origin that is in the
	// list is echoed back, others get no Access-Control-Allow-Origin.
	Origins []string
	// AllowOrigin, if set, decides instead of Origins: true echoes the
	// request's Origin back; false adds no CORS headers at all; an error
	// refuses the request with code 3.
	AllowOrigin func(origin string, r *http.Request) (bool, error)
	// Credentials sends "Access-Control-Allow-Credentials: true".
	Credentials bool
	// Methods answered to preflight requests. Default
	// GET,HEAD,PUT,PATCH,POST,DELETE.
	Methods []string
	// AllowedHeaders answered to preflight requests. Default: the
	// request's Access-Control-Request-Headers, echoed back.
	AllowedHeaders []string
	// ExposedHeaders, if set, is sent as Access-Control-Expose-Headers.
	ExposedHeaders []string
	// MaxAge, if positive, is sent as Access-Control-Max-Age (whole
	// seconds) on preflight responses.
	MaxAge time.Duration
}

// config is Options with the defaults applied.
type config struct {
	Options
	polling, websocket bool
}

func newConfig(o *Options) *config {
	c := &config{}
	if o != nil {
		c.Options = *o
	}
	setDefault(&c.PingInterval, 25*time.Second)
	setDefault(&c.PingTimeout, 20*time.Second)
	setDefault(&c.UpgradeTimeout, 10*time.Second)
	setDefault(&c.MaxHTTPBufferSize, 1e6)
	setDefault(&c.HTTPCompressionThreshold, 1024)
	setDefault(&c.PerMessageDeflateThreshold, 1024)
	setDefault(&c.MaxQueuedBytes, 16<<20)
	setDefault(&c.MaxServerQueuedBytes, 256<<20)
	setDefault(&c.CloseTimeout, 30*time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if len(c.Transports) == 0 {
		c.Transports = []Transport{Polling, WebSocket}
	}
	c.Transports = append([]Transport(nil), c.Transports...)
	for _, t := range c.Transports {
		switch t {
		case Polling:
			c.polling = true
		case WebSocket:
			c.websocket = true
		}
	}
	if c.Cookie != nil {
		ck := *c.Cookie
		if ck.Name == "" {
			ck.Name = "io"
		}
		if ck.Path == "" {
			ck.Path = "/"
		}
		c.Cookie = &ck
	}
	return c
}

func setDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// enabled reports whether the transport named t is on.
func (c *config) enabled(t string) bool {
	switch Transport(t) {
	case Polling:
		return c.polling
	case WebSocket:
		return c.websocket
	}
	return false
}

// upgrades lists what a session on transport t may upgrade to.
func (c *config) upgrades(t Transport) []Transport {
	if t == Polling && c.websocket && !c.DisableUpgrades {
		return []Transport{WebSocket}
	}
	return nil
}
