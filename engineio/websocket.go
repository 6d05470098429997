package engineio

import (
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/websocket"
)

// wsTransport is the WebSocket transport. Its reader hands each message to
// the session on the connection's read callback and then writes what the
// handler emitted, on the same goroutine; emits from elsewhere are written
// by the server's flusher, and a client slow to read gets a writer
// goroutine for as long as its backlog lasts. Its fields are guarded by the
// session's mu unless they say otherwise.
type wsTransport struct {
	s  *Session        // never changes
	ws *websocket.Conn // never changes
	// from is the polling transport this one upgraded, or nil: a POST it
	// still reads is cut when the session closes.
	from *polling
	// probe is the upgrade this connection is probing for, until "5"
	// completes it; owned by the reader.
	probe *upgrade

	spare       []outPacket // the queue's other buffer, reused by the writer
	writing     bool        // a writer owns the writes
	dispatching bool        // the reader is inside the handler
	readerFlush bool        // the reader writes the queue once the handler returns
	b64         bool        // never changes: the client asked for binary as base64 text (b64=1)
	// deferred is what the handler left for the reader to do once it has
	// handed the connection back (Session.Defer); guarded by s.mu.
	deferred func()
}

func newWebSocket(s *Session, ws *websocket.Conn) *wsTransport {
	return &wsTransport{s: s, ws: ws, b64: queryHas(s.req.URL.RawQuery, "b64")}
}

// serve starts reading the connection.
func (w *wsTransport) serve() { w.ws.Serve(w) }

// Message, End and Release make w the connection's websocket.Handler.
func (w *wsTransport) Message(binary bool, data []byte) bool {
	var p packet.Packet
	var err error
	if w.s.v3 {
		p, err = packet.DecodeFrameV3(data, binary)
	} else {
		p, err = packet.DecodeFrame(data, binary)
	}
	if w.probe != nil {
		return w.probe.receive(w, p, err)
	}
	if err != nil {
		w.s.closeNow(ReasonParseError, err)
		return false
	}
	return w.receive(p)
}

func (w *wsTransport) End(err error) {
	if w.probe != nil {
		w.probe.abort(w)
		return
	}
	reason := ReasonTransportError
	if websocket.IsNormalClose(err) {
		reason = ReasonTransportClose
	}
	w.s.closeNow(reason, err)
}

// receive handles a packet that came over WebSocket and, when the handler
// emitted while it ran, writes the queue itself. It reports whether to read
// on.
func (w *wsTransport) receive(p packet.Packet) bool {
	s := w.s
	s.mu.Lock()
	w.dispatching = true
	s.mu.Unlock()
	s.readMu.Lock()
	reason, herr := s.handlePacket(p)
	s.readMu.Unlock()
	s.mu.Lock()
	w.dispatching = false
	flush := w.readerFlush
	w.readerFlush = false
	s.mu.Unlock()
	if herr != nil && herr != errStop {
		s.closeNow(reason, herr)
	}
	s.notifyClose()
	if herr != nil {
		return false
	}
	if flush {
		w.writeNonblocking()
	}
	return true
}

func (w *wsTransport) kind() Transport { return WebSocket }

func (w *wsTransport) writableLocked() bool { return !w.writing }

// kickLocked has the queue written by the reader once its handler returns,
// or else by the server's flusher.
func (w *wsTransport) kickLocked() {
	if w.writing {
		return
	}
	w.writing = true
	if w.dispatching {
		w.readerFlush = true
		return
	}
	w.s.srv.flusher.add(w)
}

// drainLocked has the queue written; the writer that finds it empty closes
// the session (takeBatch).
func (w *wsTransport) drainLocked() { w.kickLocked() }

func (w *wsTransport) flushDeferred() {
	s := w.s
	s.mu.Lock()
	deferred := w.readerFlush
	w.readerFlush = false // w.writing stays set: the writer owns the queue
	s.mu.Unlock()
	if deferred {
		w.startWriter(nil)
	}
}

