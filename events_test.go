package socketio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio/packet"
	"github.com/ab218a8d/socketio/parser"
)

type chat struct {
	Room string `json:"room"`
	Text string `json:"text"`
	File []byte `json:"file,omitempty"`
}

func TestEventsAndAcks(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		var refs socketRef
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			s.On("plain", func(e *socketio.Event) {
				var a int
				var b string
				var c map[string][]bool
				err := e.Bind(&a, &b, &c)
				ev.add("plain %d %q %v wantsAck=%v err=%v", a, b, c, e.WantsAck(), err)
			})
			s.On("chat", socketio.Typed(func(e *socketio.Event, m chat) {
				ev.add("chat %s %s %v", m.Room, m.Text, m.File)
				e.Ack("got", m.File)
				if err := e.Ack("again"); !errors.Is(err, socketio.ErrNoAck) {
					ev.add("second ack: %v", err)
				}
			}))
			s.On("echo", func(e *socketio.Event) {
				args, _ := e.Values()
				e.Ack(args...)
			})
		})
		c := e.client(m)
		id := c.connect("/", "")
		c.emit("/", -1, `["plain",1,"2",{"3":[true]}]`)
		c.send(&parser.Packet{Type: parser.Event, ID: 7, HasID: true,
			Data:        []byte(`["chat",{"room":"r","text":"hi","file":{"_placeholder":true,"num":0}}]`),
			Attachments: [][]byte{{1, 2, 3}}})
		if got := c.nextText(); got != "61-7[\"got\",{\"_placeholder\":true,\"num\":0}]+\x01\x02\x03" {
			t.Fatalf("ack = %q", got)
		}
		c.send(&parser.Packet{Type: parser.Event, ID: 8, HasID: true,
			Data:        []byte(`["echo",[{"_placeholder":true,"num":1}],{"deep":{"x":{"_placeholder":true,"num":0}}},null]`),
			Attachments: [][]byte{{9}, {8}}})
		p := c.next()
		if p.Type != parser.Ack || p.ID != 8 || len(p.Attachments) != 2 {
			t.Fatalf("echo ack = %+v", p)
		}
		var back []any
		if err := parser.NewArgs(p.Data, p.Attachments).Bind(&back); err != nil {
			t.Fatal(err)
		}
		vals, _ := parser.NewArgs(p.Data, p.Attachments).Values()
		if !bytes.Equal(vals[0].([]any)[0].([]byte), []byte{8}) || !bytes.Equal(vals[1].(map[string]any)["deep"].(map[string]any)["x"].([]byte), []byte{9}) || vals[2] != nil {
			t.Fatalf("echoed nested binary = %#v", vals)
		}
		ev.want(t, `plain 1 "2" map[3:[true]] wantsAck=false err=<nil>`, "chat r hi [1 2 3]")

		// Server to client, with acks.
		s := refs.get(t, id)
		var acked []string
		s.Emit("hello", "world", 42, map[string]any{"bin": []byte{7}}, socketio.AckHandler(func(a socketio.Args, err error) {
			var x string
			a.Bind(&x)
			acked = append(acked, fmt.Sprintf("%s %v", x, err))
		}))
		p = c.next()
		if got := string(parser.AppendText(nil, p)); got != `51-0["hello","world",42,{"bin":{"_placeholder":true,"num":0}}]` || !bytes.Equal(p.Attachments[0], []byte{7}) {
			t.Fatalf("server emit = %s %v", got, p.Attachments)
		}
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["thanks"]`)})
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["twice"]`)}) // ignored
		c.send(&parser.Packet{Type: parser.Ack, ID: 999, HasID: true, Data: []byte(`[]`)})         // unknown: ignored
		synctest.Wait()
		if strings.Join(acked, ",") != "thanks <nil>" {
			t.Fatalf("acks = %v", acked)
		}

		// EmitWithAck, answered.
		done := make(chan string)
		go func() {
			a, err := s.EmitWithAck(context.Background(), "question")
			var x string
			a.Bind(&x)
			done <- fmt.Sprint(x, err)
		}()
		p = c.next()
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["answer"]`)})
		if got := <-done; got != "answer<nil>" {
			t.Fatalf("EmitWithAck = %s", got)
		}

		// Timeout: no answer.
		start := time.Now()
		_, err := s.Timeout(5*time.Second).EmitWithAck(context.Background(), "unanswered")
		if !errors.Is(err, socketio.ErrTimeout) || time.Since(start) != 5*time.Second {
			t.Fatalf("Timeout EmitWithAck = %v after %v", err, time.Since(start))
		}
		c.next() // the unanswered event
		// A context that ends first.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := s.EmitWithAck(ctx, "unanswered2"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("EmitWithAck with a context = %v", err)
		}
		c.next()
		// Reserved names.
		if err := s.Emit("disconnect"); !errors.Is(err, socketio.ErrReservedEvent) {
			t.Fatalf("Emit(disconnect) = %v", err)
		}
	})
}

func TestEventOrder(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("n", func(e *socketio.Event) {
				var n int
				e.Bind(&n)
				ev.add("%d", n)
				if n%10 == 0 {
					time.Sleep(time.Millisecond) // a slow handler does not reorder
				}
			})
		})
		c := e.client(m)
		c.connect("/", "")
		var want []string
		for i := range 50 {
			c.emit("/", -1, fmt.Sprintf(`["n",%d]`, i))
			want = append(want, fmt.Sprint(i))
		}
		time.Sleep(time.Second) // let the slow handlers finish (virtual time)
		ev.want(t, want...)
	})
}

func TestPendingAcksFailOnDisconnect(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var refs socketRef
		e.srv.OnConnection(refs.add)
		c := e.client(m)
		s := refs.get(t, c.connect("/", ""))
		errc := make(chan error, 1)
		s.Emit("q", socketio.AckHandler(func(_ socketio.Args, err error) { errc <- err }))
		c.next()
		c.sendText("1")
		if err := <-errc; !errors.Is(err, socketio.ErrDisconnected) {
			t.Fatalf("pending ack got %v", err)
		}
		if err := s.Emit("late"); !errors.Is(err, socketio.ErrDisconnected) {
			t.Fatalf("Emit after disconnect = %v", err)
		}
		select {
		case <-s.Context().Done():
		default:
			t.Fatal("socket context not cancelled")
		}
	})
}

func TestMiddlewareOnEvents(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.Use(func(e *socketio.Event) error {
				if e.Name() == "forbidden" {
					return errors.New("not allowed")
				}
				return nil
			})
			s.OnError(func(err error) { ev.add("error: %v", err) })
			s.On("forbidden", func(*socketio.Event) { ev.add("forbidden ran") })
			s.On("fine", func(*socketio.Event) { ev.add("fine ran") })
			s.On("panics", func(*socketio.Event) { panic("boom") })
		})
		e.srv.Of("/").Server() // accessor
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["forbidden"]`)
		c.emit("/", -1, `["panics"]`)
		c.emit("/", -1, `["fine"]`)
		ev.want(t, "error: not allowed", "fine ran")
	})
}

