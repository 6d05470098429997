// Command server is this module's side of the side-by-side benchmark: a
// Socket.IO server with the handlers of the Node.js peer (bench/node),
// under the same settings, for the load generator (bench/loadgen) and the
// harness (bench/cmd/compare).
//
//	go run ./server -addr 127.0.0.1:3000 -debug
//
// Settings match Node socket.io's defaults as the peer runs them: the
// in-memory adapter (or, with -redis, the classic Redis adapter, as the
// peer's @socket.io/redis-adapter createAdapter), Engine.IO defaults (ping every 25 s, 20 s timeout,
// 1e6-byte buffers), no compression on either transport (the peer sets
// perMessageDeflate and httpCompression to false), no CORS, no
// middleware.
//
// Handlers on "/":
//
//	echo       emits "echo" back to the sender with the same arguments
//	echo-ack   acknowledges with the same arguments
//	broadcast  emits "broadcast" with the same arguments to every socket
//	           of "/" (and acknowledges, without arguments, if asked to)
//
// With -redis host:port, the server joins the cluster of the servers on
// that Redis (github.com/ab218a8d/socketio/adapter/redis, NewAdapter,
// default options: the key "socket.io"), so that a broadcast reaches the
// sockets of every server; it exits if Redis does not answer at start.
//
// With -debug, GET /gc runs a full collection and returns the freed memory
// to the OS, so that RSS can be read at a quiet point (it answers with the
// RSS in bytes), and GET /stats gives the socket counts, the disconnects
// by reason (with the first description of each) and the runtime's memory
// figures as JSON; /debug/pprof/ serves the profiles (-memprofilerate 1
// records every allocation in the allocs profile). SIGTERM or SIGINT
// closes the server and exits.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter/redis"
	"github.com/redis/rueidis"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "address to listen on")
	pingInterval := flag.Duration("ping-interval", 0, "Engine.IO ping interval (0: the default, 25s)")
	pingTimeout := flag.Duration("ping-timeout", 0, "Engine.IO ping timeout (0: the default, 20s)")
	debugEndpoints := flag.Bool("debug", false, "serve GET /gc, GET /stats and /debug/pprof/")
	redisAddr := flag.String("redis", "", "join the cluster on the Redis at host:port (the classic Redis adapter)")
	memProfileRate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate, for /debug/pprof/allocs (0: the default, a sample every 512 KiB; 1: every allocation, slow)")
	flag.Parse()
	log.SetFlags(0)
	if *memProfileRate > 0 {
		runtime.MemProfileRate = *memProfileRate
	}

	var opts socketio.Options
	opts.DisableHTTPCompression = true // Node peer: httpCompression: false
	opts.PingInterval = *pingInterval
	opts.PingTimeout = *pingTimeout
	var rdb rueidis.Client // with -redis; closed after the server
	if *redisAddr != "" {
		var err error
		rdb, err = rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{*redisAddr}, DisableCache: true})
		if err != nil {
			log.Fatalf("failed to connect to Redis at %s: %v", *redisAddr, err)
		}
		opts.Adapter = redis.NewAdapter(rdb, nil)
	}
	b := newBench(&opts)
	closeAll := func() {
		b.io.Close() // Serve returns
		if rdb != nil {
			rdb.Close()
		}
	}

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", b.io)
	if *debugEndpoints {
		mux.HandleFunc("GET /gc", b.serveGC)
		mux.HandleFunc("GET /stats", b.serveStats)
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}

	// No TCP keep-alive probes on accepted connections, as Node's http
	// server by default (Go's listener turns them on: three setsockopt
	// calls per connect). Engine.IO's heartbeat finds dead peers anyway.
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	failed := make(chan error, 1)
	// As Node's io.listen: Socket.IO's requests and the others (GET /gc,
	// ...) through one net/http server with production time-outs.
	go func() { failed <- b.io.Serve(ln, "/socket.io/", mux) }()
	log.Printf("go socket.io bench server listening on %s", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	select {
	case err := <-failed:
		closeAll()
		log.Fatal(err)
	case <-ctx.Done():
	}
	closeAll()
}