func (w *wsTransport) close(c *closeCause) {
	s := w.s
	s.mu.Lock()
	w.spare = nil
	from := w.from
	s.mu.Unlock()
	if from != nil {
		from.close(c)
	}
	if errors.Is(c.description, ErrQueueFull) {
		// The client stopped reading: a close frame would not reach it,
		// and closing now ends a write blocked on it, which frees the
		// batch it holds.
		w.ws.Close()
		return
	}
	// A close frame to a client that stopped reading may take until its
	// deadline; the session is over already, so do not make the caller
	// wait for it.
	ws := w.ws
	tooBig := errors.Is(c.description, websocket.ErrReadLimit) // 1009 was sent
	s.srv.goTracked(func() {
		if tooBig {
			ws.DrainAndClose(time.Second)
			return
		}
		ws.WriteClose(websocket.CloseNormal) // as the reference, whatever the reason
		ws.Close()
	})
}

// writeQueue writes the queue until it is empty, blocking on a client slow
// to read. Only the goroutine that set w.writing runs it.
func (w *wsTransport) writeQueue() {
	for {
		batch, ok := w.takeBatch(-1)
		if !ok {
			return
		}
		_, err := w.writeFrames(batch, false)
		w.returnBatch(batch)
		if err != nil {
			w.s.closeNow(ReasonTransportError, err)
			return
		}
	}
}

