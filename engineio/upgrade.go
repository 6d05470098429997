package engineio

import (
	"errors"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// upgrade is a polling session's move to WebSocket under way: the client
// probes a new WebSocket ("2probe", answered "3probe"), pauses polling and
// switches with "5"; anything else, an error, or Options.UpgradeTimeout
// aborts it and leaves the session on polling, free to try again. Its
// fields are guarded by the session's mu; the polling transport holds it
// (polling.up) while it is under way.
type upgrade struct {
	p      *polling      // the transport upgraded from; never changes
	ws     *wsTransport  // the probing WebSocket, once its handshake is done
	probed bool          // "3probe" went out: the client pauses polling
	timer  *time.Timer   // Options.UpgradeTimeout
	done   chan struct{} // closed when the upgrade ends, completed or not; never changes
}

var errUpgradeRefused = errors.New("engineio: session cannot upgrade")

// beginUpgrade reserves the session for an upgrade to WebSocket.
func (s *Session) beginUpgrade() (*upgrade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.t.(*polling)
	if s.state == stateClosed || !ok || p.up != nil || s.srv.cfg.DisableUpgrades {
		return nil, errUpgradeRefused
	}
	up := &upgrade{p: p, done: make(chan struct{})}
	p.up = up
	return up, nil
}

// start hands ws to the upgrade as its probe and returns the transport to
// read it with, or nil if the session can no longer upgrade.
func (up *upgrade) start(ws *websocket.Conn) *wsTransport {
	s := up.p.s
	w := newWebSocket(s, ws)
	w.probe = up
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed || up.p.up != up {
		return nil
	}
	up.ws = w
	up.timer = time.AfterFunc(s.srv.cfg.UpgradeTimeout, up.timeout)
	return w
}

// cancel undoes beginUpgrade when the WebSocket handshake failed.
func (up *upgrade) cancel() {
	s := up.p.s
	s.mu.Lock()
	if up.p.up == up {
		up.endLocked()
	}
	s.mu.Unlock()
}

// endLocked ends the upgrade under way, up.
func (up *upgrade) endLocked() {
	up.p.up = nil
	if up.timer != nil {
		up.timer.Stop()
	}
	close(up.done)
}

// receive handles a packet read from the probing WebSocket w: answer
// "2probe" with "3probe" and release the pending poll, switch on "5". It
// reports whether to read on.
func (up *upgrade) receive(w *wsTransport, p packet.Packet, err error) bool {
	switch {
	case err == nil && p.Type == packet.Ping && string(p.Data) == "probe":
		if err := w.ws.WriteMessage(false, '0'+byte(packet.Pong), []byte("probe"), false); err != nil {
			up.abort(w)
			return false
		}
		s := w.s
		s.mu.Lock()
		if up.p.up == up {
			up.probed = true
			up.p.kickLocked()
		}
		s.mu.Unlock()
		return true
	case err == nil && p.Type == packet.Upgrade:
		if !up.complete(w) {
			w.ws.Close()
			return false
		}
		w.probe = nil
		return true
	default:
		up.abort(w)
		return false
	}
}

// complete moves the session onto w and writes what was queued.
func (up *upgrade) complete(w *wsTransport) bool {
	p := up.p
	s := p.s
	s.mu.Lock()
	if s.state == stateClosed || p.up != up {
		s.mu.Unlock()
		return false
	}
	up.endLocked()
	if p.closeTimer != nil {
		p.closeTimer.Stop()
		p.closeTimer = nil
	}
	s.t, w.from = w, p
	p.kickLocked() // release a pending poll: it answers noop
	// Nothing kicked w before it was the session's: whatever waits, and
	// a close that waits for the queue to drain, are its to write now.
	flush := len(s.queue) > 0 || s.state == stateClosing
	w.writing = flush
	s.mu.Unlock()
	if flush {
		w.writeNonblocking()
	}
	return true
}

// abort gives the upgrade up, as its reader ends or reads something else
// than the upgrade's packets.
func (up *upgrade) abort(w *wsTransport) {
	s := w.s
	s.mu.Lock()
	if up.p.up == up {
		up.endLocked()
	}
	s.mu.Unlock()
	w.ws.Close()
}

// timeout aborts the upgrade once Options.UpgradeTimeout has passed, unless
// it has ended meanwhile.
func (up *upgrade) timeout() {
	s := up.p.s
	s.mu.Lock()
	current := up.p.up == up
	if current {
		up.endLocked()
	}
	w := up.ws
	s.mu.Unlock()
	if current {
		w.ws.Close()
	}
}
