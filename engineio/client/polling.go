package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// closeTimeout bounds the request that tells the server a long-polling
// connection closes.
const closeTimeout = 5 * time.Second

// polling is the HTTP long-polling transport: a GET that waits for the
// server's packets, one after the other, and a POST for each batch the
// client sends.
type polling struct {
	c   *Conn
	sid string
}

var errStop = errors.New("stop")

// openPolling makes the handshake over long-polling: a GET without a
// session id, answered by the open packet.
func (c *Conn) openPolling(ctx context.Context) (transport, []packet.Packet, error) {
	body, err := c.get(ctx, "")
	if err != nil {
		return nil, nil, fmt.Errorf("engineio: handshake: %w", err)
	}
	var pkts []packet.Packet
	err = packet.DecodePayload(body, func(p packet.Packet) error {
		pkts = append(pkts, p)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("engineio: handshake: %w", err)
	}
	if err := c.parseHandshake(pkts[0]); err != nil {
		return nil, nil, err
	}
	return &polling{c: c, sid: c.hs.SID}, pkts[1:], nil
}

func (c *Conn) newRequest(ctx context.Context, method, sid string, body []byte) *http.Request {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.requestURL(Polling, sid, true), r)
	if err != nil {
		panic(err) // the URL was checked by Dial
	}
	for k, vs := range c.opts.Header {
		req.Header[k] = append(req.Header[k], vs...)
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	return req
}

// do sends req and returns the response's body, at most MaxMessageSize
// bytes of it, or an error for a status other than 200.
func (c *Conn) do(req *http.Request) ([]byte, error) {
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, serverError(resp.Status, body)
	}
	if int64(len(body)) > c.opts.MaxMessageSize {
		return nil, fmt.Errorf("engineio: a response holds more than MaxMessageSize (%d bytes)", c.opts.MaxMessageSize)
	}
	return body, nil
}

func (c *Conn) get(ctx context.Context, sid string) ([]byte, error) {
	body, err := c.do(c.newRequest(ctx, http.MethodGet, sid, nil))
	if err == nil && len(body) == 0 {
		err = errors.New("engineio: empty long-polling response")
	}
	return body, err
}

func (p *polling) name() string { return Polling }

// run polls until the connection closes or pauses for an upgrade.
func (p *polling) run(deliver func(packet.Packet) bool) error {
	c := p.c
	for {
		c.mu.Lock()
		stop := c.paused || c.state == stateClosed
		c.mu.Unlock()
		if stop {
			return nil
		}
		body, err := c.get(c.ctx, p.sid)
		if err != nil {
			return err
		}
		err = packet.DecodePayload(body, func(pk packet.Packet) error {
			if pk.Type == packet.Close {
				return errServerClosed
			}
			if !deliver(pk) {
				return errStop
			}
			return nil
		})
		if err == errStop {
			return nil
		}
		if err != nil {
			return err
		}
		c.mu.Lock()
		for c.probing && !c.paused && c.state != stateClosed {
			c.pollCond.Wait()
		}
		c.mu.Unlock()
	}
}

func (p *polling) write(pkts []packet.Packet) error {
	c := p.c
	body := packet.AppendPayload(make([]byte, 0, packet.PayloadLen(pkts)), pkts)
	resp, err := c.do(c.newRequest(c.ctx, http.MethodPost, p.sid, body))
	if err != nil {
		return err
	}
	if string(resp) != "ok" {
		return fmt.Errorf("engineio: long-polling POST answered %.50q instead of ok", resp)
	}
	return nil
}

// close tells the server, if asked, with a close packet in a POST of its
// own, before the poll under way is cancelled: the server then ends the
// session as closed by the client, not as a broken poll.
func (p *polling) close(sendClose bool) {
	if !sendClose {
		return
	}
	c := p.c
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	c.do(c.newRequest(ctx, http.MethodPost, p.sid, []byte{'0' + byte(packet.Close)}))
}
