package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/parser"
)

// ErrClosed is what Connect returns when the Manager is closed meanwhile.
var ErrClosed = errors.New("socketio: manager closed")

type mstate uint8

const (
	closed mstate = iota
	opening
	open
)

// A Manager owns one Engine.IO connection to a server and multiplexes the
// sockets of several namespaces over it (the reference's Manager). It
// reconnects, with backoff, when the connection fails or breaks, and
// its sockets reconnect with it.
//
// Its methods are safe for concurrent use.
type Manager struct {
	uri  string // the server's URL, without a path
	opts Options
	d    *dispatcher
	// curGen is gen, readable without mu: a post waiting for room in the
	// dispatcher gives up once its connection is gone.
	curGen atomic.Uint64

	mu            sync.Mutex
	state         mstate             // guarded by mu
	engine        *eio.Conn          // guarded by mu: set while open
	gen           uint64             // guarded by mu: counts the attempts to open; older ones' callbacks are ignored
	dialCancel    context.CancelFunc // guarded by mu: ends the attempt under way
	nsps          map[string]*Socket // guarded by mu
	skipReconnect bool               // guarded by mu: Close, or no socket wants the connection
	reconnecting  bool               // guarded by mu: a reconnection waits or is under way
	backoff       backoff            // guarded by mu
	timer         *time.Timer        // guarded by mu: the wait before the next attempt
	lastErr       error              // guarded by mu: the last attempt's error
	parseErr      error              // guarded by mu: the packet that did not decode, which closes the connection
	h             managerHandlers    // guarded by mu; the slices are copy-on-write
}

type managerHandlers struct {
	open             []func()
	close            []func(DisconnectReason, error)
	err              []func(error)
	reconnectAttempt []func(int)
	reconnect        []func(int)
	reconnectError   []func(error)
	reconnectFailed  []func()
}

// NewManager returns a Manager for the server at rawURL (http, https, ws
// or wss; its path is ignored, the namespaces are the sockets'; its query
// is sent with every request). Unless NoAutoConnect, it starts opening its
// connection at once.
func NewManager(rawURL string, opts *Options) (*Manager, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("socketio: bad URL: %w", err)
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, fmt.Errorf("socketio: bad URL %q: the scheme must be http, https, ws or wss", rawURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("socketio: bad URL %q: no host", rawURL)
	}
	u.Path, u.RawPath, u.Fragment = "", "", ""
	m := &Manager{uri: u.String(), opts: opts.withDefaults(), d: newDispatcher(), nsps: map[string]*Socket{}}
	m.backoff = backoff{min: m.opts.ReconnectionDelay, max: m.opts.ReconnectionDelayMax, jitter: m.opts.RandomizationFactor}
	if !m.opts.NoAutoConnect {
		m.mu.Lock()
		m.openLocked()
		m.mu.Unlock()
	}
	return m, nil
}

// New returns a socket for the namespace in rawURL's path ("/" when it has
// none) on a Manager of its own: the reference's io(url, {forceNew:
// true}). Register its handlers, then Connect.
func New(rawURL string, opts *Options) (*Socket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("socketio: bad URL: %w", err)
	}
	m, err := NewManager(rawURL, opts)
	if err != nil {
		return nil, err
	}
	nsp := u.Path
	if nsp == "" {
		nsp = "/"
	}
	var so *SocketOptions
	if opts != nil {
		so = &opts.SocketOptions
	}
	return m.Socket(nsp, so), nil
}