func TestCatchAll(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		var refs socketRef
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			s.OnAny(func(name string, a socketio.Args) { ev.add("any %s %d", name, a.Len()) })
			s.PrependAny(func(name string, a socketio.Args) { ev.add("first %s", name) })
			remove := s.OnAny(func(name string, a socketio.Args) { ev.add("removed %s", name) })
			remove()
			s.OnAnyOutgoing(func(name string, a socketio.Args) {
				var x string
				a.Bind(&x)
				ev.add("out %s %s", name, x)
			})
			s.On("x", func(*socketio.Event) { ev.add("handler x") })
		})
		c := e.client(m)
		id := c.connect("/", "")
		c.emit("/", -1, `["x",1,2]`)
		ev.want(t, "first x", "any x 2", "handler x")
		s := refs.get(t, id)
		s.Emit("direct", "a")
		e.srv.Emit("broadcast", "b")
		c.next()
		c.next()
		ev.want(t, "first x", "any x 2", "handler x", "out direct a", "out broadcast b")
		s.OffAny()
		s.OffAnyOutgoing()
		c.emit("/", -1, `["x"]`)
		s.Emit("quiet")
		c.next()
		ev.want(t, "first x", "any x 2", "handler x", "out direct a", "out broadcast b", "handler x")
	})
}

