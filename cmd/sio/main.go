package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	eio "github.com/ab218a8d/socketio/engineio/client"
)

// Exit statuses.
const (
	exitOK    = 0 // success, or a signal
	exitFail  = 1 // the server refused the connection, or it failed
	exitUsage = 2 // bad flags or arguments
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program: it parses args, connects, emits, prints what
// happens on stdout, and returns the exit status once the session ends,
// or ctx does (a signal: the socket is closed cleanly and the status is
// 0). Every goroutine it starts has ended when it returns, except one
// blocked reading stdin, if -stdin was given and stdin never ended.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errw := &syncWriter{w: stderr}
	cfg, err := parseArgs(args, errw)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		// The flag package has printed its own errors and the usage.
		if _, ok := err.(usageError); ok {
			fmt.Fprintf(errw, "sio: %v\nRun 'sio -help' for usage.\n", err)
		}
		return exitUsage
	}
	return newSession(cfg, &syncWriter{w: stdout}, errw).run(ctx, stdin)
}

const usageHead = `Usage: sio [flags] URL

sio is a Socket.IO client for the command line: it connects to a Socket.IO
server (protocol v5: socket.io 3 and 4, or this module's server), emits
events given as flags or read from standard input, and prints what happens
on standard output, one JSON object a line:

  {"type":"connect","id":"..."}
  {"type":"event","event":"name","args":[...]}
  {"type":"ack","event":"name","args":[...]}
  {"type":"disconnect","reason":"..."}
  {"type":"connect_error","message":"...","data":...}
  {"type":"reconnect_attempt","attempt":N}

An event line has "ack":true when the server asked for an acknowledgement,
which sio sends, with no arguments; an ack line is the server's
acknowledgement of an emit (-ack). Binary values are written
{"$binary":"<base64>"}, and may be given so to -emit and -stdin. URL's
path is the namespace (http://localhost:3000/admin is /admin; none is /);
its scheme is http, https, ws or wss.

Flags:
`

const usageTail = `
Examples:
  # watch the events of the main namespace
  sio http://localhost:3000

  # emit "chat" asking for an acknowledgement, print it, and exit
  sio -emit 'chat "hi"' -ack -exit http://localhost:3000

  # emit the events read from standard input, one JSON array a line
  echo '["chat","hi"]' | sio -stdin -exit http://localhost:3000/admin

  # an auth payload, WebSocket only, over TLS
  sio -auth '{"token":"x"}' -transports websocket wss://example.com/

Exit status: 0 on success or on SIGINT/SIGTERM, 1 when the server refuses
the connection, the connection fails or an emit fails (e.g. no
acknowledgement within -timeout), 2 on bad usage. Errors go to standard
error.
`

// config is what the command line asks for.
type config struct {
	url         string // with the namespace as its path
	auth        json.RawMessage
	transports  []string
	header      http.Header
	query       url.Values
	path        string
	emits       []emitSpec
	ack         bool
	timeout     time.Duration
	stdin       bool
	exit        bool
	insecure    bool
	noReconnect bool
}

// usageError is a bad argument found after the flags were parsed.
type usageError string

func (e usageError) Error() string { return string(e) }

// parseArgs parses the command line. Flags may come after the URL too.
// It returns flag.ErrHelp for -help, after printing the usage.
func parseArgs(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{header: http.Header{}, query: url.Values{}}
	fs := flag.NewFlagSet("sio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), usageTail)
	}
	auth := fs.String("auth", "", "the CONNECT auth payload, a `JSON` object, e.g. '{\"token\":\"x\"}'")
	transports := fs.String("transports", "polling,websocket", "the transports, a comma-separated `list`: the connection opens on the first,\nand upgrades to websocket when it comes later")
	fs.Func("H", "add the HTTP header `'Name: value'` to every request (repeatable)", func(s string) error {
		name, value, ok := strings.Cut(s, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !validHeaderName(name) {
			return errors.New("want 'Name: value'")
		}
		cfg.header.Add(name, value)
		return nil
	})
	fs.Func("query", "add `k=v` to the query of every request (repeatable)", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return errors.New("want k=v")
		}
		cfg.query.Add(k, v)
		return nil
	})
	fs.StringVar(&cfg.path, "path", "/socket.io/", "the server's Socket.IO `path`")
	fs.Func("emit", "emit `'event [JSON args...]'` once connected, e.g. -emit 'chat \"hi\" {\"x\":1}'\n(repeatable, in order; the arguments are JSON: strings are quoted)", func(s string) error {
		e, err := parseEmit(s)
		if err != nil {
			return err
		}
		cfg.emits = append(cfg.emits, e)
		return nil
	})
	fs.BoolVar(&cfg.ack, "ack", false, "ask for an acknowledgement of each emit, wait for it and print it")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "how long to wait to connect, and for each acknowledgement (0: no limit)")
	fs.BoolVar(&cfg.stdin, "stdin", false, "emit the events read from standard input, one JSON array a line:\n[\"event\", arg1, ...], after those of -emit, in order")
	fs.BoolVar(&cfg.exit, "exit", false, "exit after the emits and their acknowledgements instead of staying connected")
	fs.BoolVar(&cfg.insecure, "insecure", false, "do not verify the server's TLS certificate")
	fs.BoolVar(&cfg.noReconnect, "no-reconnect", false, "do not reconnect when the connection fails or breaks: exit with status 1")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		// Parsing stopped at an argument: take it, and parse on.
		positional = append(positional, rest[0])
		args = rest[1:]
	}

	if len(positional) != 1 {
		return nil, usageError(fmt.Sprintf("want one URL, got %d arguments", len(positional)))
	}
	u, err := url.Parse(positional[0])
	if err != nil {
		return nil, usageError(fmt.Sprintf("bad URL: %v", err))
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, usageError(fmt.Sprintf("bad URL %q: the scheme must be http, https, ws or wss", positional[0]))
	}
	if u.Host == "" {
		return nil, usageError(fmt.Sprintf("bad URL %q: no host", positional[0]))
	}
	cfg.url = positional[0]

	if *auth != "" {
		raw := []byte(strings.TrimSpace(*auth))
		var obj map[string]json.RawMessage
		if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			return nil, usageError(fmt.Sprintf("-auth %q: want a JSON object", *auth))
		}
		var b bytes.Buffer
		json.Compact(&b, raw)
		cfg.auth = b.Bytes()
	}
	for t := range strings.SplitSeq(*transports, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t != eio.Polling && t != eio.WebSocket:
			return nil, usageError(fmt.Sprintf("-transports %q: the transports are polling and websocket", *transports))
		case slices.Contains(cfg.transports, t):
			return nil, usageError(fmt.Sprintf("-transports %q: %s twice", *transports, t))
		}
		cfg.transports = append(cfg.transports, t)
	}
	if !strings.HasPrefix(cfg.path, "/") {
		return nil, usageError(fmt.Sprintf("-path %q: want an absolute path, e.g. /socket.io/", cfg.path))
	}
	if cfg.timeout < 0 {
		return nil, usageError("-timeout must not be negative")
	}
	return cfg, nil
}

// validHeaderName reports whether s is an HTTP header name (a token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
