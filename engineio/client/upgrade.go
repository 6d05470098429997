package client

import (
	"context"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// upgrade moves a long-polling connection to WebSocket, as the reference
// client does: it opens a WebSocket for the session and probes it ("2probe",
// answered "3probe"); then it pauses long-polling (the poll under way
// returns, the POST under way ends, nothing new starts), sends "5" on the
// WebSocket, and writes there what was queued meanwhile. If anything fails
// before the switch, the connection stays on long-polling.
//
// Once the poll has returned, the upgrade owns the callbacks until it hands
// them to the WebSocket's reader.
func (c *Conn) upgrade() {
	defer c.group.Done()
	w, err := c.dialWebSocket(c.ctx, c.hs.SID)
	if err != nil {
		return
	}
	c.setProbing(true)
	ok := c.probe(w)
	if !ok {
		c.setProbing(false)
		w.close(false)
		return
	}

	// Pause: the poll loop stops after the poll under way, the flush after
	// the write under way.
	c.mu.Lock()
	if c.state == stateClosed {
		c.mu.Unlock()
		w.close(false)
		return
	}
	c.paused, c.probing = true, false
	c.pollCond.Broadcast()
	var drained chan struct{}
	if c.writing {
		drained = make(chan struct{})
		c.drained = drained
	}
	c.mu.Unlock()
	if drained != nil {
		<-drained
	}
	// The reader of the poll ends on its own; wait for the moment it did,
	// as the callbacks are then the upgrade's to call.
	c.waitPollEnded()

	c.mu.Lock()
	closed, pollErr := c.state == stateClosed, c.pollErr
	c.mu.Unlock()
	if closed || pollErr != nil {
		w.close(false)
		c.finish(pollErr)
		return
	}
	if err := w.write([]packet.Packet{{Type: packet.Upgrade}}); err != nil {
		w.close(false)
		c.finish(err)
		return
	}
	c.mu.Lock()
	if c.state == stateClosed {
		c.mu.Unlock()
		w.close(false)
		c.finish(nil)
		return
	}
	c.tr, c.paused = w, false
	c.kickLocked()
	c.group.Add(1)
	c.mu.Unlock()
	if c.opts.OnUpgrade != nil {
		c.opts.OnUpgrade(WebSocket)
	}
	c.read(w, nil)
}

// probe sends "2probe" on w and reports whether "3probe" came back in
// time (the session's ping interval and timeout).
func (c *Conn) probe(w *wsTransport) bool {
	if err := w.write([]packet.Packet{{Type: packet.Ping, Data: []byte("probe")}}); err != nil {
		return false
	}
	w.ws.SetReadDeadline(time.Now().Add(c.hs.PingInterval + c.hs.PingTimeout))
	stop := context.AfterFunc(c.ctx, func() { w.ws.Close() })
	p, err := w.readPacket()
	stop()
	w.ws.SetReadDeadline(time.Time{})
	return err == nil && p.Type == packet.Pong && string(p.Data) == "probe"
}

// waitPollEnded waits until the long-polling reader has returned.
func (c *Conn) waitPollEnded() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !c.pollEnded {
		c.pollCond.Wait()
	}
}

func (c *Conn) setProbing(on bool) {
	c.mu.Lock()
	c.probing = on
	c.pollCond.Broadcast()
	c.mu.Unlock()
}
