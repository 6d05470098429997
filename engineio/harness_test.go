package engineio_test

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests run the server and its clients inside a synctest bubble over
// an in-memory network (internal/eiotest): time is virtual, so heartbeats
// and time-outs at their real defaults take no wall-clock time, and a
// test's end proves that every goroutine it started has ended.

type mode = eiotest.Mode

const (
	polling   = eiotest.Polling
	websocket = eiotest.WebSocket
	upgraded  = eiotest.Upgraded
)

var allModes = eiotest.AllModes

func run(t *testing.T, modes []mode, f func(t *testing.T, m mode)) { eiotest.Run(t, modes, f) }

// bubble runs f in a bubble.
func bubble(t *testing.T, f func(t *testing.T)) { synctest.Test(t, f) }

var (
	wsWrite       = eiotest.WSWrite
	wsRead        = eiotest.WSRead
	text          = eiotest.Text
	binary        = eiotest.Binary
	packetsString = eiotest.PacketsString
	parseOpen     = eiotest.ParseOpen
	wantErrorBody = eiotest.WantErrorBody
)

// closeEvent is what a session's handler was told when it closed.
type closeEvent struct {
	reason engineio.CloseReason
	desc   error
}

// recorder is a Handler that records every session's messages and close,
// and echoes messages back when echo is set.
type recorder struct {
	echo bool

	mu       sync.Mutex
	sessions []*engineio.Session
	messages map[string][]engineio.Message
	closes   map[string]closeEvent
	onMsg    func(s *engineio.Session, m engineio.Message)
}

func newRecorder(echo bool) *recorder {
	return &recorder{echo: echo, messages: map[string][]engineio.Message{}, closes: map[string]closeEvent{}}
}

func (r *recorder) OpenSession(s *engineio.Session) engineio.SessionHandler {
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	return engineio.SessionFuncs{
		Message: func(m engineio.Message) {
			r.mu.Lock()
			r.messages[s.ID()] = append(r.messages[s.ID()], m)
			onMsg := r.onMsg
			r.mu.Unlock()
			if onMsg != nil {
				onMsg(s, m)
			}
			if r.echo {
				s.Send(m)
			}
		},
		Close: func(reason engineio.CloseReason, desc error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if _, dup := r.closes[s.ID()]; dup {
				panic("OnClose called twice for " + s.ID())
			}
			r.closes[s.ID()] = closeEvent{reason, desc}
		},
	}
}

func (r *recorder) session(t *testing.T, sid string) *engineio.Session {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sessions {
		if s.ID() == sid {
			return s
		}
	}
	t.Fatalf("no session %q was opened", sid)
	return nil
}

func (r *recorder) closed(sid string) (closeEvent, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev, ok := r.closes[sid]
	return ev, ok
}

// wantClosed waits for the bubble to settle and checks how sid closed.
func (r *recorder) wantClosed(t *testing.T, sid string, reason engineio.CloseReason) closeEvent {
	t.Helper()
	synctest.Wait()
	ev, ok := r.closed(sid)
	if !ok {
		t.Fatalf("session %s not closed, want reason %q", sid, reason)
	}
	if ev.reason != reason {
		t.Fatalf("session %s closed with %q (%v), want %q", sid, ev.reason, ev.desc, reason)
	}
	return ev
}

func (r *recorder) wantOpen(t *testing.T, sid string) {
	t.Helper()
	synctest.Wait()
	if ev, ok := r.closed(sid); ok {
		t.Fatalf("session %s closed with %q (%v), want it open", sid, ev.reason, ev.desc)
	}
}

func (r *recorder) received(sid string) []engineio.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engineio.Message(nil), r.messages[sid]...)
}

// env is an engineio server on an in-memory network, recording what its
// sessions see.
type env struct {
	*eiotest.Env
	srv *engineio.Server
	rec *recorder
}

const base = "http://test/engine.io/"

// newEnv starts an echoing, recording server with opts. It is stopped
// when the test ends.
func newEnv(t *testing.T, opts *engineio.Options) *env {
	return newEnvWith(t, newRecorder(true), opts)
}

func newEnvWith(t *testing.T, rec *recorder, opts *engineio.Options) *env {
	srv := engineio.NewServer(rec, opts)
	return &env{Env: eiotest.NewEnv(t, srv, "/engine.io/", func() { srv.Close() }), srv: srv, rec: rec}
}

var errTest = errors.New("test refusal")

// dialSID opens a WebSocket to the session sid, as an upgrade does.
func (e *env) dialSID(t *testing.T, sid string) *gws.Conn {
	t.Helper()
	ws, _, err := e.Dial("EIO=4&transport=websocket&sid=" + sid)
	if err != nil {
		t.Fatalf("websocket to %s: %v", sid, err)
	}
	return ws
}
