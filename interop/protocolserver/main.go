// Command protocolserver serves what the official Socket.IO protocol test
// suites expect to find on http://localhost:3000, so that they can be run
// against this implementation.
//
//	go run ./interop/protocolserver -suite engineio   # Engine.IO v4 suite
//
// With -suite engineio it is an Engine.IO server on /engine.io/ with
// pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, CORS for any
// origin, that echoes every message back as it came (text or binary).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ab218a8d/socketio/engineio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "address to listen on")
	suite := flag.String("suite", "engineio", "which suite to serve: engineio")
	flag.Parse()

	var handler http.Handler
	var shutdown func(context.Context) error
	switch *suite {
	case "engineio":
		srv := engineioServer()
		mux := http.NewServeMux()
		mux.Handle("/engine.io/", srv)
		handler, shutdown = mux, srv.Shutdown
	default:
		fmt.Fprintf(os.Stderr, "protocolserver: unknown suite %q (want engineio)\n", *suite)
		os.Exit(2)
	}

	hs := &http.Server{Addr: *addr, Handler: handler}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(sctx)
		hs.Shutdown(sctx)
	}()
	log.Printf("protocolserver: suite %s listening on http://%s", *suite, *addr)
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// engineioServer is the reference configuration of the Engine.IO v4 suite.
func engineioServer() *engineio.Server {
	echo := engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{Message: func(m engineio.Message) { s.Send(m) }}
	})
	return engineio.NewServer(echo, &engineio.Options{
		PingInterval:      300 * time.Millisecond,
		PingTimeout:       200 * time.Millisecond,
		MaxHTTPBufferSize: 1e6,
		CORS:              &engineio.CORSOptions{Origins: []string{"*"}},
	})
}
