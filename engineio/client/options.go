package client

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Transport names, as in the protocol's transport query parameter.
const (
	Polling   = "polling"
	WebSocket = "websocket"
)

// DefaultMaxMessageSize is the default of Options.MaxMessageSize.
const DefaultMaxMessageSize = 16 << 20

// Options configure a connection. The zero value (or nil) works: it
// connects over long-polling, then upgrades to WebSocket, as the official
// engine.io-client does. Dial copies the options and never modifies them.
type Options struct {
	// Path is the server's Engine.IO path. Default "/engine.io/";
	// Socket.IO serves it at "/socket.io/". A trailing slash is added.
	Path string

	// Query is added to the query of every request, after what the URL
	// given to Dial carries.
	Query url.Values

	// Header is added to every HTTP request, the WebSocket handshake
	// included (the reference's extraHeaders).
	Header http.Header

	// Transports are tried in this order: the connection opens on the
	// first one, and upgrades to WebSocket when it is listed after it.
	// Default {Polling, WebSocket}.
	Transports []string

	// NoUpgrade keeps a connection on the transport it opened with (the
	// reference's upgrade: false). By default a long-polling connection
	// upgrades to WebSocket when the server offers it.
	NoUpgrade bool

	// HTTPClient makes the long-polling requests. Default: a client on a
	// transport shared by every connection that sets neither TLSConfig,
	// NetDialContext nor Proxy, with the proxy from the environment
	// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). When set, TLSConfig,
	// NetDialContext and Proxy apply to the WebSocket transport only.
	HTTPClient *http.Client

	// TLSConfig is used for https and wss URLs. Default: the system's
	// roots, as net/http.
	TLSConfig *tls.Config

	// NetDialContext dials the TCP connections. Default: net.Dialer's.
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// Proxy returns the proxy of a request, nil for none. Default
	// http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)

	// Jar, when set, keeps the cookies the server sets and sends them
	// back with every request, WebSocket handshake included: what a load
	// balancer's sticky-session cookie needs (the reference's
	// withCredentials). A cookiejar.New(nil) does; give a Manager's
	// reconnections the same jar. Default: no cookies are kept.
	Jar http.CookieJar

	// MaxMessageSize bounds what one long-polling response or one
	// WebSocket message may hold; a larger one closes the connection
	// with a transport error. Default DefaultMaxMessageSize (16 MiB).
	MaxMessageSize int64

	// OnMessage receives each message the server sends, in order. Data
	// belongs to the callee. See Conn for the goroutine it runs on.
	OnMessage func(m Message)

	// OnUpgrade is told when the connection has moved to another
	// transport (WebSocket).
	OnUpgrade func(transport string)

	// OnClose is told once why the connection closed, after the last
	// OnMessage. err says more, when there is more to say.
	OnClose func(reason CloseReason, err error)
}

// sharedTransport is the default HTTP transport of long-polling: one for
// every connection, so that their idle connections are pooled.
var sharedTransport = &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	ForceAttemptHTTP2:   true,
	MaxIdleConns:        1024,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
	TLSHandshakeTimeout: 10 * time.Second,
}

// withDefaults returns a copy of o (nil: the zero Options) with every
// default in place.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Path == "" {
		c.Path = "/engine.io/"
	}
	if c.Path[len(c.Path)-1] != '/' {
		c.Path += "/"
	}
	if len(c.Transports) == 0 {
		c.Transports = []string{Polling, WebSocket}
	} else {
		c.Transports = slices.Clone(c.Transports)
	}
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.Proxy == nil {
		c.Proxy = http.ProxyFromEnvironment
	}
	if c.HTTPClient == nil {
		t := sharedTransport
		if o != nil && (o.TLSConfig != nil || o.NetDialContext != nil || o.Proxy != nil) {
			t = sharedTransport.Clone()
			t.Proxy = c.Proxy
			if c.TLSConfig != nil {
				t.TLSClientConfig = c.TLSConfig.Clone()
			}
			if c.NetDialContext != nil {
				t.DialContext = c.NetDialContext
			}
		}
		c.HTTPClient = &http.Client{Transport: t, Jar: c.Jar}
	} else if c.Jar != nil && c.HTTPClient.Jar == nil {
		hc := *c.HTTPClient
		hc.Jar = c.Jar
		c.HTTPClient = &hc
	}
	return c
}