// bench is the Socket.IO server with the benchmark's handlers, and the
// counters its debug endpoint reports.
type bench struct {
	io *socketio.Server

	connects atomic.Int64
	sockets  atomic.Int64

	mu          sync.Mutex
	disconnects map[string]int64  // by reason text; guarded by mu
	examples    map[string]string // the first description of each reason; guarded by mu
}

func newBench(opts *socketio.Options) *bench {
	b := &bench{io: socketio.NewServer(opts), disconnects: make(map[string]int64), examples: make(map[string]string)}
	b.io.OnConnection(b.onConnection)
	return b
}

func (b *bench) onConnection(s *socketio.Socket) {
	b.connects.Add(1)
	b.sockets.Add(1)
	s.OnDisconnect(func(reason socketio.DisconnectReason, desc error) {
		b.sockets.Add(-1)
		b.mu.Lock()
		b.disconnects[reason.String()]++
		if _, ok := b.examples[reason.String()]; !ok && desc != nil {
			b.examples[reason.String()] = desc.Error()
		}
		b.mu.Unlock()
	})
	s.On("echo", func(e *socketio.Event) {
		args, err := e.Values()
		if err != nil {
			return
		}
		s.Emit("echo", args...)
	})
	s.On("echo-ack", func(e *socketio.Event) {
		args, err := e.Values()
		if err != nil {
			return
		}
		e.Ack(args...)
	})
	s.On("broadcast", func(e *socketio.Event) {
		args, err := e.Values()
		if err != nil {
			return
		}
		b.io.Emit("broadcast", args...)
		if e.WantsAck() {
			e.Ack()
		}
	})
}

// serveGC collects everything collectable and returns it to the OS, then
// answers with the resident set size in bytes.
func (b *bench) serveGC(w http.ResponseWriter, _ *http.Request) {
	runtime.GC()
	debug.FreeOSMemory()
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte(strconv.FormatInt(rssBytes(), 10) + "\n"))
}

// stats is what GET /stats answers.
type stats struct {
	Sockets     int64            `json:"sockets"`
	Connects    int64            `json:"connects"`
	Disconnects map[string]int64 `json:"disconnects"`
	// Examples has the first description of each disconnect reason.
	Examples   map[string]string `json:"disconnect_examples"`
	Sessions   int               `json:"sessions"`
	Goroutines int               `json:"goroutines"`
	RSS        int64             `json:"rss"`
	HeapInuse  uint64            `json:"heap_inuse"`
	StackInuse uint64            `json:"stack_inuse"`
	Sys        uint64            `json:"sys"`
	NumGC      uint32            `json:"num_gc"`
	// Mallocs and TotalAlloc count every heap allocation since the start
	// (runtime.MemStats), for allocations per delivery over a run.
	Mallocs    uint64 `json:"mallocs"`
	TotalAlloc uint64 `json:"total_alloc"`
}

func (b *bench) serveStats(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := stats{
		Sockets:    b.sockets.Load(),
		Connects:   b.connects.Load(),
		Sessions:   b.io.Engine().Count(),
		Goroutines: runtime.NumGoroutine(),
		RSS:        rssBytes(),
		HeapInuse:  ms.HeapInuse,
		StackInuse: ms.StackInuse,
		Sys:        ms.Sys,
		NumGC:      ms.NumGC,
		Mallocs:    ms.Mallocs,
		TotalAlloc: ms.TotalAlloc,
	}
	b.mu.Lock()
	st.Disconnects = make(map[string]int64, len(b.disconnects))
	for k, v := range b.disconnects {
		st.Disconnects[k] = v
	}
	st.Examples = make(map[string]string, len(b.examples))
	for k, v := range b.examples {
		st.Examples[k] = v
	}
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(st)
}

// rssBytes is this process's VmRSS, or -1 where /proc has none.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return -1
}
