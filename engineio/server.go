package engineio

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ab218a8d/socketio/internal/id"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// Server is an Engine.IO v4 server. It is an http.Handler: mount it on the
// path clients use, for example mux.Handle("/engine.io/", srv).
type Server struct {
	cfg      *config
	handler  Handler
	upgrader *websocket.Upgrader

	mu        sync.RWMutex
	sessions  map[string]*Session // guarded by mu
	closing   bool                // guarded by mu: no new sessions
	idle      chan struct{}       // guarded by mu: closed when closing and no session is left
	listeners []*http.Server      // guarded by mu: Serve's

	tasks   tasks // the goroutines the server starts: WebSocket readers and writers
	flusher flusher
	budget  budget // Options.MaxServerQueuedBytes
}

// tasks counts running goroutines. Unlike sync.WaitGroup it allows a new
// goroutine to start while another caller waits, which happens when a
// handshake races with Close. Starting and ending one is an atomic add:
// writers start on the path of emits.
type tasks struct {
	n    atomic.Int64
	mu   sync.Mutex // for the waiters
	cond sync.Cond
}

func (t *tasks) add() { t.n.Add(1) }

func (t *tasks) done() {
	if t.n.Add(-1) == 0 {
		// A waiter holds mu from its check of n to its Wait, so it
		// cannot miss this.
		t.mu.Lock()
		if t.cond.L != nil {
			t.cond.Broadcast()
		}
		t.mu.Unlock()
	}
}

// wait returns once no goroutine is running.
func (t *tasks) wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cond.L == nil {
		t.cond.L = &t.mu
	}
	for t.n.Load() > 0 {
		t.cond.Wait()
	}
}

// NewServer returns a server whose sessions are handed to h. opts may be
// nil for the defaults.
func NewServer(h Handler, opts *Options) *Server {
	cfg := newConfig(opts)
	srv := &Server{
		cfg:      cfg,
		handler:  h,
		sessions: make(map[string]*Session),
	}
	srv.flusher.srv = srv
	srv.budget.limit = int64(cfg.MaxServerQueuedBytes)
	srv.upgrader = websocket.NewUpgrader(websocket.UpgraderOptions{
		ReadLimit:            cfg.MaxHTTPBufferSize,
		Compression:          cfg.PerMessageDeflate,
		CompressionThreshold: cfg.PerMessageDeflateThreshold,
		Spawn:                srv.goTracked,
	})
	return srv
}

// Count returns the number of open sessions.
func (srv *Server) Count() int {
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	return len(srv.sessions)
}

// Session returns the open session with the given id, or nil.
func (srv *Server) Session(id string) *Session {
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	return srv.sessions[id]
}

// ServeHTTP answers Engine.IO requests: handshakes, polls, posts and
// WebSocket upgrades. Requests are checked in the reference's order, and a
// refused request gets its status and JSON error body.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cfg := srv.cfg
	if cfg.CORS != nil {
		if done, err := applyCORS(cfg.CORS, w, r); err != nil {
			srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "MIDDLEWARE_FAILURE", Err: err})
			return
		} else if done {
			return
		}
	}
	q := r.URL.RawQuery
	transport := queryValue(q, "transport")
	if !cfg.enabled(transport) {
		srv.refuse(w, r, &RequestError{Code: CodeUnknownTransport})
		return
	}
	if invalidHeaderValue(r.Header.Get("Origin")) {
		srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "INVALID_ORIGIN"})
		return
	}
	upgrade := websocket.IsUpgradeRequest(r)
	if sid := queryValue(q, "sid"); sid != "" {
		s := srv.Session(sid)
		if s == nil {
			srv.refuse(w, r, &RequestError{Code: CodeUnknownSID})
			return
		}
		if (queryValue(q, "EIO") != "4") != s.v3 {
			// The reference keeps the revision of the handshake; a
			// request of the other one cannot be read as it means.
			srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "PROTOCOL_MISMATCH"})
			return
		}
		if Transport(transport) == WebSocket && upgrade {
			srv.upgradeSession(w, r, s)
			return
		}
		p := s.pollingTransport()
		if Transport(transport) != Polling || p == nil {
			srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "TRANSPORT_MISMATCH"})
			return
		}
		switch r.Method {
		case http.MethodGet:
			p.serveGet(w, r, false)
		case http.MethodPost:
			p.servePost(w, r)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
		return
	}
	if r.Method != http.MethodGet {
		srv.refuse(w, r, &RequestError{Code: CodeBadHandshakeMethod})
		return
	}
	if (Transport(transport) == WebSocket) != upgrade {
		srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "TRANSPORT_HANDSHAKE_ERROR"})
		return
	}
	if cfg.AllowRequest != nil {
		if err := cfg.AllowRequest(r); err != nil {
			srv.refuse(w, r, &RequestError{Code: CodeForbidden, Message: err.Error(), Err: err})
			return
		}
	}
	if j, ok := queryLookup(q, "j"); ok && Transport(transport) == Polling && !validJSONPIndex(j) {
		srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "INVALID_JSONP_INDEX"})
		return
	}
	// As the reference, anything but "4" is revision 3, a missing EIO too.
	v3 := queryValue(q, "EIO") != "4"
	if v3 && !cfg.AllowEIO3 {
		srv.refuse(w, r, &RequestError{Code: CodeUnsupportedProtocol})
		return
	}
	srv.handshake(w, r, Transport(transport), v3)
}

