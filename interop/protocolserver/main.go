// Command protocolserver serves what the official Socket.IO protocol test
// suites expect to find on http://localhost:3000, so that they can be run
// against this implementation.
//
//	go run ./interop/protocolserver -suite engineio   # Engine.IO v4 suite
//	go run ./interop/protocolserver -suite socketio   # Socket.IO v5 suite
//	go run ./interop/protocolserver -suite engineio3  # Engine.IO v3 suite
//
// Both use pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000 and
// CORS for any origin.
//
// With -suite engineio it is an Engine.IO server on /engine.io/ that
// echoes every message back as it came (text or binary).
//
// With -suite engineio3 it is the same server with AllowEIO3 set (the v4
// suite expects a request without EIO to fail, which AllowEIO3 takes for
// revision 3).
//
// With -suite socketio it is a Socket.IO server on /socket.io/ with
// connectTimeout 1 s and the namespaces "/" and "/custom": each socket is
// sent an "auth" event with its handshake's auth payload; on "/",
// "message" is answered with "message-back" and the same arguments, and
// "message-with-ack" is acknowledged with its arguments.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "address to listen on")
	suite := flag.String("suite", "engineio", "which suite to serve: engineio, engineio3 or socketio")
	flag.Parse()

	var handler http.Handler
	var shutdown func(context.Context) error
	switch *suite {
	case "engineio", "engineio3":
		srv := engineioServer(*suite == "engineio3")
		mux := http.NewServeMux()
		mux.Handle("/engine.io/", srv)
		handler, shutdown = mux, srv.Shutdown
	case "socketio":
		srv := socketioServer()
		mux := http.NewServeMux()
		mux.Handle("/socket.io/", srv)
		handler, shutdown = mux, srv.Shutdown
	default:
		fmt.Fprintf(os.Stderr, "protocolserver: unknown suite %q (want engineio, engineio3 or socketio)\n", *suite)
		os.Exit(2)
	}

	hs := engineio.NewHTTPServer(handler)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(sctx)
		hs.Shutdown(sctx)
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("protocolserver: suite %s listening on http://%s", *suite, *addr)
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// suiteEngineOptions are the Engine.IO options both suites expect (the
// Socket.IO server sets the same).
func suiteEngineOptions() engineio.Options {
	return engineio.Options{
		PingInterval:      300 * time.Millisecond,
		PingTimeout:       200 * time.Millisecond,
		MaxHTTPBufferSize: 1e6,
		CORS:              &engineio.CORSOptions{Origins: []string{"*"}},
	}
}

// socketioServer is the reference configuration of the Socket.IO v5 suite.
func socketioServer() *socketio.Server {
	srv := socketio.NewServer(&socketio.Options{
		PingInterval:      300 * time.Millisecond,
		PingTimeout:       200 * time.Millisecond,
		MaxHTTPBufferSize: 1e6,
		CORS:              &socketio.CORSOptions{Origins: []string{"*"}},
		ConnectTimeout:    time.Second,
	})
	sendAuth := func(s *socketio.Socket) { s.Emit("auth", s.Handshake().Auth) }
	srv.OnConnection(func(s *socketio.Socket) {
		sendAuth(s)
		s.On("message", func(e *socketio.Event) {
			args, _ := e.Values()
			s.Emit("message-back", args...)
		})
		s.On("message-with-ack", func(e *socketio.Event) {
			args, _ := e.Values()
			e.Ack(args...)
		})
	})
	srv.Of("/custom").OnConnection(sendAuth)
	return srv
}

// engineioServer is the reference configuration of the Engine.IO v4
// suite, or with eio3 of the v3 suite.
func engineioServer(eio3 bool) *engineio.Server {
	echo := engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{Message: func(m engineio.Message) { s.Send(m) }}
	})
	opts := suiteEngineOptions()
	opts.AllowEIO3 = eio3
	return engineio.NewServer(echo, &opts)
}
