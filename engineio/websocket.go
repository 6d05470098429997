package engineio

import (
	"encoding/base64"
	"errors"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// serveWebSocket starts reading ws for the session: first as the probe of
// an upgrade if probing, else as its transport.
func (s *Session) serveWebSocket(ws *websocket.Conn, probing bool) {
	r := &wsReader{s: s, ws: ws, probing: probing}
	ws.Serve(r.message, r.end)
}

// wsReader receives the messages of one WebSocket of a session. Its
// callbacks run one at a time.
type wsReader struct {
	s       *Session
	ws      *websocket.Conn
	probing bool // the upgrade is not complete yet
}

func (r *wsReader) message(binary bool, data []byte) bool {
	p, err := packet.DecodeFrame(data, binary)
	if r.probing {
		return r.probe(p, err)
	}
	if err != nil {
		r.s.closeNow(ReasonParseError, err)
		return false
	}
	return r.s.receive(p)
}

func (r *wsReader) end(err error) {
	if r.probing {
		r.s.abortUpgrade(r.ws)
		return
	}
	reason := ReasonTransportError
	if websocket.IsNormalClose(err) {
		reason = ReasonTransportClose
	}
	r.s.closeNow(reason, err)
}

// receive handles a packet that came over WebSocket and, when the handler
// emitted while it ran, writes the queue itself. It reports whether to read
// on.
func (s *Session) receive(p packet.Packet) bool {
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
		return false
	}
	if flush {
		s.writeNonblocking()
	}
	return true
}

// writeWebSocket writes the queue until it is empty, blocking on a client
// slow to read. Only the goroutine that set s.writing runs it.
func (s *Session) writeWebSocket() {
	for {
		batch, ws, ok := s.takeBatch(-1)
		if !ok {
			return
		}
		_, err := s.writeFrames(ws, batch, false)
		s.returnBatch(batch)
		if err != nil {
			s.closeNow(ReasonTransportError, err)
			return
		}
	}
}

// writeNonblocking writes the queue without blocking: a broadcast writes to
// each recipient this way, and the reader after its handler. What the
// socket does not take at once is left to a writer goroutine, as is a
// queue that keeps refilling or one larger than nonblockingMax. Only the
// goroutine that set s.writing runs it.
func (s *Session) writeNonblocking() {
	for range 2 {
		batch, ws, ok := s.takeBatch(nonblockingMax)
		if !ok {
			return
		}
		if batch == nil {
			break
		}
		done, err := s.writeFrames(ws, batch, true)
		if err != nil {
			s.returnBatch(batch)
			s.closeNow(ReasonTransportError, err)
			return
		}
		if !done {
			s.startWriter(batch) // ws holds the rest of it
			return
		}
		s.written(batch)
		s.returnBatch(batch)
	}
	s.startWriter(nil)
}

// nonblockingMax is the largest queue written without blocking. What a
// socket does not take at once is copied and kept for the writer
// goroutine; a larger queue goes to the writer as it is, which writes and
// releases it chunk by chunk: a storm of broadcasts would otherwise make
// a copy of every queue.
const nonblockingMax = 64 << 10

// takeBatch takes the queue to write it, unless it holds more than max
// bytes (max < 0: any size): then it reports true with a nil batch and
// leaves the queue. When there is nothing left, it ends the writing
// (closing a session that was waiting for its queue to drain) and reports
// false.
func (s *Session) takeBatch(max int) ([]outPacket, *websocket.Conn, bool) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.writing = false
		s.mu.Unlock()
		return nil, nil, false
	}
	batch := s.queue
	if len(batch) == 0 {
		s.writing = false
		closing := s.state == stateClosing
		s.mu.Unlock()
		if closing {
			s.closeNow(ReasonForcedClose, nil)
		}
		return nil, nil, false
	}
	if max >= 0 && s.queueBytes > max {
		ws := s.ws
		s.mu.Unlock()
		return nil, ws, true
	}
	s.inflight += s.queueBytes
	s.queue, s.spare, s.queueBytes = s.spare[:0], nil, 0
	ws := s.ws
	s.mu.Unlock()
	return batch, ws, true
}

// returnBatch keeps a written batch's array for the next one.
func (s *Session) returnBatch(batch []outPacket) {
	clear(batch)
	s.mu.Lock()
	if s.state != stateClosed && s.spare == nil {
		s.spare = batch[:0]
	}
	s.mu.Unlock()
}

// writeFrames writes one frame per packet, as few writes as it can, and
// reports whether all went out (without blocking, what the socket did not
// take waits in ws). A blocking write may not take longer than a heartbeat
// round: a client that stops reading is then closed. A blocking write
// releases each chunk's charge once the chunk is out, so that a large
// batch makes room in the server's budget as it goes.
func (s *Session) writeFrames(ws *websocket.Conn, batch []outPacket, nonblocking bool) (bool, error) {
	if !nonblocking {
		cfg := s.srv.cfg
		ws.SetWriteDeadline(time.Now().Add(cfg.PingInterval + cfg.PingTimeout))
	}
	w := ws.NewBatch(nonblocking)
	start, size := 0, 0 // the chunk not yet written, blocking
	for i, p := range batch {
		if !nonblocking && size >= writeChunk {
			if err := w.Flush(); err != nil {
				return false, err
			}
			s.written(batch[start:i])
			start, size = i, 0
			w = ws.NewBatch(false)
		}
		size += len(p.Data) + packetOverhead
		switch {
		case p.prep != nil && !(p.Binary && s.b64):
			w.Prepared(p.prep.wsFrame(), !p.noCompress)
		case p.Binary && s.b64:
			w.Message(false, 'b', base64.StdEncoding.AppendEncode(nil, p.Data), !p.noCompress)
		case p.Binary:
			w.Message(true, 0, p.Data, !p.noCompress)
		default:
			w.Message(false, '0'+byte(p.Type), p.Data, !p.noCompress)
		}
	}
	if nonblocking {
		return w.TryFlush()
	}
	if err := w.Flush(); err != nil {
		return false, err
	}
	s.written(batch[start:])
	return true, nil
}

// writeChunk is how much a blocking write sends before it releases the
// charge of what went out.
const writeChunk = 64 << 10

// probe runs the upgrade of a polling session on a new WebSocket: answer
// "2probe" with "3probe", release the pending poll, and switch on "5".
// Anything else, an error, or UpgradeTimeout aborts the upgrade and leaves
// the session on polling.
func (r *wsReader) probe(p packet.Packet, err error) bool {
	s, ws := r.s, r.ws
	switch {
	case err == nil && p.Type == packet.Ping && string(p.Data) == "probe":
		if err := ws.WriteMessage(false, '0'+byte(packet.Pong), []byte("probe"), false); err != nil {
			s.abortUpgrade(ws)
			return false
		}
		s.mu.Lock()
		if s.probe == ws {
			s.probed = true
			s.kickLocked()
		}
		s.mu.Unlock()
		return true
	case err == nil && p.Type == packet.Upgrade:
		if !s.completeUpgrade(ws) {
			ws.Close()
			return false
		}
		r.probing = false
		return true
	default:
		s.abortUpgrade(ws)
		return false
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
	s.onWS, s.ws = true, ws
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
		s.writeNonblocking()
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
	if s.state == stateClosed || s.onWS || s.upgrading || s.upgraded || s.srv.cfg.DisableUpgrades {
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