// handshake opens a new session of revision 3 or 4.
func (srv *Server) handshake(w http.ResponseWriter, r *http.Request, t Transport, v3 bool) {
	var ws *websocket.Conn
	if t == WebSocket {
		var err error
		h := http.Header{}
		srv.setHeaderHooks(h, r, true)
		// The 101 response goes out with the open packet, in one write;
		// for revision 3 on its own, as the reference's does. (The
		// official v3 suite waits for "open" before it listens for the
		// handshake message, and misses a message that came with it.)
		if ws, err = srv.upgrader.Upgrade(w, r, h, !v3); err != nil {
			return // the upgrader answered
		}
	}
	s := newSession(srv, id.New(), r, v3)
	var wt *wsTransport
	var pt *polling
	if ws != nil {
		wt = newWebSocket(s, ws)
		s.t = wt
	} else {
		pt = newPolling(s, newPayloadCodec(r, v3))
		s.t = pt
	}
	s.open()
	if !srv.add(s) {
		s.closeNow(ReasonForcedClose, ErrServerClosed)
		if ws == nil {
			writeError(w, CodeBadRequest, "Server is shutting down", http.StatusServiceUnavailable)
		}
		return
	}
	if wt != nil {
		s.mu.Lock()
		write := !wt.writing && s.state != stateClosed
		wt.writing = wt.writing || write
		s.mu.Unlock()
		if write {
			wt.writeQueue()
		}
		wt.serve()
		return
	}
	pt.serveGet(w, r, true)
}

// upgradeSession starts the upgrade of a polling session to WebSocket.
func (srv *Server) upgradeSession(w http.ResponseWriter, r *http.Request, s *Session) {
	h := http.Header{}
	srv.setHeaderHooks(h, r, false)
	up, err := s.beginUpgrade()
	if err != nil {
		// Already upgraded or upgrading: as the reference does, complete
		// the WebSocket handshake and close the connection at once.
		if ws, err := srv.upgrader.Upgrade(w, r, h, false); err == nil {
			ws.WriteClose(websocket.CloseNormal)
			ws.Close()
		}
		return
	}
	ws, err := srv.upgrader.Upgrade(w, r, h, false)
	if err != nil {
		up.cancel()
		return
	}
	wt := up.start(ws)
	if wt == nil {
		ws.Close()
		return
	}
	wt.serve()
}

// goTracked runs f on a goroutine that Close and Shutdown wait for.
func (srv *Server) goTracked(f func()) {
	srv.tasks.add()
	go func() {
		defer srv.tasks.done()
		f()
	}()
}

func (srv *Server) add(s *Session) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing {
		return false
	}
	srv.sessions[s.id] = s
	return true
}

func (srv *Server) remove(s *Session) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.sessions[s.id] == s {
		delete(srv.sessions, s.id)
	}
	if srv.closing && len(srv.sessions) == 0 && srv.idle != nil {
		select {
		case <-srv.idle:
		default:
			close(srv.idle)
		}
	}
}

// stop refuses new sessions and returns the open ones.
func (srv *Server) stop() []*Session {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.closing = true
	if srv.idle == nil {
		srv.idle = make(chan struct{})
		if len(srv.sessions) == 0 {
			close(srv.idle)
		}
	}
	open := make([]*Session, 0, len(srv.sessions))
	for _, s := range srv.sessions {
		open = append(open, s)
	}
	return open
}

