package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter/redis"
	"github.com/ab218a8d/socketio/internal/chat"
)

// goServer is one Go chat server of the cluster, in the launcher's
// process: cmd/chat's server (internal/chat) with the Redis adapter.
type goServer struct {
	name   string
	addr   string
	client rueidis.Client
	stopFn context.CancelFunc
	done   chan struct{} // closed when chat.Serve returned; then err is set
	err    error
}

// startGoServer runs a Go chat server named name on a loopback port, in
// the cluster of the Redis at redisAddr, serving the page of the chat
// directory webDir.
func startGoServer(name, webDir, redisAddr string, polling bool) (*goServer, error) {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:  []string{redisAddr},
		DisableCache: true, // the adapter reads nothing worth caching
	})
	if err != nil {
		return nil, fmt.Errorf("%s: failed to connect to Redis: %w", name, err)
	}
	opts := socketio.Options{
		Adapter:      redis.NewAdapter(client, nil),
		AllowRequest: chat.SameOrigin,
	}
	if polling {
		opts.Transports = []socketio.Transport{socketio.Polling}
	}
	io := socketio.NewServer(&opts)
	h, err := chat.Handler(webDir, io)
	if err == nil {
		chat.New(io)
	}
	var ln net.Listener
	if err == nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		io.Close()
		client.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &goServer{name: name, addr: ln.Addr().String(), client: client, stopFn: cancel, done: make(chan struct{})}
	go func() {
		s.err = chat.Serve(ctx, ln, named(name, h), io, time.Second)
		close(s.done)
	}()
	return s, nil
}

// stop shuts the server down gracefully, then closes its Redis client.
func (s *goServer) stop() error {
	s.stopFn()
	<-s.done
	s.client.Close()
	if s.err != nil {
		return fmt.Errorf("%s: %w", s.name, s.err)
	}
	return nil
}

// exited is closed when the server has stopped serving, asked to or not.
func (s *goServer) exited() <-chan struct{} { return s.done }

// named has every response of h say which server made it, so that one can
// tell, through nginx, where a client landed.
func named(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Chat-Server", name)
		h.ServeHTTP(w, r)
	})
}