// Socket returns the Manager's socket for namespace nsp ("/" when empty),
// made on first use with opts: one socket per namespace, all over the
// Manager's one connection. It does not connect it (see Socket.Connect).
func (m *Manager) Socket(nsp string, opts *SocketOptions) *Socket {
	if nsp == "" {
		nsp = "/"
	} else if nsp[0] != '/' {
		nsp = "/" + nsp
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.nsps[nsp]; s != nil {
		return s
	}
	s := newSocket(m, nsp, opts)
	m.nsps[nsp] = s
	return s
}

// Open opens the connection if it is not open or opening. Sockets do it
// when they connect; a Manager made with NoAutoConnect may be opened
// ahead of them.
func (m *Manager) Open() {
	m.mu.Lock()
	m.skipReconnect = false
	m.openLocked()
	m.mu.Unlock()
}

// Close closes the connection and stops reconnecting: every connected
// socket disconnects with ReasonForcedClose. The server's events still
// waiting for their handlers are dropped. A socket's Connect opens it
// again.
func (m *Manager) Close() error {
	m.mu.Lock()
	m.closeLocked()
	m.mu.Unlock()
	return nil
}

// closeLocked closes the Manager (the reference's _close). The engine is
// closed under mu: mu is taken before the engine's lock, never after.
func (m *Manager) closeLocked() {
	m.skipReconnect = true
	m.reconnecting = false
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	if m.dialCancel != nil {
		m.dialCancel()
		m.dialCancel = nil
	}
	e := m.engine
	wasOpen := m.state == open
	m.nextGenLocked()
	m.state, m.engine = closed, nil
	m.backoff.reset()
	m.d.close()
	for _, s := range m.nsps {
		s.failWaitersLocked(ErrClosed)
	}
	if wasOpen {
		m.onCloseLocked(ReasonForcedClose, nil)
	}
	if e != nil {
		e.Close()
	}
}

// nextGenLocked starts a new generation: callbacks of the connection of
// the one before are ignored.
func (m *Manager) nextGenLocked() uint64 {
	m.gen++
	m.curGen.Store(m.gen)
	m.d.wake()
	return m.gen
}

// openLocked starts an attempt to open the connection, unless one is
// under way or it is open.
func (m *Manager) openLocked() {
	if m.state != closed {
		return
	}
	m.state = opening
	m.d.open()
	gen := m.nextGenLocked()
	ctx, cancel := context.WithTimeout(context.Background(), m.opts.Timeout)
	m.dialCancel = cancel
	go m.dial(ctx, gen)
}

// dial opens the Engine.IO connection of generation gen.
func (m *Manager) dial(ctx context.Context, gen uint64) {
	o := m.opts.Engine
	dec := m.opts.Parser.NewDecoder()
	o.OnMessage = func(msg eio.Message) { m.onMessage(gen, dec, msg) }
	o.OnClose = func(r eio.CloseReason, err error) { m.onEngineClose(gen, r, err) }
	conn, err := eio.Dial(ctx, m.uri, &o)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("socketio: %w: %w", errOpenTimeout, err)
	}
	m.mu.Lock()
	if m.gen != gen || m.state != opening {
		m.mu.Unlock()
		if conn != nil {
			conn.Close()
		}
		return
	}
	m.dialCancel()
	m.dialCancel = nil
	if err != nil {
		m.onOpenErrorLocked(err)
		m.mu.Unlock()
		return
	}
	m.state, m.engine = open, conn
	postAll(m, m.h.open, func(f func()) { f() })
	if m.reconnecting {
		attempt := m.backoff.attempts
		m.reconnecting = false
		m.backoff.reset()
		postAll(m, m.h.reconnect, func(f func(int)) { f(attempt) })
	}
	var join []*Socket
	for _, s := range m.nsps {
		if s.active && !s.connected {
			join = append(join, s)
		}
	}
	m.mu.Unlock()
	for _, s := range join {
		s.sendConnect(gen)
	}
}

// onOpenErrorLocked handles a failed attempt to open the connection.
func (m *Manager) onOpenErrorLocked(err error) {
	m.state = closed
	m.lastErr = err
	postAll(m, m.h.err, func(f func(error)) { f(err) })
	for _, s := range m.nsps {
		if s.active && !s.connected {
			s.postConnectErrorLocked(err)
		}
	}
	switch {
	case m.reconnecting:
		m.reconnecting = false
		m.reconnectLocked()
		postAll(m, m.h.reconnectError, func(f func(error)) { f(err) })
	case !m.opts.NoReconnection && m.backoff.attempts == 0:
		m.reconnectLocked()
	default:
		for _, s := range m.nsps {
			s.failWaitersLocked(err)
		}
	}
}

// reconnectLocked waits the backoff's next delay, then opens the
// connection again; or gives up after ReconnectionAttempts.
func (m *Manager) reconnectLocked() {
	if m.reconnecting || m.skipReconnect {
		return
	}
	if n := m.opts.ReconnectionAttempts; n > 0 && m.backoff.attempts >= n {
		m.backoff.reset()
		postAll(m, m.h.reconnectFailed, func(f func()) { f() })
		err := fmt.Errorf("%w: %w", ErrReconnectFailed, m.lastErr)
		for _, s := range m.nsps {
			s.failWaitersLocked(err)
		}
		return
	}
	delay := m.backoff.duration()
	m.reconnecting = true
	var t *time.Timer
	t = time.AfterFunc(delay, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.skipReconnect || m.timer != t {
			return
		}
		m.timer = nil
		attempt := m.backoff.attempts
		postAll(m, m.h.reconnectAttempt, func(f func(int)) { f(attempt) })
		m.openLocked()
	})
	m.timer = t
}

// onEngineClose handles the close of the connection of generation gen.
func (m *Manager) onEngineClose(gen uint64, r eio.CloseReason, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.gen || m.state != open {
		return
	}
	reason := engineReason(r)
	if m.parseErr != nil {
		reason, err, m.parseErr = ReasonParseError, m.parseErr, nil
	}
	m.nextGenLocked()
	m.state, m.engine = closed, nil
	m.backoff.reset()
	m.onCloseLocked(reason, err)
	if !m.opts.NoReconnection {
		m.reconnectLocked()
	}
}

