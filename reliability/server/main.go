// Command server is the Socket.IO server that the reliability suite
// attacks (package reliability): an echo handler on "/" and "/canary", served by
// Server.ListenAndServe's http.Server, and two endpoints of its own:
//
//	GET /stats         RSS, peak RSS, goroutines, heap, sessions and the
//	                   sockets disconnected by reason, as JSON;
//	                   ?reset=1 first returns freed memory to the system and
//	                   resets the peak
//	GET /storm?d=5s&size=1024   broadcasts "storm" events (a sequence
//	                   number from 1, then size bytes) to every socket of "/"
//	                   as fast as it can for d, then answers how many it sent
//
// It prints "listening ADDR" once it accepts connections.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	socketio "github.com/ab218a8d/socketio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	budget := flag.Int("budget", 0, "Options.MaxServerQueuedBytes (0: the default)")
	flag.Parse()

	var opts socketio.Options
	opts.MaxServerQueuedBytes = *budget
	srv := socketio.NewServer(&opts)
	var mu sync.Mutex
	disconnects := map[string]int{} // by reason and description; guarded by mu
	// "/" is attacked; the canary, a client that does nothing wrong,
	// uses "/canary", which no broadcast reaches.
	onConnection := func(s *socketio.Socket) {
		s.OnDisconnect(func(reason socketio.DisconnectReason, desc error) {
			k := reason.String()
			if desc != nil {
				k += ": " + desc.Error()
			}
			mu.Lock()
			disconnects[k]++
			mu.Unlock()
		})
		s.On("echo", func(e *socketio.Event) {
			args, err := e.Values()
			if err != nil {
				return
			}
			e.Ack(args...)
		})
	}
	srv.OnConnection(onConnection)
	srv.Of("/canary").OnConnection(onConnection)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("reset") {
			runtime.GC() // the first empties sync.Pools into their victim caches
			debug.FreeOSMemory()
			// Writing 5 resets the peak RSS (VmHWM) to the current RSS.
			os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		rss, hwm := procStatus()
		mu.Lock()
		defer mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{
			"rss_kb":      rss,
			"peak_kb":     hwm,
			"goroutines":  runtime.NumGoroutine(),
			"heap_kb":     ms.HeapInuse >> 10,
			"sessions":    srv.Engine().Count(),
			"disconnects": disconnects,
		})
	})
	mux.HandleFunc("GET /storm", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		payload := strings.Repeat("x", max(size, 1))
		sent := 0
		for end := time.Now().Add(d); time.Now().Before(end); {
			if err := srv.Emit("storm", sent+1, payload); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			sent++
		}
		fmt.Fprint(w, sent)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	log.Fatal(srv.Serve(ln, "", mux))
}

// procStatus returns the process's RSS and peak RSS in KB.
func procStatus() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1, -1
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		name, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 10, 64)
		switch string(name) {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}
