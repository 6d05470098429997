package engineio

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// polling is the long-polling transport: the client's pending GET takes
// the whole queue as one payload, its POSTs carry its packets. Its fields
// are guarded by the session's mu unless they never change.
type polling struct {
	s     *Session     // never changes
	codec payloadCodec // never changes

	getActive  bool          // a GET is pending
	postActive bool          // a POST is being read
	getWake    chan struct{} // buffered(1): wakes the pending GET; never changes
	getArrived chan struct{} // buffered(1): a GET became pending; never changes
	closeTimer *time.Timer   // Close: waits for the next GET
	// postBody is the POST being read, to cut when the session closes.
	postBody *http.ResponseController
	// up is the upgrade to WebSocket under way, or nil.
	up *upgrade
}

func newPolling(s *Session, codec payloadCodec) *polling {
	return &polling{
		s:          s,
		codec:      codec,
		getWake:    make(chan struct{}, 1),
		getArrived: make(chan struct{}, 1),
	}
}

func (p *polling) kind() Transport { return Polling }

func (p *polling) writableLocked() bool { return p.getActive && p.up == nil }

// kickLocked wakes the pending GET, or the next one.
func (p *polling) kickLocked() {
	select {
	case p.getWake <- struct{}{}:
	default:
	}
}

func (p *polling) drainLocked() {
	p.kickLocked()
	// The close packet rides on the next poll; if none comes, give up.
	// An upgrade that completes meanwhile carries on with the close over
	// WebSocket.
	s := p.s
	p.closeTimer = time.AfterFunc(s.srv.cfg.CloseTimeout, func() {
		s.closeNow(ReasonForcedClose, errCloseWithoutPoll)
	})
}

// flushDeferred has nothing to do: the GET takes the queue, whoever runs.
func (p *polling) flushDeferred() {}

func (p *polling) close(*closeCause) {
	s := p.s
	s.mu.Lock()
	if p.postBody != nil {
		// A body that trickles in must not outlive its session.
		p.postBody.SetReadDeadline(time.Now())
	}
	if p.closeTimer != nil {
		p.closeTimer.Stop()
	}
	var probe *wsTransport
	if up := p.up; up != nil {
		probe = up.ws
		up.endLocked()
	}
	p.kickLocked() // the pending GET answers (pollReply)
	s.mu.Unlock()
	if probe != nil {
		probe.ws.Close()
	}
}

// pollReply is what a pending poll gets once the session closed: the
// reference answers it with noop when the client closed, and with a close
// packet otherwise.
func pollReply(c *closeCause) packet.Type {
	if c.reason == ReasonTransportClose && c.description == errClientClose {
		return packet.Noop
	}
	return packet.Close
}

// serveGet answers a long-polling GET: at once if packets are queued,
// otherwise when the first one is, or when the session ends or upgrades.
func (p *polling) serveGet(w http.ResponseWriter, r *http.Request, initial bool) {
	s := p.s
	s.mu.Lock()
	if up := p.up; up != nil && up.probed && !p.getActive {
		// A client that probed pauses polling; a poll now most likely
		// raced with its "5" on the WebSocket. Let the upgrade end first,
		// so that a poll after the upgrade is refused like any other.
		s.mu.Unlock()
		select {
		case <-up.done:
		case <-time.After(probeRaceWait):
		case <-r.Context().Done():
		}
		s.mu.Lock()
	}
	if s.t != p {
		s.mu.Unlock()
		s.srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "TRANSPORT_MISMATCH"})
		return
	}
	if p.getActive {
		s.mu.Unlock()
		// The reference closes the session and answers the pending poll
		// with a close packet.
		s.closeNow(ReasonTransportError, errPollOverlap)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	p.getActive = true
	select {
	case p.getArrived <- struct{}{}:
	default:
	}
	for !p.readyLocked() {
		s.mu.Unlock()
		select {
		case <-p.getWake:
		case <-r.Context().Done():
			s.mu.Lock()
			p.getActive = false
			s.mu.Unlock()
			s.closeNow(ReasonTransportError, errPollAborted)
			return
		}
		s.mu.Lock()
	}
	var out []outPacket
	var released int64
	finish := false
	switch {
	case s.state == stateClosed:
		out = []outPacket{{Packet: packet.Packet{Type: pollReply(s.ended)}}}
	case s.t != p:
		// Upgraded while this poll was pending: release it.
		out = []outPacket{{Packet: packet.Packet{Type: packet.Noop}}}
	default:
		out, s.queue, s.queueBytes = s.queue, nil, 0
		// The response takes it: net/http holds one payload per session.
		_, c := charge(out)
		released = s.unchargeLocked(0, c)
		if s.state == stateClosing && len(out) == 0 {
			// As the reference: what was queued goes out on one poll, the
			// close packet on the next, so that a client handles the last
			// messages before it hears of the close.
			out = append(out, outPacket{Packet: packet.Packet{Type: packet.Noop}}, outPacket{Packet: packet.Packet{Type: packet.Close}})
			finish = true
		} else if len(out) == 0 {
			// A probe is under way: release the poll so the client can
			// finish the upgrade.
			out = append(out, outPacket{Packet: packet.Packet{Type: packet.Noop}})
		}
	}
	p.getActive = false
	s.mu.Unlock()
	s.srv.budget.release(released)

	p.writePayload(w, r, out, initial)
	if finish {
		s.closeNow(ReasonForcedClose, nil)
	}
}

func (p *polling) readyLocked() bool {
	s := p.s
	return s.state != stateOpen || s.t != p || len(s.queue) > 0 || (p.up != nil && p.up.probed)
}

