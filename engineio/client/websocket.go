package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio/packet"
)

// writeWait bounds the close frame's write.
const writeWait = 5 * time.Second

// wsTransport is the WebSocket transport: one frame per packet, text in
// its text form, a binary message as the frame's bytes.
type wsTransport struct {
	c    *Conn
	ws   *gws.Conn
	wmu  sync.Mutex // serializes writes: the flush, the upgrade's, the close frame
	once sync.Once
}

// dialWebSocket opens a WebSocket for session sid ("" for a new one).
func (c *Conn) dialWebSocket(ctx context.Context, sid string) (*wsTransport, error) {
	d := gws.Dialer{
		Proxy:            c.opts.Proxy,
		TLSClientConfig:  c.opts.TLSConfig,
		NetDialContext:   c.opts.NetDialContext,
		HandshakeTimeout: 45 * time.Second,
		Jar:              c.opts.Jar,
		// Small buffers: a client process may hold many idle
		// connections (see the package doc's costs).
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		WriteBufferPool: writePool,
	}
	header := http.Header{}
	for k, vs := range c.opts.Header {
		header[k] = append(header[k], vs...)
	}
	ws, resp, err := d.DialContext(ctx, c.requestURL(WebSocket, sid, false), header)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			return nil, fmt.Errorf("engineio: WebSocket handshake: %w", serverError(resp.Status, body))
		}
		return nil, fmt.Errorf("engineio: WebSocket handshake: %w", err)
	}
	ws.SetReadLimit(c.opts.MaxMessageSize)
	return &wsTransport{c: c, ws: ws}, nil
}

var writePool = &sync.Pool{}

// openWebSocket makes the handshake over WebSocket: the open packet is the
// first frame.
func (c *Conn) openWebSocket(ctx context.Context) (transport, error) {
	w, err := c.dialWebSocket(ctx, "")
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { w.ws.Close() })
	p, err := w.readPacket()
	if !stop() {
		err = ctx.Err()
	}
	if err == nil {
		err = c.parseHandshake(p)
	}
	if err != nil {
		w.ws.Close()
		return nil, fmt.Errorf("engineio: handshake: %w", err)
	}
	return w, nil
}

func (w *wsTransport) name() string { return WebSocket }

func (w *wsTransport) readPacket() (packet.Packet, error) {
	typ, data, err := w.ws.ReadMessage()
	if err != nil {
		var ce *gws.CloseError
		if errors.As(err, &ce) && (ce.Code == gws.CloseNormalClosure || ce.Code == gws.CloseGoingAway) {
			return packet.Packet{}, errServerClosed
		}
		return packet.Packet{}, err
	}
	return packet.DecodeFrame(data, typ == gws.BinaryMessage)
}

func (w *wsTransport) run(deliver func(packet.Packet) bool) error {
	for {
		p, err := w.readPacket()
		if err != nil {
			return err
		}
		if p.Type == packet.Close {
			return errServerClosed
		}
		if !deliver(p) {
			return nil
		}
	}
}

func (w *wsTransport) write(pkts []packet.Packet) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	var text []byte
	for _, p := range pkts {
		var err error
		if p.Binary {
			err = w.ws.WriteMessage(gws.BinaryMessage, p.Data)
		} else {
			text = packet.AppendText(text[:0], p)
			err = w.ws.WriteMessage(gws.TextMessage, text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// close sends a close frame, if asked, then closes the connection: the
// reader's ReadMessage returns.
func (w *wsTransport) close(sendClose bool) {
	w.once.Do(func() {
		if sendClose {
			msg := gws.FormatCloseMessage(gws.CloseNormalClosure, "")
			w.ws.WriteControl(gws.CloseMessage, msg, time.Now().Add(writeWait))
		}
		w.ws.Close()
	})
}