// Shutdown stops accepting sessions, closes every open session gracefully
// (queued messages are delivered, handlers see ReasonForcedClose) and waits
// until they are all gone and the server's goroutines have ended. If ctx
// ends first, the rest are closed at once as by Close, and ctx's error is
// returned. New handshakes get 503 from the start of Shutdown.
func (srv *Server) Shutdown(ctx context.Context) error {
	for _, s := range srv.stop() {
		s.Close()
	}
	select {
	case <-srv.idle:
		srv.closeListeners(ctx)
		srv.upgrader.Close()
		srv.tasks.wait()
		return nil
	case <-ctx.Done():
		srv.Close()
		return ctx.Err()
	}
}

// Close closes every session at once, dropping what is queued (handlers see
// ReasonForcedClose with ErrServerClosed), refuses new ones, and waits for
// the server's goroutines to end, including session handlers still running.
// It must not be called from a session handler.
func (srv *Server) Close() error {
	for _, s := range srv.stop() {
		s.closeNow(ReasonForcedClose, ErrServerClosed)
	}
	srv.closeListeners(ended)
	srv.upgrader.Close()
	srv.tasks.wait()
	return nil
}

// refuse answers a request the server will not serve, as the reference
// does: a JSON error body for HTTP requests, a plain 400 for upgrades.
func (srv *Server) refuse(w http.ResponseWriter, r *http.Request, e *RequestError) {
	if e.Message == "" {
		e.Message = e.Code.String()
	}
	if f := srv.cfg.OnConnectionError; f != nil {
		f(r, e)
	}
	if websocket.IsUpgradeRequest(r) {
		h := w.Header()
		h.Set("Connection", "close")
		h.Set("Content-Type", "text/html")
		h.Set("Content-Length", strconv.Itoa(len(e.Message)))
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(e.Message))
		return
	}
	writeError(w, e.Code, e.Message)
}

// writeError writes the reference's JSON error body.
func writeError(w http.ResponseWriter, code ErrorCode, message string, status ...int) {
	if message == "" {
		message = code.String()
	}
	st := code.status()
	if len(status) > 0 {
		st = status[0]
	}
	b := make([]byte, 0, 48+len(message))
	b = append(b, `{"code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"message":`...)
	b = strconv.AppendQuote(b, message)
	b = append(b, '}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(st)
	w.Write(b)
}

// setResponseHeaders adds what every polling response carries.
func (srv *Server) setResponseHeaders(h http.Header, r *http.Request, initial bool, sid string) {
	if isIE(r.Header.Get("User-Agent")) {
		h.Set("X-XSS-Protection", "0")
	}
	h.Set("Cache-Control", "no-store")
	if initial && srv.cfg.Cookie != nil {
		ck := *srv.cfg.Cookie
		ck.Value = sid
		h.Add("Set-Cookie", ck.String())
	}
	srv.setHeaderHooks(h, r, initial)
}

func (srv *Server) setHeaderHooks(h http.Header, r *http.Request, initial bool) {
	if initial && srv.cfg.InitialHeaders != nil {
		srv.cfg.InitialHeaders(h, r)
	}
	if srv.cfg.Headers != nil {
		srv.cfg.Headers(h, r)
	}
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// invalidHeaderValue reports a header value with characters the reference
// refuses (checkInvalidHeaderChar): controls other than tab, and DEL.
func invalidHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}

// queryValue returns the first value of key in the raw query, as
// url.Values.Get would, without parsing the whole query into a map: it is
// on the path of every poll.
func queryValue(rawQuery, key string) string {
	v, _ := queryLookup(rawQuery, key)
	return v
}

// queryHas reports whether key is in the raw query, as url.Values.Has.
func queryHas(rawQuery, key string) bool {
	_, ok := queryLookup(rawQuery, key)
	return ok
}

// queryLookup finds the first pair of key in the raw query, skipping pairs
// that do not unescape, as url.ParseQuery does.
func queryLookup(rawQuery, key string) (string, bool) {
	for rawQuery != "" {
		var kv string
		kv, rawQuery, _ = strings.Cut(rawQuery, "&")
		if kv == "" || strings.IndexByte(kv, ';') >= 0 {
			continue // as url.ParseQuery
		}
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			var err error
			if k, err = url.QueryUnescape(k); err != nil {
				continue
			}
		}
		if k != key {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			u, err := url.QueryUnescape(v)
			if err != nil {
				continue
			}
			v = u
		}
		return v, true
	}
	return "", false
}