func TestCatchAllOutgoingRemoved(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		var refs socketRef
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			remove := s.PrependAnyOutgoing(func(name string, _ socketio.Args) { ev.add("out %s", name) })
			s.Emit("before")
			remove()
		})
		c := e.client(m)
		id := c.connect("/", "")
		c.next()
		s := refs.get(t, id)
		s.Emit("direct")
		e.srv.Emit("broadcast")
		c.next()
		c.next()
		ev.want(t, "out before")
	})
}

func TestAsyncHandlerCanWaitForTheClient(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("ask", socketio.Async(func(e *socketio.Event) {
				a, err := s.Timeout(time.Minute).EmitWithAck(context.Background(), "question")
				var answer string
				a.Bind(&answer)
				ev.add("answer %s %v", answer, err)
			}))
		})
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["ask"]`)
		p := c.next()
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["yes"]`)})
		ev.want(t, "answer yes <nil>")
	})
}

// Every error the package returns says where it comes from.
func TestErrorsSayTheirPackage(t *testing.T) {
	for _, err := range []error{socketio.ErrTimeout, socketio.ErrDisconnected, socketio.ErrReservedEvent, socketio.ErrNoAck} {
		if !strings.HasPrefix(err.Error(), "socketio: ") {
			t.Errorf("%q lacks the package prefix", err)
		}
	}
}

// A handler may wait for the client, as Node's handlers await
// emitWithAck: the connection's transport is still read while it waits,
// and the events that come meanwhile are handled after it, in order.
func TestHandlerCanWaitForTheClient(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			// A connection handler may wait too.
			a, err := s.Timeout(time.Minute).EmitWithAck(context.Background(), "hello")
			var name string
			a.Bind(&name)
			ev.add("hello %s %v", name, err)
			s.On("ask", func(e *socketio.Event) {
				a, err := s.Timeout(time.Minute).EmitWithAck(context.Background(), "question")
				var answer string
				a.Bind(&answer)
				ev.add("answer %s %v", answer, err)
			})
			s.On("next", func(e *socketio.Event) { ev.add("next") })
		})
		c := e.client(m)
		c.connect("/", "")
		hello := c.next()
		if hello.Type != parser.Event || !hello.HasID {
			t.Fatalf("got %s, want the hello event with an ack id", hello.Type)
		}
		c.send(&parser.Packet{Type: parser.Ack, ID: hello.ID, HasID: true, Data: []byte(`["ann"]`)})
		c.emit("/", -1, `["ask"]`)
		q := c.next()
		c.emit("/", -1, `["next"]`) // waits for the handler that waits
		synctest.Wait()
		if got := ev.get(); len(got) != 1 {
			t.Fatalf("events while the handler waits: %q", got)
		}
		c.send(&parser.Packet{Type: parser.Ack, ID: q.ID, HasID: true, Data: []byte(`["yes"]`)})
		ev.want(t, "hello ann <nil>", "answer yes <nil>", "next")
	})
}

