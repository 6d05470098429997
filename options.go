package socketio

import (
	"log/slog"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/parser"
)

// Options configures a Server. The zero value (or a nil *Options) gives the
// reference server's defaults, written on each field. NewServer copies the
// options; the library never modifies them.
type Options struct {
	// Options are the Engine.IO options: heartbeat, transports, limits,
	// CORS, cookie, compression, ... (see engineio.Options for each one's
	// default).
	engineio.Options

	// ConnectTimeout is how long a client may stay connected without
	// joining a namespace before it is disconnected. Default 45s.
	ConnectTimeout time.Duration
	// Adapter makes each namespace's adapter. Default adapter.NewMemory.
	Adapter adapter.Factory
	// Parser encodes and decodes packets. Default parser.Default.
	Parser parser.Parser
	// CleanupEmptyChildNamespaces removes a namespace created by a dynamic
	// parent when its last socket leaves. Default false.
	CleanupEmptyChildNamespaces bool
}

type config struct {
	Options
}

func newConfig(o *Options) *config {
	c := &config{}
	if o != nil {
		c.Options = *o
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = 45 * time.Second
	}
	if c.Adapter == nil {
		c.Adapter = adapter.NewMemory
	}
	if c.Parser == nil {
		c.Parser = parser.Default
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