// probeRaceWait bounds how long a poll that arrives after the probe waits
// for the upgrade to complete (the reference checks every 100 ms).
const probeRaceWait = 100 * time.Millisecond

var payloadPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writePayload encodes packets as one polling payload and writes it,
// compressed when it is large enough and the client accepts it.
func (p *polling) writePayload(w http.ResponseWriter, r *http.Request, out []outPacket, initial bool) {
	bp := payloadPool.Get().(*[]byte)
	buf, contentType := p.codec.appendPayload((*bp)[:0], out)
	compress := false
	for _, pk := range out {
		compress = compress || !pk.noCompress
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	srv := p.s.srv
	srv.setResponseHeaders(h, r, initial, p.s.id)
	cfg := srv.cfg
	if compress && !cfg.DisableHTTPCompression && len(buf) >= cfg.HTTPCompressionThreshold {
		if enc := acceptedEncoding(r.Header.Get("Accept-Encoding")); enc != "" {
			if zbuf, err := compressBytes(enc, buf); err == nil {
				h.Set("Content-Encoding", enc)
				h.Set("Content-Length", strconv.Itoa(len(zbuf)))
				w.WriteHeader(http.StatusOK)
				w.Write(zbuf)
				putPayload(bp, buf)
				return
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf)
	putPayload(bp, buf)
}

func putPayload(bp *[]byte, buf []byte) {
	if cap(buf) > 64<<10 {
		return // let rare large payloads go to the collector
	}
	*bp = buf[:0]
	payloadPool.Put(bp)
}

var errBodyTooLarge = errors.New("engineio: body too large")

// servePost answers a long-polling POST: the packets it carries are handed
// to the session in order before the response is written.
func (p *polling) servePost(w http.ResponseWriter, r *http.Request) {
	s := p.s
	s.mu.Lock()
	if p.postActive {
		s.mu.Unlock()
		s.closeNow(ReasonTransportError, errDataOverlap)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	contentType := r.Header.Get("Content-Type")
	if !p.codec.accepts(contentType) {
		s.mu.Unlock()
		s.closeNow(ReasonTransportError, errInvalidContent)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc := http.NewResponseController(w)
	p.postActive, p.postBody = true, rc
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		p.postActive, p.postBody = false, nil
		s.mu.Unlock()
	}()

	body, err := readBody(r, rc, s.srv.cfg.MaxHTTPBufferSize)
	if errors.Is(err, errBodyTooLarge) {
		// As in the reference, the session survives; the payload is lost.
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		s.closeNow(ReasonTransportError, errDataAborted)
		return
	}

	var reason CloseReason
	var cerr, perr error
	binary := contentType == contentBinary
	body, perr = p.codec.unwrap(body)
	s.readMu.Lock()
	for rest := body; perr == nil; {
		var pk packet.Packet
		if pk, rest, perr = p.codec.next(rest, binary); perr != nil {
			break
		}
		if reason, cerr = s.handlePacket(pk); cerr != nil || rest == nil {
			break
		}
	}
	s.readMu.Unlock()
	ok := true
	switch {
	case cerr == errStop:
		// The session closed while the payload was being handled.
	case cerr == errClientClose:
		p.awaitPoll()
		s.closeNow(reason, cerr)
	case cerr != nil:
		s.closeNow(reason, cerr)
		ok = false
	case perr != nil:
		s.closeNow(ReasonParseError, perr)
		ok = false
	}
	s.notifyClose()
	if !ok {
		writeError(w, CodeBadRequest, "")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", "2")
	s.srv.setResponseHeaders(h, r, false, s.id)
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "ok")
}

// awaitPoll waits a little for a poll when none is pending: a client that
// closes has one pending, but its GET may race with the POST that carries
// the close, and it should get the noop rather than an unknown session.
func (p *polling) awaitPoll() {
	s := p.s
	s.mu.Lock()
	pending := p.getActive
	select {
	case <-p.getArrived: // a stale signal
	default:
	}
	s.mu.Unlock()
	if pending {
		return
	}
	select {
	case <-p.getArrived:
	case <-time.After(probeRaceWait):
	}
}

// readBody reads a POST body of at most limit bytes. A body that stalls is
// cut when its session closes (polling.close), at the latest when the
// client misses its heartbeat; the http.Server may cut it sooner
// (BodyTimeout).
//
// The buffer grows with what arrives, never to the announced length: a
// client may announce a megabyte and send a byte (measured: 2,000 such
// requests held 2 GB when the length was taken at its word).
func readBody(r *http.Request, rc *http.ResponseController, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, errBodyTooLarge
	}
	size := int64(bodyChunk)
	if r.ContentLength >= 0 && r.ContentLength < size {
		size = r.ContentLength + 1 // room to read the EOF without growing
	}
	buf := make([]byte, 0, size)
	body := io.LimitReader(r.Body, limit+1)
	for {
		if len(buf) == cap(buf) {
			// At most double what came, and no more than announced.
			n := min(2*int64(cap(buf)), limit+1)
			if r.ContentLength >= 0 {
				n = min(n, r.ContentLength+1)
			}
			buf = append(make([]byte, 0, n), buf...)
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			// What is left of the body is not worth reading: when net/http
			// tries to, to reuse the connection, it fails at once.
			rc.SetReadDeadline(time.Now())
			return nil, err
		}
	}
	if int64(len(buf)) > limit {
		return nil, errBodyTooLarge
	}
	return buf, nil
}

// bodyChunk is the most a body's buffer holds before data arrives.
const bodyChunk = 1 << 10

// isIE reports whether the user agent needs X-XSS-Protection: 0, as the
// reference checks.
func isIE(ua string) bool {
	return strings.Contains(ua, ";MSIE") || strings.Contains(ua, "Trident/")
}