// A handler that waits for a client that goes away hears of it at once,
// and the events the client sent before going are still handled, before
// the disconnect handlers.
func TestWaitingHandlerSeesTheClose(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("ask", func(e *socketio.Event) {
				_, err := s.EmitWithAck(context.Background(), "question")
				ev.add("ask: %v", err)
			})
			s.On("last", func(e *socketio.Event) { ev.add("last") })
			s.OnDisconnect(func(r socketio.DisconnectReason, _ error) { ev.add("disconnect: %s", r) })
		})
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["ask"]`)
		c.next()
		c.emit("/", -1, `["last"]`)
		synctest.Wait()
		c.Send(packet.Packet{Type: packet.Close})
		ev.want(t, "ask: "+socketio.ErrDisconnected.Error(), "last", "disconnect: transport close")
	})
}

// Forwarding an event's arguments is one line that cannot nest them: an
// Args passed to Emit or Ack is spread, each argument sent exactly as it
// came (every digit of a number, an object's key order, binary data).
func TestForwardArgs(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("fwd", func(e *socketio.Event) {
				s.Emit("back", e.Args)
				s.Emit("tail", "first", e.Args.Slice(2), "last")
				e.Ack(e.Args)
			})
			s.On("odd", func(e *socketio.Event) { s.Emit("back", e.Args) })
		})
		c := e.client(m)
		c.connect("/", "")
		in := `[{"_placeholder":true,"num":1},12345678901234567890123,{"b":1,"a":[{"_placeholder":true,"num":0}]},"two"]`
		c.send(&parser.Packet{Type: parser.Event, ID: 3, HasID: true,
			Data:        []byte(`["fwd",` + in[1:]),
			Attachments: [][]byte{{0xa}, {0xb}}})
		for _, w := range []string{
			`52-["back",{"_placeholder":true,"num":1},12345678901234567890123,{"b":1,"a":[{"_placeholder":true,"num":0}]},"two"]+` + "\x0a+\x0b",
			`52-["tail","first",{"b":1,"a":[{"_placeholder":true,"num":0}]},"two","last"]+` + "\x0a+\x0b",
			`62-3[{"_placeholder":true,"num":1},12345678901234567890123,{"b":1,"a":[{"_placeholder":true,"num":0}]},"two"]+` + "\x0a+\x0b",
		} {
			if got := c.nextText(); got != w {
				t.Fatalf("got  %q\nwant %q", got, w)
			}
		}
		// A placeholder written otherwise than JSON.stringify writes it is
		// still carried over.
		c.send(&parser.Packet{Type: parser.Event,
			Data:        []byte(`["odd",{ "num": 0, "_placeholder": true },7]`),
			Attachments: [][]byte{{0xc}}})
		if got, w := c.nextText(), `51-["back",{"_placeholder":true,"num":0},7]+`+"\x0c"; got != w {
			t.Fatalf("got  %q\nwant %q", got, w)
		}
	})
}

// Panics, arguments that did not decode and the client's own "error"
// events each reach their own handler.
func TestErrorKindsApart(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnPanic(func(s *socketio.Socket, err *socketio.PanicError) {
			ev.add("panic: %v (stack: %v)", err.Value, len(err.Stack) > 0)
		})
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.OnError(func(err error) {
				ev.add("error: missing=%v type=%v: %v", errors.Is(err, parser.ErrMissingArg), errors.Is(err, parser.ErrArgType), err)
			})
			s.On("error", func(e *socketio.Event) {
				var msg string
				e.Bind(&msg)
				ev.add("client error event: %s", msg)
			})
			s.On("panics", func(*socketio.Event) { panic("boom") })
			s.On("num", socketio.Typed(func(e *socketio.Event, n int) { ev.add("num %d", n) }))
		})
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["panics"]`)
		c.emit("/", -1, `["num","x"]`)
		c.emit("/", -1, `["num"]`)
		c.emit("/", -1, `["num",null]`)
		c.emit("/", -1, `["error","from the client"]`)
		ev.want(t,
			"panic: boom (stack: true)",
			`error: missing=false type=true: socketio: argument does not decode into the requested type: argument 0: json: cannot unmarshal string into Go value of type int`,
			"error: missing=true type=false: socketio: missing argument: argument 0 of 0",
			"num 0",
			"client error event: from the client")
	})
}

// Typed2 and Typed3 give a handler its first arguments as Go values; a
// missing one is an error, not a zero.
func TestTypedSeveral(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.OnError(func(err error) { ev.add("error: %v", errors.Is(err, parser.ErrMissingArg)) })
			s.On("move", socketio.Typed2(func(e *socketio.Event, x, y float64) { ev.add("move %v %v", x, y) }))
			s.On("say", socketio.Typed3(func(e *socketio.Event, who string, n int, data []byte) {
				ev.add("say %s %d %v", who, n, data)
			}))
		})
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["move",1.5,0]`)
		c.emit("/", -1, `["move",1.5]`)
		c.send(&parser.Packet{Type: parser.Event, Data: []byte(`["say","ann",2,{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{7}}})
		c.emit("/", -1, `["say","ann",2]`)
		ev.want(t, "move 1.5 0", "error: true", "say ann 2 [7]", "error: true")
	})
}

