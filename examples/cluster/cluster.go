package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// config is what to run.
type config struct {
	Addr    string    // nginx's address, host:port; port 0: a free one
	Polling bool      // every server on long-polling only
	WebDir  string    // cmd/chat, with the page and the client bundle
	NodeDir string    // node/, with server.mjs and its node_modules
	Log     io.Writer // the cluster's lines and the children's output
}

// cluster is one run: a redis-server, two Go chat servers in this
// process, a Node.js chat server and nginx, all on loopback addresses,
// with their files in a temporary directory.
type cluster struct {
	URL      string    // nginx's, the one to open
	Backends []backend // the chat servers, as nginx knows them

	dir   string
	log   io.Writer
	redis *proc
	goes  []*goServer
	node  *proc
	nginx *proc

	died chan string   // names a part that stopped by itself
	quit chan struct{} // closed when stop begins
}

// start runs a cluster. On failure, what was started is stopped.
func start(cfg config) (c *cluster, err error) {
	dir, err := os.MkdirTemp("", "socketio-cluster-")
	if err != nil {
		return nil, err
	}
	// nginx's workers, as nobody when the launcher is root, reach their
	// temporary directories in it.
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c = &cluster{dir: dir, log: cfg.Log, died: make(chan string, 8), quit: make(chan struct{})}
	defer func() {
		if err != nil {
			c.stop()
			c = nil
		}
	}()
	listen, err := listenAddr(cfg.Addr)
	if err != nil {
		return c, err
	}

	redisAddr := ""
	if c.redis, redisAddr, err = startRedis(dir); err != nil {
		return c, err
	}
	c.watch("redis-server", c.redis.exited())
	fmt.Fprintf(c.log, "cluster: redis-server on %s\n", redisAddr)

	for _, name := range []string{"go-1", "go-2"} {
		s, err := startGoServer(name, cfg.WebDir, redisAddr, cfg.Polling)
		if err != nil {
			return c, err
		}
		c.goes = append(c.goes, s)
		c.watch(name, s.exited())
		c.Backends = append(c.Backends, backend{Name: name, Addr: s.addr})
	}
	nodeAddr := ""
	if c.node, nodeAddr, err = startNode(cfg.NodeDir, "node", redisAddr, cfg.Polling, c.log); err != nil {
		return c, err
	}
	c.watch("node", c.node.exited())
	c.Backends = append(c.Backends, backend{Name: "node", Addr: nodeAddr})
	for _, b := range c.Backends {
		fmt.Fprintf(c.log, "cluster: %s on %s\n", b.Name, b.Addr)
	}

	if c.nginx, err = startNginx(dir, listen, c.Backends, c.Backends[:len(c.goes)]); err != nil {
		return c, err
	}
	c.watch("nginx", c.nginx.exited())
	fmt.Fprintf(c.log, "cluster: nginx on %s (%s), sticky on its cookie \"lb\"\n", listen, filepath.Join(dir, "nginx.conf"))
	c.URL = pageURL(listen)
	return c, nil
}

// watch reports on c.died when exited closes before stop begins.
func (c *cluster) watch(name string, exited <-chan struct{}) {
	go func() {
		select {
		case <-exited:
			select {
			case c.died <- name:
			default:
			}
		case <-c.quit:
		}
	}()
}

// wait returns nil when ctx is done, or an error when a part of the
// cluster stopped by itself.
func (c *cluster) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case name := <-c.died:
		return fmt.Errorf("%s stopped unexpectedly; stopping the others", name)
	}
}

// stop stops everything, in order: nginx, so that no client comes in;
// the chat servers, which say goodbye to their clients; Redis last, which
// the servers use until they are gone. Then the directory goes.
func (c *cluster) stop() error {
	close(c.quit)
	var errs []error
	if c.nginx != nil {
		errs = append(errs, c.nginx.stop(syscall.SIGTERM, 5*time.Second)) // fast shutdown: open long polls end
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	add := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, s := range c.goes {
		wg.Go(func() { add(s.stop()) })
	}
	if c.node != nil {
		wg.Go(func() { add(c.node.stop(syscall.SIGTERM, 5*time.Second)) })
	}
	wg.Wait()
	if c.redis != nil {
		errs = append(errs, c.redis.stop(syscall.SIGTERM, 5*time.Second))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(c.log, "cluster: the files of the run are kept in %s\n", c.dir)
		return err
	}
	return os.RemoveAll(c.dir)
}

// pageURL is the address to open for nginx listening on listen.
func pageURL(listen string) string {
	host, port, _ := net.SplitHostPort(listen)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
