package engineio

import (
	"encoding/base64"
	"errors"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// readWebSocket is the read loop of a session on WebSocket. It runs on the
// session's one reader goroutine and, when the handler emitted while it ran,
// writes the queue itself before reading on.
func (s *Session) readWebSocket(ws *websocket.Conn) {
	for {
		binary, data, err := ws.ReadMessage()
		if err != nil {
			reason := ReasonTransportError
			if websocket.IsNormalClose(err) {
				reason = ReasonTransportClose
			}
			s.closeNow(reason, err)
			return
		}
		p, err := packet.DecodeFrame(data, binary)
		if err != nil {
			s.closeNow(ReasonParseError, err)
			return
		}
		s.mu.Lock()
		s.dispatching = true
		s.mu.Unlock()
		s.readMu.Lock()
		reason, herr := s.handlePacket(p)
		s.readMu.Unlock()
		s.mu.Lock()
		s.dispatching = false
		flush := s.readerFlush
		s.readerFlush = false
		s.mu.Unlock()
		if herr != nil && herr != errStop {
			s.closeNow(reason, herr)
		}
		s.notifyClose()
		if herr != nil {
			return
		}
		if flush {
			s.writeWebSocket()
		}
	}
}

// writeWebSocket writes the queue until it is empty. Only the goroutine that
// set s.writing runs it.
func (s *Session) writeWebSocket() {
	for {
		s.mu.Lock()
		if s.state == stateClosed {
			s.writing = false
			s.mu.Unlock()
			return
		}
		batch := s.queue
		if len(batch) == 0 {
			s.writing = false
			closing := s.state == stateClosing
			s.mu.Unlock()
			if closing {
				s.closeNow(ReasonForcedClose, nil)
			}
			return
		}
		s.queue, s.spare, s.queueBytes = s.spare[:0], nil, 0
		ws := s.ws
		s.mu.Unlock()

		err := s.writeFrames(ws, batch)
		clear(batch)
		s.mu.Lock()
		if s.state != stateClosed && s.spare == nil {
			s.spare = batch[:0]
		}
		s.mu.Unlock()
		if err != nil {
			s.closeNow(ReasonTransportError, err)
			return
		}
	}
}

// writeFrames writes one frame per packet. A write may not take longer than
// a heartbeat round: a client that stops reading is then closed.
func (s *Session) writeFrames(ws *websocket.Conn, batch []outPacket) error {
	cfg := s.srv.cfg
	ws.SetWriteDeadline(time.Now().Add(cfg.PingInterval + cfg.PingTimeout))
	for _, p := range batch {
		var err error
		switch {
		case p.prep != nil && !(p.Binary && s.b64) && p.prep.wsFrame() != nil:
			err = ws.WritePrepared(p.prep.wsFrame(), !p.noCompress)
		case p.Binary && s.b64:
			err = ws.WriteMessage(false, 'b', base64.StdEncoding.AppendEncode(nil, p.Data), !p.noCompress)
		case p.Binary:
			err = ws.WriteMessage(true, 0, p.Data, !p.noCompress)
		default:
			err = ws.WriteMessage(false, '0'+byte(p.Type), p.Data, !p.noCompress)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// probeWebSocket runs the upgrade of a polling session on a new WebSocket:
// answer "2probe" with "3probe", release the pending poll, and switch on
// "5". Anything else, an error, or UpgradeTimeout aborts the upgrade and
// leaves the session on polling.
func (s *Session) probeWebSocket(ws *websocket.Conn) {
	for {
		binary, data, err := ws.ReadMessage()
		if err != nil {
			s.abortUpgrade(ws)
			return
		}
		p, err := packet.DecodeFrame(data, binary)
		switch {
		case err == nil && p.Type == packet.Ping && string(p.Data) == "probe":
			if err := ws.WriteMessage(false, '0'+byte(packet.Pong), []byte("probe"), false); err != nil {
				s.abortUpgrade(ws)
				return
			}
			s.mu.Lock()
			if s.probe == ws {
				s.probed = true
				s.kickLocked()
			}
			s.mu.Unlock()
		case err == nil && p.Type == packet.Upgrade:
			if !s.completeUpgrade(ws) {
				ws.Close()
				return
			}
			s.readWebSocket(ws)
			return
		default:
			s.abortUpgrade(ws)
			return
		}
	}
}

// completeUpgrade moves the session onto ws and writes what was queued.
func (s *Session) completeUpgrade(ws *websocket.Conn) bool {
	s.mu.Lock()
	if s.state == stateClosed || s.probe != ws {
		s.mu.Unlock()
		return false
	}
	if s.upgradeTimer != nil {
		s.upgradeTimer.Stop()
		s.upgradeTimer = nil
	}
	if s.closeTimer != nil {
		s.closeTimer.Stop()
		s.closeTimer = nil
	}
	s.probe, s.upgrading, s.probed, s.upgraded = nil, false, false, true
	s.transport, s.ws = WebSocket, ws
	s.endUpgradeLocked()
	select { // release a pending poll: it answers noop
	case s.getWake <- struct{}{}:
	default:
	}
	flush := !s.writing && (len(s.queue) > 0 || s.state == stateClosing)
	if flush {
		s.writing = true
	}
	s.mu.Unlock()
	if flush {
		s.writeWebSocket()
	}
	return true
}

// abortUpgrade gives up the upgrade on ws, if it is still the one probing.
func (s *Session) abortUpgrade(ws *websocket.Conn) {
	s.mu.Lock()
	if s.probe == ws {
		s.probe, s.upgrading, s.probed = nil, false, false
		if s.upgradeTimer != nil {
			s.upgradeTimer.Stop()
			s.upgradeTimer = nil
		}
		s.endUpgradeLocked()
	}
	s.mu.Unlock()
	ws.Close()
}

func (s *Session) endUpgradeLocked() {
	if s.upgradeDone != nil {
		close(s.upgradeDone)
		s.upgradeDone = nil
	}
}

var errUpgradeRefused = errors.New("engineio: session cannot upgrade")

// beginUpgrade reserves the session for an upgrade to WebSocket.
func (s *Session) beginUpgrade() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed || s.transport != Polling || s.upgrading || s.upgraded || s.srv.cfg.DisableUpgrades {
		return errUpgradeRefused
	}
	s.upgrading = true
	s.upgradeDone = make(chan struct{})
	return nil
}

// startProbe hands ws to the upgrade, or returns false if the session can
// no longer upgrade.
func (s *Session) startProbe(ws *websocket.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed || !s.upgrading {
		return false
	}
	s.probe = ws
	s.upgradeTimer = time.AfterFunc(s.srv.cfg.UpgradeTimeout, func() { s.abortUpgrade(ws) })
	return true
}

// cancelUpgrade undoes beginUpgrade when the WebSocket handshake failed.
func (s *Session) cancelUpgrade() {
	s.mu.Lock()
	s.upgrading = false
	s.endUpgradeLocked()
	s.mu.Unlock()
}
