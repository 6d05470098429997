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

// servePoll answers a long-polling GET: at once if packets are queued,
// otherwise when the first one is, or when the session ends or upgrades.
func (s *Session) servePoll(w http.ResponseWriter, r *http.Request, initial bool) {
	s.mu.Lock()
	if done := s.upgradeDone; done != nil && s.probed && !s.getActive {
		// A client that probed pauses polling; a poll now most likely
		// raced with its "5" on the WebSocket. Let the upgrade end first,
		// so that a poll after the upgrade is refused like any other.
		s.mu.Unlock()
		select {
		case <-done:
		case <-time.After(probeRaceWait):
		case <-r.Context().Done():
		}
		s.mu.Lock()
	}
	if s.onWS {
		s.mu.Unlock()
		s.srv.refuse(w, r, &RequestError{Code: CodeBadRequest, Context: "TRANSPORT_MISMATCH"})
		return
	}
	if s.getActive {
		s.mu.Unlock()
		// The reference closes the session and answers the pending poll
		// with a close packet.
		s.closeNow(ReasonTransportError, errPollOverlap)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.getActive = true
	select {
	case s.getArrived <- struct{}{}:
	default:
	}
	for !s.pollReadyLocked() {
		s.mu.Unlock()
		select {
		case <-s.getWake:
		case <-r.Context().Done():
			s.mu.Lock()
			s.getActive = false
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
		out = []outPacket{{Packet: packet.Packet{Type: s.pollReply}}}
	case s.onWS:
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
	s.getActive = false
	s.mu.Unlock()
	s.srv.budget.release(released)

	s.writePayload(w, r, out, initial)
	if finish {
		s.closeNow(ReasonForcedClose, nil)
	}
}

func (s *Session) pollReadyLocked() bool {
	return s.state != stateOpen || s.onWS || len(s.queue) > 0 || s.probed
}

// probeRaceWait bounds how long a poll that arrives after the probe waits
// for the upgrade to complete (the reference checks every 100 ms).
const probeRaceWait = 100 * time.Millisecond

var payloadPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writePayload encodes packets as one polling payload and writes it,
// compressed when it is large enough and the client accepts it.
func (s *Session) writePayload(w http.ResponseWriter, r *http.Request, out []outPacket, initial bool) {
	bp := payloadPool.Get().(*[]byte)
	buf := (*bp)[:0]
	compress := false
	for i, p := range out {
		if i > 0 {
			buf = append(buf, packet.Separator)
		}
		buf = packet.AppendText(buf, p.Packet)
		compress = compress || !p.noCompress
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	s.srv.setResponseHeaders(h, r, initial, s.id)
	cfg := s.srv.cfg
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

// serveData answers a long-polling POST: the packets it carries are handed
// to the session in order before the response is written.
func (s *Session) serveData(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.postActive {
		s.mu.Unlock()
		s.closeNow(ReasonTransportError, errDataOverlap)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if r.Header.Get("Content-Type") == "application/octet-stream" {
		// Binary payloads are an Engine.IO v3 thing.
		s.mu.Unlock()
		s.closeNow(ReasonTransportError, errInvalidContent)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc := http.NewResponseController(w)
	s.postActive, s.postBody = true, rc
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.postActive, s.postBody = false, nil
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
	var cerr error
	s.readMu.Lock()
	perr := packet.DecodePayload(body, func(p packet.Packet) error {
		reason, cerr = s.handlePacket(p)
		if cerr != nil {
			return errStop
		}
		return nil
	})
	s.readMu.Unlock()
	ok := true
	switch {
	case cerr == errStop:
		// The session closed while the payload was being handled.
	case cerr == errClientClose:
		s.awaitPoll()
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
func (s *Session) awaitPoll() {
	s.mu.Lock()
	pending := s.getActive
	select {
	case <-s.getArrived: // a stale signal
	default:
	}
	s.mu.Unlock()
	if pending {
		return
	}
	select {
	case <-s.getArrived:
	case <-time.After(probeRaceWait):
	}
}

// readBody reads a POST body of at most limit bytes. A body that stalls is
// cut when its session closes (Session.close), at the latest when the
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
