package socketio_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/parser"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The tests drive the server by hand over every transport mode, inside
// synctest bubbles on an in-memory network (internal/eiotest): acks time
// out, heartbeats and the connect timeout fire at their real durations in
// virtual time.

type mode = eiotest.Mode

var allModes = eiotest.AllModes

func run(t *testing.T, f func(t *testing.T, m mode)) { eiotest.Run(t, allModes, f) }

func bubble(t *testing.T, f func(t *testing.T)) { synctest.Test(t, f) }

// env is a Socket.IO server on an in-memory network.
type env struct {
	*eiotest.Env
	srv *socketio.Server
}

func newEnv(t *testing.T, opts *socketio.Options) *env {
	if opts == nil {
		opts = &socketio.Options{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv := socketio.NewServer(opts)
	return &env{Env: eiotest.NewEnv(t, srv, "/socket.io/", func() { srv.Close() }), srv: srv}
}

// wireClient speaks Socket.IO by hand over one Engine.IO session.
type wireClient struct {
	*eiotest.Client
	dec     parser.Decoder
	pending []packet.Packet // Engine.IO packets received, not yet decoded
}

func (e *env) client(m mode) *wireClient {
	return &wireClient{Client: e.Connect(m), dec: parser.Default.NewDecoder()}
}

// send encodes p and sends its messages.
func (c *wireClient) send(p *parser.Packet) {
	c.T.Helper()
	frames, err := parser.Default.Encode(p)
	if err != nil {
		c.T.Fatal(err)
	}
	var pkts []packet.Packet
	for _, f := range frames {
		pkts = append(pkts, packet.Packet{Type: packet.Message, Data: f.Data, Binary: f.Binary})
	}
	c.Send(pkts...)
}

// sendText sends one Socket.IO packet in text form ("2[\"x\"]").
func (c *wireClient) sendText(s string) {
	c.T.Helper()
	c.Send(eiotest.Text(s))
}

// next returns the next Socket.IO packet, answering pings.
func (c *wireClient) next() *parser.Packet {
	c.T.Helper()
	for {
		for len(c.pending) == 0 {
			for _, ep := range c.Recv() {
				if ep.Type == packet.Ping {
					c.Send(packet.Packet{Type: packet.Pong})
					continue
				}
				c.pending = append(c.pending, ep)
			}
		}
		ep := c.pending[0]
		c.pending = c.pending[1:]
		if ep.Type != packet.Message {
			c.T.Fatalf("got Engine.IO packet %s %q while waiting for a Socket.IO packet", ep.Type, ep.Data)
		}
		p, err := c.dec.Add(ep.Data, ep.Binary)
		if err != nil {
			c.T.Fatalf("decoding %q: %v", ep.Data, err)
		}
		if p != nil {
			return p
		}
	}
}

// nextText returns the next packet in text form, attachments appended as
// "+<hex>" for comparisons.
func (c *wireClient) nextText() string {
	c.T.Helper()
	p := c.next()
	s := string(parser.AppendText(nil, p))
	for _, a := range p.Attachments {
		s += "+" + string(a)
	}
	return s
}

// connect joins namespace nsp with an auth payload ("" for none) and
// returns the socket id from the CONNECT reply.
func (c *wireClient) connect(nsp, auth string) string {
	c.T.Helper()
	c.send(&parser.Packet{Type: parser.Connect, Namespace: nsp, Data: rawOrNil(auth)})
	p := c.next()
	if p.Type != parser.Connect || p.Namespace != nsp {
		c.T.Fatalf("CONNECT to %s answered with %s %s %s", nsp, p.Type, p.Namespace, p.Data)
	}
	var reply map[string]string
	if err := json.Unmarshal(p.Data, &reply); err != nil || len(reply) != 1 || len(reply["sid"]) != 20 {
		c.T.Fatalf("CONNECT reply %s, want exactly {\"sid\": <20 characters>}", p.Data)
	}
	return reply["sid"]
}

func rawOrNil(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// emit sends an EVENT with JSON args.
func (c *wireClient) emit(nsp string, id int, jsonArray string) {
	c.T.Helper()
	p := &parser.Packet{Type: parser.Event, Namespace: nsp, Data: []byte(jsonArray)}
	if id >= 0 {
		p.ID, p.HasID = uint64(id), true
	}
	c.send(p)
}

// events records what server-side handlers see, for assertions after
// synctest.Wait.
type events struct {
	mu  sync.Mutex
	log []string
}

func (ev *events) add(format string, args ...any) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.log = append(ev.log, fmt.Sprintf(format, args...))
}

func (ev *events) get() []string {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return append([]string(nil), ev.log...)
}

// want waits for the bubble to settle and compares the log.
func (ev *events) want(t *testing.T, want ...string) {
	t.Helper()
	synctest.Wait()
	got := ev.get()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// socketRef captures the server-side socket of each connection.
type socketRef struct {
	mu      sync.Mutex
	sockets map[string]*socketio.Socket
}

func (r *socketRef) add(s *socketio.Socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sockets == nil {
		r.sockets = map[string]*socketio.Socket{}
	}
	r.sockets[s.ID()] = s
}

func (r *socketRef) get(t *testing.T, id string) *socketio.Socket {
	t.Helper()
	synctest.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sockets[id]
	if s == nil {
		t.Fatalf("no server socket %s", id)
	}
	return s
}

func synctestWait() { synctest.Wait() }

var binaryPacket = eiotest.Binary
