package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/client"
	eio "github.com/ab218a8d/socketio/engineio/client"
	"github.com/ab218a8d/socketio/parser"
)

// closeWait bounds each wait of the shutdown: for the handlers to print
// what they were given, for the connection to write what was emitted.
const closeWait = 5 * time.Second

// drainEvent names the event the shutdown emits, never sent (see drain).
const drainEvent = "sio:drain"

// errStopped ends the emits: a signal came, or the session ended while
// none was awaiting its acknowledgement.
var errStopped = errors.New("stopped")

// errEnded is wrapped by the error of an emit whose acknowledgement was
// awaited when the session ended.
var errEnded = errors.New("the session ended")

// session is one run of the client.
type session struct {
	cfg  *config
	out  *syncWriter // stdout
	errw *syncWriter // stderr
	tr   *http.Transport
	m    *client.Manager
	s    *client.Socket

	mu   sync.Mutex
	seen map[string]bool // guarded by mu: events with a handler
	sids []string        // guarded by mu: the ids of the CONNECTs whose OnConnect has not run

	endOnce sync.Once
	ended   chan struct{} // closed when the session ends by itself
	endCode int           // set before ended is closed
}

func newSession(cfg *config, out, errw *syncWriter) *session {
	return &session{cfg: cfg, out: out, errw: errw, seen: map[string]bool{}, ended: make(chan struct{})}
}

// run connects, emits, and waits for the end: of the emits with -exit,
// of ctx, or of the session. It returns the exit status.
func (x *session) run(ctx context.Context, stdin io.Reader) int {
	if err := x.dial(); err != nil {
		fmt.Fprintf(x.errw, "sio: %v\n", err)
		return exitUsage
	}
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if x.cfg.timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, x.cfg.timeout)
	}
	err := x.s.Connect(cctx)
	cancel()
	if err != nil {
		x.shutdown()
		if ctx.Err() != nil {
			return exitOK // a signal
		}
		var ce *client.ConnectError
		switch {
		case errors.As(err, &ce):
			fmt.Fprintf(x.errw, "sio: the server refused the connection: %s\n", ce.Message)
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintf(x.errw, "sio: not connected after %v: %v\n", x.cfg.timeout, err)
		default:
			fmt.Fprintf(x.errw, "sio: %v\n", err)
		}
		return exitFail
	}

	status, stopped := x.emitAll(ctx, stdin)
	if !stopped && !x.cfg.exit {
		select {
		case <-ctx.Done():
		case <-x.ended:
		}
	}
	x.shutdown()
	if ctx.Err() != nil {
		return exitOK // a signal
	}
	select {
	case <-x.ended:
		return max(status, x.endCode)
	default:
		return status
	}
}

