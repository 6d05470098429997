// Cluster: the chat demo (cmd/chat) on three Socket.IO servers, two in Go
// and one in Node.js, made one cluster by a Redis (adapter/redis and
// @socket.io/redis-adapter), behind nginx with sticky sessions. One
// command runs it all, Ctrl-C stops it all:
//
//	cd examples/cluster && go run .            # http://127.0.0.1:8080/
//	go run . -polling                          # long-polling only
//	go run . -addr 127.0.0.1:9000
//
// It starts a redis-server (a temporary directory, a free port, nothing
// saved), the two Go servers in this process (go-1 and go-2: cmd/chat's
// server, internal/chat, with the Redis adapter), the Node.js server
// (node/server.mjs, the same chat on socket.io 4.8: `npm ci` in node/
// first), and Debian's nginx on a configuration made from
// nginx.conf.tmpl. Open the page in two browsers: each lands on a server
// of its own, and they chat as if on one. Every HTTP response names its
// server in an X-Chat-Server header (the browser's developer tools show
// it).
//
// The children run in process groups of their own, so that Ctrl-C
// reaches the launcher alone, which stops them in order; on Linux the
// kernel kills them if the launcher dies first. Needs: nginx, redis-server,
// Node.js 20 or later; README.md says how to install them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ab218a8d/socketio/internal/chat"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address nginx listens on (port 0: a free one)")
	polling := flag.Bool("polling", false, "HTTP long-polling only (no WebSocket), on every server")
	web := flag.String("web", "", "cmd/chat, with static/ and node_modules/ (default: found from the working directory)")
	flag.Parse()
	log.SetFlags(0)

	cfg := config{Addr: *addr, Polling: *polling, WebDir: *web, Log: os.Stderr}
	var err error
	if cfg.WebDir == "" {
		if cfg.WebDir, err = chat.FindDir(); err != nil {
			log.Fatal(err)
		}
	}
	if cfg.NodeDir, err = findNodeDir(); err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c, err := start(cfg)
	if err != nil {
		log.Fatalf("cluster: %v", err)
	}
	mode := "WebSocket and long-polling"
	if *polling {
		mode = "long-polling only"
	}
	log.Printf("cluster: %s (%s); Ctrl-C to stop", c.URL, mode)
	err = c.wait(ctx)
	stop() // a second Ctrl-C ends the launcher at once, and the kernel its children
	if err != nil {
		log.Printf("cluster: %v", err)
	}
	log.Print("cluster: stopping")
	err = errors.Join(err, c.stop())
	if err != nil {
		log.Fatalf("cluster: %v", err)
	}
	log.Print("cluster: stopped")
}

// findNodeDir finds node/, the Node.js server's directory, from the
// working directory: examples/cluster, or the repository above it.
func findNodeDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		for _, d := range []string{dir, filepath.Join(dir, "examples", "cluster")} {
			if _, err := os.Stat(filepath.Join(d, "node", "server.mjs")); err == nil {
				return filepath.Join(d, "node"), nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("cluster: examples/cluster/node/server.mjs not found from %s: run from examples/cluster", wd)
		}
		dir = parent
	}
}