// onCloseLocked tells the Manager's close handlers and its sockets.
func (m *Manager) onCloseLocked(reason DisconnectReason, err error) {
	postAll(m, m.h.close, func(f func(DisconnectReason, error)) { f(reason, err) })
	for _, s := range m.nsps {
		if s.active || s.connected {
			s.onCloseLocked(reason, err)
		}
	}
}

func engineReason(r eio.CloseReason) DisconnectReason {
	switch r {
	case eio.ReasonPingTimeout:
		return ReasonPingTimeout
	case eio.ReasonTransportClose:
		return ReasonTransportClose
	case eio.ReasonForcedClose:
		return ReasonForcedClose
	}
	return ReasonTransportError
}

// onMessage decodes a message of the connection of generation gen and
// routes the packet it completes to its socket. It runs on the
// connection's reading goroutine.
func (m *Manager) onMessage(gen uint64, dec parser.Decoder, msg eio.Message) {
	if m.curGen.Load() != gen {
		return
	}
	p, err := dec.Add(msg.Data, msg.Binary)
	if err != nil {
		m.mu.Lock()
		var e *eio.Conn
		if m.gen == gen && m.state == open && m.parseErr == nil {
			m.parseErr, e = err, m.engine
		}
		m.mu.Unlock()
		if e != nil {
			e.Close()
		}
		return
	}
	if p == nil {
		return
	}
	m.mu.Lock()
	s := m.nsps[p.Namespace]
	if gen != m.gen || m.state != open || m.parseErr != nil || s == nil {
		m.mu.Unlock()
		return
	}
	if !s.active {
		s.onStrayLocked(gen, p)
		m.mu.Unlock()
		return
	}
	ev := s.onPacketLocked(gen, p)
	m.mu.Unlock()
	if ev != nil {
		cost := len(p.Data)
		for _, a := range p.Attachments {
			cost += len(a)
		}
		m.d.post(func() { s.dispatch(ev) }, cost+1, func() bool { return m.curGen.Load() != gen })
	}
}

// postAll posts a call of each handler in hs. The caller holds mu.
func postAll[F any](m *Manager, hs []F, call func(F)) {
	for _, h := range hs {
		m.d.post(func() { call(h) }, 0, nil)
	}
}

// writeLocked encodes p and queues its messages on the connection. The
// caller holds mu; the connection is open.
func (m *Manager) writeLocked(p *parser.Packet) error {
	frames, err := m.opts.Parser.Encode(p)
	if err != nil {
		return err
	}
	for _, f := range frames {
		if err := m.engine.Send(eio.Message{Data: f.Data, Binary: f.Binary}); err != nil {
			return err
		}
	}
	return nil
}

// noneActiveLocked reports whether no socket wants the connection.
func (m *Manager) noneActiveLocked() bool {
	for _, s := range m.nsps {
		if s.active {
			return false
		}
	}
	return true
}

// Engine returns the Engine.IO connection, nil while there is none.
func (m *Manager) Engine() *eio.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.engine
}

// OnOpen adds a handler told when the connection opens.
func (m *Manager) OnOpen(h func()) { m.add(func(x *managerHandlers) { x.open = appendCOW(x.open, h) }) }

// OnClose adds a handler told when the connection closes, and why.
func (m *Manager) OnClose(h func(reason DisconnectReason, err error)) {
	m.add(func(x *managerHandlers) { x.close = appendCOW(x.close, h) })
}

// OnError adds a handler told when an attempt to open the connection
// fails.
func (m *Manager) OnError(h func(err error)) {
	m.add(func(x *managerHandlers) { x.err = appendCOW(x.err, h) })
}

// OnReconnectAttempt adds a handler told of each reconnection attempt, with
// its number (from 1), before it starts.
func (m *Manager) OnReconnectAttempt(h func(attempt int)) {
	m.add(func(x *managerHandlers) { x.reconnectAttempt = appendCOW(x.reconnectAttempt, h) })
}

// OnReconnect adds a handler told when a reconnection succeeded, with the
// number of attempts it took.
func (m *Manager) OnReconnect(h func(attempt int)) {
	m.add(func(x *managerHandlers) { x.reconnect = appendCOW(x.reconnect, h) })
}

// OnReconnectError adds a handler told when a reconnection attempt fails.
func (m *Manager) OnReconnectError(h func(err error)) {
	m.add(func(x *managerHandlers) { x.reconnectError = appendCOW(x.reconnectError, h) })
}

// OnReconnectFailed adds a handler told when ReconnectionAttempts attempts
// in a row failed: the Manager stops trying.
func (m *Manager) OnReconnectFailed(h func()) {
	m.add(func(x *managerHandlers) { x.reconnectFailed = appendCOW(x.reconnectFailed, h) })
}

func (m *Manager) add(f func(*managerHandlers)) {
	m.mu.Lock()
	f(&m.h)
	m.mu.Unlock()
}

// appendCOW returns s with v appended, in a new array: the handler slices
// are never modified once stored, so they can be used after unlocking.
func appendCOW[T any](s []T, v T) []T {
	return append(slices.Clip(s), v)
}