// dial makes the socket and registers its handlers, without connecting.
func (x *session) dial() error {
	cfg := x.cfg
	x.tr = http.DefaultTransport.(*http.Transport).Clone()
	var tlsConfig *tls.Config
	if cfg.insecure {
		tlsConfig = &tls.Config{InsecureSkipVerify: true}
		x.tr.TLSClientConfig = tlsConfig
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	opts := &client.Options{
		Engine: eio.Options{
			Path:       cfg.path,
			Query:      cfg.query,
			Header:     cfg.header,
			Transports: cfg.transports,
			HTTPClient: &http.Client{Transport: x.tr},
			TLSConfig:  tlsConfig, // for WebSocket; polling has x.tr
			Jar:        jar,       // sticky sessions behind a load balancer
		},
		NoReconnection: cfg.noReconnect,
		Timeout:        cfg.timeout,
		NoAutoConnect:  true, // the handlers first
		Parser:         watchParser{Parser: parser.Default, x: x},
	}
	if cfg.auth != nil {
		opts.Auth = cfg.auth
	}
	s, err := client.New(cfg.url, opts)
	if err != nil {
		return err
	}
	x.s, x.m = s, s.Manager()

	// Every handler runs on the Manager's one handler goroutine, in the
	// order things happened: the lines come out in that order.
	s.OnConnect(func() {
		// s.ID() is the id of the moment, "" if the socket disconnected
		// since: the line has the one of the CONNECT it announces.
		x.mu.Lock()
		id := s.ID()
		if len(x.sids) > 0 {
			id, x.sids = x.sids[0], x.sids[1:]
		}
		x.mu.Unlock()
		x.out.Write(jsonLine(connectLine{Type: "connect", ID: id}))
	})
	s.OnConnectError(func(err error) {
		l := connectErrorLine{Type: "connect_error", Message: err.Error()}
		var ce *client.ConnectError
		if errors.As(err, &ce) {
			l.Message, l.Data = ce.Message, ce.Data
		}
		x.out.Write(jsonLine(l))
		if ce != nil {
			x.end(exitFail) // a refusal: the socket does not retry
		}
	})
	s.OnDisconnect(func(reason client.DisconnectReason, err error) {
		l := disconnectLine{Type: "disconnect", Reason: reason.String()}
		if err != nil {
			l.Error = err.Error()
		}
		x.out.Write(jsonLine(l))
		switch reason {
		case client.ReasonIOClientDisconnect, client.ReasonForcedClose:
			// Ours.
		case client.ReasonIOServerDisconnect:
			x.end(exitOK)
		default:
			if cfg.noReconnect {
				x.end(exitFail)
			}
		}
	})
	x.m.OnReconnectAttempt(func(attempt int) {
		x.out.Write(jsonLine(reconnectAttemptLine{Type: "reconnect_attempt", Attempt: attempt}))
	})
	return nil
}

// end ends the session by itself, with status code.
func (x *session) end(code int) {
	x.endOnce.Do(func() {
		x.endCode = code
		close(x.ended)
	})
}

// onEvent prints an event, and acknowledges it if the server asked.
func (x *session) onEvent(e *client.Event) {
	x.out.Write(eventLine("event", e.Name(), e.Args, e.WantsAck()))
	if e.WantsAck() {
		e.Ack()
	}
}

// watch sees each packet before the socket does, on the connection's
// reading goroutine. It gives every event that arrives a handler: the
// catch-all handlers (OnAny) get no *Event, which tells whether the server
// wants an acknowledgement and sends it. It keeps the id of each CONNECT
// that will connect the socket, for its connect line.
func (x *session) watch(p *parser.Packet) {
	nsp := p.Namespace
	if nsp == "" {
		nsp = "/"
	}
	if nsp != x.s.Namespace() {
		return
	}
	switch p.Type {
	case parser.Event:
		name := parser.EventName(parser.NewArgs(p.Data, nil).Raw(0))
		x.mu.Lock()
		defer x.mu.Unlock()
		if !x.seen[name] {
			x.seen[name] = true
			x.s.On(name, x.onEvent)
		}
	case parser.Connect:
		var d struct {
			SID string `json:"sid"`
		}
		// The socket ignores a CONNECT while connected, or without a sid.
		if json.Unmarshal(p.Data, &d) == nil && d.SID != "" && !x.s.Connected() {
			x.mu.Lock()
			x.sids = append(x.sids, d.SID)
			x.mu.Unlock()
		}
	}
}

// watchParser is the default parser, its decoders calling watch with each
// packet they decode.
type watchParser struct {
	parser.Parser
	x *session
}

func (w watchParser) NewDecoder() parser.Decoder {
	return &watchDecoder{Decoder: w.Parser.NewDecoder(), x: w.x}
}

type watchDecoder struct {
	parser.Decoder
	x *session
}

func (d *watchDecoder) Add(data []byte, binary bool) (*parser.Packet, error) {
	p, err := d.Decoder.Add(data, binary)
	if p != nil && err == nil {
		d.x.watch(p)
	}
	return p, err
}

// emitAll emits the events of -emit, then those of stdin with -stdin. It
// returns 1 if any failed, and whether it was stopped by ctx or the
// session's end.
func (x *session) emitAll(ctx context.Context, stdin io.Reader) (status int, stopped bool) {
	for _, e := range x.cfg.emits {
		switch err := x.emit(ctx, e); {
		case err == errStopped:
			return status, true
		case errors.Is(err, errEnded):
			fmt.Fprintf(x.errw, "sio: %v\n", err)
			return exitFail, true
		case err != nil:
			fmt.Fprintf(x.errw, "sio: %v\n", err)
			status = exitFail
		}
	}
	if !x.cfg.stdin {
		return status, false
	}

	type line struct {
		n    int
		data []byte
		err  error
	}
	lines := make(chan line)
	done := make(chan struct{})
	defer close(done)
	// The reader may block in Read after run returned, if stdin does not
	// end: nothing can interrupt it, and the process exits anyway.
	go func() {
		defer close(lines)
		r := bufio.NewReader(stdin)
		for n := 1; ; n++ {
			b, err := r.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 {
				select {
				case lines <- line{n: n, data: b}:
				case <-done:
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					select {
					case lines <- line{err: err}:
					case <-done:
					}
				}
				return
			}
		}
	}()
	for {
		var l line
		var ok bool
		select {
		case l, ok = <-lines:
		case <-ctx.Done():
			return status, true
		case <-x.ended:
			return status, true
		}
		switch {
		case !ok:
			return status, false
		case l.err != nil:
			fmt.Fprintf(x.errw, "sio: reading standard input: %v\n", l.err)
			return exitFail, false
		}
		e, err := parseLine(l.data)
		if err != nil {
			fmt.Fprintf(x.errw, "sio: standard input, line %d: %v\n", l.n, err)
			status = exitFail
			continue
		}
		switch err := x.emit(ctx, e); {
		case err == errStopped:
			return status, true
		case errors.Is(err, errEnded):
			fmt.Fprintf(x.errw, "sio: standard input, line %d: %v\n", l.n, err)
			return exitFail, true
		case err != nil:
			fmt.Fprintf(x.errw, "sio: standard input, line %d: %v\n", l.n, err)
			status = exitFail
		}
	}
}

// emit emits e; with -ack, it waits for the acknowledgement, which the
// AckHandler prints.
func (x *session) emit(ctx context.Context, e emitSpec) error {
	if !x.cfg.ack {
		return x.s.Emit(e.event, e.args...)
	}
	res := make(chan error, 1)
	args := append(slices.Clip(e.args), client.AckHandler(func(a client.Args, err error) {
		if err == nil {
			x.out.Write(eventLine("ack", e.event, a, false))
		}
		res <- err
	}))
	var err error
	if x.cfg.timeout > 0 {
		err = x.s.Timeout(x.cfg.timeout).Emit(e.event, args...)
	} else {
		err = x.s.Emit(e.event, args...)
	}
	if err != nil {
		return err
	}
	select {
	case err := <-res:
		switch {
		case errors.Is(err, client.ErrTimeout):
			return fmt.Errorf("no acknowledgement of %q within %v", e.event, x.cfg.timeout)
		case err != nil:
			return fmt.Errorf("no acknowledgement of %q: %w", e.event, err)
		}
		return nil
	case <-ctx.Done():
		return errStopped
	case <-x.ended:
		return fmt.Errorf("no acknowledgement of %q: %w", e.event, errEnded)
	}
}

// shutdown disconnects the socket (the server is told), closes the
// Manager, and waits for the handlers to have printed what they were
// given and for the connection to have written what was emitted. Then
// stdout takes no more lines.
func (x *session) shutdown() {
	engine := x.m.Engine()
	x.s.Disconnect()
	x.m.Close()
	x.drain()
	if engine != nil {
		select {
		case <-engine.Done():
		case <-time.After(closeWait):
		}
	}
	x.tr.CloseIdleConnections()
	x.out.close()
}

// drain waits for the handlers posted so far to have run. The client has
// no call for that, but its handlers run in the order they were posted,
// and an emit on a disconnected socket waits in its buffer, where a zero
// timeout fails it at once: its AckHandler is posted behind the others.
// The socket was disconnected for good (Disconnect), so the event is
// never sent.
func (x *session) drain() {
	done := make(chan struct{})
	err := x.s.Timeout(0).Emit(drainEvent, client.AckHandler(func(client.Args, error) { close(done) }))
	if err != nil {
		return
	}
	select {
	case <-done:
	case <-time.After(closeWait):
	}
}