// An acknowledgement handler runs as the acknowledgement arrives: a
// handler may wait for it, and it may wait for the client in turn.
func TestAckHandlerRunsAsTheAckArrives(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var ev events
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("go", func(e *socketio.Event) {
				done := make(chan string)
				s.Emit("first", socketio.AckHandler(func(a socketio.Args, err error) {
					// Waits for the client from inside an AckHandler.
					b, err2 := s.EmitWithAck(context.Background(), "second")
					var x, y string
					a.Bind(&x)
					b.Bind(&y)
					done <- fmt.Sprintf("%s%s %v %v", x, y, err, err2)
				}))
				ev.add("handler got %s", <-done) // waits for the AckHandler
			})
		})
		c := e.client(m)
		c.connect("/", "")
		c.emit("/", -1, `["go"]`)
		p := c.next()
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["1"]`)})
		p = c.next()
		c.send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["2"]`)})
		ev.want(t, "handler got 12 <nil> <nil>")
	})
}

// countingParser is the default parser, counting the packets it decodes.
type countingParser struct {
	parser.Parser
	decoded *atomic.Int64
}

func (p countingParser) NewDecoder() parser.Decoder {
	return countingDecoder{p.Parser.NewDecoder(), p.decoded}
}

type countingDecoder struct {
	parser.Decoder
	decoded *atomic.Int64
}

func (d countingDecoder) Add(data []byte, binary bool) (*parser.Packet, error) {
	p, err := d.Decoder.Add(data, binary)
	if p != nil {
		d.decoded.Add(1)
	}
	return p, err
}

// A client that sends faster than its handler goes is read no faster than
// the handler goes, once a bounded queue is full: a flood of events while
// a handler blocks does not grow the server's memory.
func TestSlowHandlerHoldsTheClientBack(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		var decoded atomic.Int64
		e := newEnv(t, &socketio.Options{Parser: countingParser{parser.Default, &decoded}})
		release := make(chan struct{})
		var handled atomic.Int64
		e.srv.OnConnection(func(s *socketio.Socket) {
			s.On("n", func(e *socketio.Event) {
				if handled.Add(1) == 1 {
					<-release
				}
			})
		})
		c := e.client(m)
		c.connect("/", "")
		const n, size = 4000, 1000 // 4 MB, four times what may wait
		pad := strings.Repeat("x", size)
		sent := make(chan struct{})
		go func() {
			for range n {
				c.emit("/", -1, `["n","`+pad+`"]`)
			}
			close(sent)
		}()
		synctest.Wait()
		// The first event is being handled; the queue holds at most 1 MiB
		// of the rest, at about 1.3 kB each.
		if got := decoded.Load(); got > 1+(1<<20)/size+2 {
			t.Fatalf("%d events decoded while the handler blocks, want at most about %d", got, (1<<20)/size)
		}
		select {
		case <-sent:
			t.Fatal("the client sent everything while the handler blocked")
		default:
		}
		close(release)
		<-sent
		synctest.Wait()
		if handled.Load() != n || decoded.Load() != n+1 {
			t.Fatalf("handled %d, decoded %d, want %d", handled.Load(), decoded.Load(), n)
		}
	})
}

// TestCatchAllOutgoingKeepsArgs checks that the Args an outgoing catch-all
// handler is given stay valid after later emits: the buffers emits encode
// into are reused only when no handler saw them.
func TestCatchAllOutgoingKeepsArgs(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		var refs socketRef
		var mu sync.Mutex
		var kept []socketio.Args
		e.srv.OnConnection(func(s *socketio.Socket) {
			refs.add(s)
			s.OnAnyOutgoing(func(_ string, a socketio.Args) {
				mu.Lock()
				kept = append(kept, a)
				mu.Unlock()
			})
		})
		c := e.client(m)
		s := refs.get(t, c.connect("/", ""))
		const n = 50
		for i := range n {
			s.Emit("n", fmt.Sprintf("value %03d", i))
			if i == n/2 {
				s.OffAnyOutgoing() // the rest reuse their buffers
			}
		}
		for range n {
			c.next()
		}
		mu.Lock()
		defer mu.Unlock()
		if len(kept) != n/2+1 {
			t.Fatalf("the handler saw %d emits, want %d", len(kept), n/2+1)
		}
		for i, a := range kept {
			var got string
			if err := a.Bind(&got); err != nil || got != fmt.Sprintf("value %03d", i) {
				t.Fatalf("kept Args %d = %q (%v), want %q", i, got, err, fmt.Sprintf("value %03d", i))
			}
		}
	})
}
