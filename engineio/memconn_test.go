package engineio_test

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// memPipe is an in-memory, buffered, full-duplex connection for tests in a
// synctest bubble. Unlike net.Pipe it buffers like a socket does: a write
// returns once its bytes fit in the peer's receive buffer, so a peer that
// does not read blocks the writer only when the buffer is full. Waiting
// uses sync.Cond, which is durably blocking, and deadlines use timers, so
// virtual time applies.
type memPipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    [2][]byte // buf[i]: written by end i, read by end 1-i
	closed [2]bool   // end i closed
	limit  int
}

func newMemPipe(limit int) (net.Conn, net.Conn) {
	p := &memPipe{limit: limit}
	p.cond.L = &p.mu
	return &memConn{p: p, end: 0}, &memConn{p: p, end: 1}
}

type memConn struct {
	p   *memPipe
	end int

	// deadlines, guarded by p.mu
	rdl, wdl       time.Time
	rtimer, wtimer *time.Timer
}

func (c *memConn) Read(b []byte) (int, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		switch {
		case p.closed[c.end]:
			return 0, net.ErrClosed
		case len(p.buf[1-c.end]) > 0:
			n := copy(b, p.buf[1-c.end])
			p.buf[1-c.end] = p.buf[1-c.end][n:]
			p.cond.Broadcast()
			return n, nil
		case p.closed[1-c.end]:
			return 0, io.EOF
		case expired(c.rdl):
			return 0, os.ErrDeadlineExceeded
		}
		p.cond.Wait()
	}
}

func (c *memConn) Write(b []byte) (int, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for n < len(b) {
		switch {
		case p.closed[c.end]:
			return n, net.ErrClosed
		case p.closed[1-c.end]:
			return n, io.ErrClosedPipe
		case expired(c.wdl):
			return n, os.ErrDeadlineExceeded
		}
		if space := p.limit - len(p.buf[c.end]); space > 0 {
			k := min(space, len(b)-n)
			p.buf[c.end] = append(p.buf[c.end], b[n:n+k]...)
			n += k
			p.cond.Broadcast()
			continue
		}
		p.cond.Wait()
	}
	return n, nil
}

func expired(dl time.Time) bool { return !dl.IsZero() && !time.Now().Before(dl) }

func (c *memConn) Close() error {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed[c.end] = true
	for _, t := range []*time.Timer{c.rtimer, c.wtimer} {
		if t != nil {
			t.Stop()
		}
	}
	p.cond.Broadcast()
	return nil
}

func (c *memConn) setDeadline(dl *time.Time, timer **time.Timer, t time.Time) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	*dl = t
	if *timer != nil {
		(*timer).Stop()
		*timer = nil
	}
	if !t.IsZero() && !p.closed[c.end] {
		*timer = time.AfterFunc(time.Until(t), func() {
			p.mu.Lock()
			p.cond.Broadcast()
			p.mu.Unlock()
		})
	}
	p.cond.Broadcast()
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.setDeadline(&c.rdl, &c.rtimer, t)
	return nil
}

func (c *memConn) SetWriteDeadline(t time.Time) error {
	c.setDeadline(&c.wdl, &c.wtimer, t)
	return nil
}

func (c *memConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *memConn) LocalAddr() net.Addr  { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr { return memAddr{} }