// writeNonblocking writes the queue without blocking: a broadcast writes to
// each recipient this way, and the reader after its handler. What the
// socket does not take at once is left to a writer goroutine, as is a
// queue that keeps refilling or one larger than nonblockingMax. Only the
// goroutine that set w.writing runs it.
func (w *wsTransport) writeNonblocking() {
	for range 2 {
		batch, ok := w.takeBatch(nonblockingMax)
		if !ok {
			return
		}
		if batch == nil {
			break
		}
		done, err := w.writeFrames(batch, true)
		if err != nil {
			w.returnBatch(batch)
			w.s.closeNow(ReasonTransportError, err)
			return
		}
		if !done {
			w.startWriter(batch) // ws holds the rest of it
			return
		}
		w.s.written(batch)
		w.returnBatch(batch)
	}
	w.startWriter(nil)
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
func (w *wsTransport) takeBatch(max int) ([]outPacket, bool) {
	s := w.s
	s.mu.Lock()
	if s.state == stateClosed {
		w.writing = false
		s.mu.Unlock()
		return nil, false
	}
	batch := s.queue
	if len(batch) == 0 {
		w.writing = false
		closing := s.state == stateClosing
		s.mu.Unlock()
		if closing {
			s.closeNow(ReasonForcedClose, nil)
		}
		return nil, false
	}
	if max >= 0 && s.queueBytes > max {
		s.mu.Unlock()
		return nil, true
	}
	s.inflight += s.queueBytes
	s.queue, w.spare, s.queueBytes = w.spare[:0], nil, 0
	s.mu.Unlock()
	return batch, true
}

// returnBatch keeps a written batch's array for the next one.
func (w *wsTransport) returnBatch(batch []outPacket) {
	clear(batch)
	s := w.s
	s.mu.Lock()
	if s.state != stateClosed && w.spare == nil {
		w.spare = batch[:0]
	}
	s.mu.Unlock()
}

// writeFrames writes one frame per packet, as few writes as it can, and
// reports whether all went out (without blocking, what the socket did not
// take waits in ws). A blocking write may not take longer than a heartbeat
// round: a client that stops reading is then closed. A blocking write
// releases each chunk's charge once the chunk is out, so that a large
// batch makes room in the server's budget as it goes.
func (w *wsTransport) writeFrames(batch []outPacket, nonblocking bool) (bool, error) {
	s, ws := w.s, w.ws
	if !nonblocking {
		cfg := s.srv.cfg
		ws.SetWriteDeadline(time.Now().Add(cfg.PingInterval + cfg.PingTimeout))
	}
	var wrote func(int)
	if !nonblocking {
		wrote = w.wrote
	}
	b := ws.NewBatch(nonblocking)
	b.Wrote = wrote
	start, size := 0, 0 // the chunk not yet written, blocking
	for i, p := range batch {
		if !nonblocking && size >= writeChunk {
			if err := b.Flush(); err != nil {
				return false, err
			}
			s.written(batch[start:i])
			start, size = i, 0
			b = ws.NewBatch(false)
			b.Wrote = wrote
		}
		size += len(p.Data) + packetOverhead
		switch {
		case p.prep != nil && !(p.Binary && w.b64):
			b.Prepared(p.prep.wsFrame(s.v3), !p.noCompress)
		case p.Binary && w.b64 && s.v3:
			b.Message(false, 0, packet.AppendTextV3(nil, p.Packet), !p.noCompress)
		case p.Binary && w.b64:
			b.Message(false, 'b', base64.StdEncoding.AppendEncode(nil, p.Data), !p.noCompress)
		case p.Binary && s.v3:
			// Revision 3 types binary frames too.
			b.Message(true, byte(p.Type), p.Data, !p.noCompress)
		case p.Binary:
			b.Message(true, 0, p.Data, !p.noCompress)
		default:
			b.Message(false, '0'+byte(p.Type), p.Data, !p.noCompress)
		}
	}
	if nonblocking {
		return b.TryFlush()
	}
	if err := b.Flush(); err != nil {
		return false, err
	}
	s.written(batch[start:])
	return true, nil
}

// wrote records that a blocking write moved: the socket took n bytes of
// it. A client that reads, however slowly, so keeps its session from being
// cut as stalled when the server's budget is exhausted.
func (w *wsTransport) wrote(int) { w.s.progress.Store(nanotime()) }

// writeChunk is how much a blocking write sends before it releases the
// charge of what went out.
const writeChunk = 64 << 10

// startWriter writes the queue on a new goroutine, which may block on a
// client slow to read, after what an earlier non-blocking write left of
// unsent, a batch whose charge is released once it is out.
func (w *wsTransport) startWriter(unsent []outPacket) {
	w.s.srv.tasks.add()
	go w.runWriter(unsent)
}

func (w *wsTransport) runWriter(unsent []outPacket) {
	s := w.s
	defer s.srv.tasks.done()
	cfg := s.srv.cfg
	w.ws.SetWriteDeadline(time.Now().Add(cfg.PingInterval + cfg.PingTimeout))
	err := w.ws.Flush(w.wrote)
	if unsent != nil {
		if err == nil {
			s.written(unsent)
		}
		w.returnBatch(unsent)
	}
	if err != nil {
		s.mu.Lock()
		w.writing = false
		s.mu.Unlock()
		s.closeNow(ReasonTransportError, err)
		return
	}
	w.writeQueue()
}

// flusher writes, on one goroutine and without blocking, the queues of the
// WebSocket sessions that a broadcast (or any emit from outside their
// reader) left waiting: no goroutine per recipient.
type flusher struct {
	srv     *Server
	mu      sync.Mutex
	pending []*wsTransport // transports whose w.writing they own
	spare   []*wsTransport
	running bool
}

// add has w's queue written. The caller has set w.writing.
func (f *flusher) add(w *wsTransport) {
	f.mu.Lock()
	f.pending = append(f.pending, w)
	start := !f.running
	f.running = true
	f.mu.Unlock()
	if start {
		f.srv.tasks.add()
		go f.run()
	}
}

func (f *flusher) run() {
	defer f.srv.tasks.done()
	for {
		f.mu.Lock()
		batch := f.pending
		if len(batch) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		f.pending, f.spare = f.spare[:0], nil
		f.mu.Unlock()
		for _, w := range batch {
			w.writeNonblocking()
		}
		clear(batch)
		f.mu.Lock()
		if f.spare == nil {
			f.spare = batch[:0]
		}
		f.mu.Unlock()
	}
}

// Release hands the reader what the handler deferred (Session.Defer), to
// run once the connection is handed back.
func (w *wsTransport) Release() func() {
	s := w.s
	s.mu.Lock()
	f := w.deferred
	w.deferred = nil
	s.mu.Unlock()
	return f
}
