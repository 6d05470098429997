package socketio

import (
	"context"
	"time"
)

// emitFlags modify one emit.
type emitFlags struct {
	timeout    time.Duration
	hasTimeout bool
	volatile   bool
	noCompress bool
}

// Emitter emits with flags (timeout, volatile, compression). It is a value:
// each method returns a modified copy.
type Emitter struct {
	s     *Socket
	flags emitFlags
}

// Timeout sets the acknowledgement timeout.
func (e Emitter) Timeout(d time.Duration) Emitter {
	e.flags.timeout, e.flags.hasTimeout = d, true
	return e
}

// Volatile makes the event droppable.
func (e Emitter) Volatile() Emitter { e.flags.volatile = true; return e }

// Compress sets compression.
func (e Emitter) Compress(c bool) Emitter { e.flags.noCompress = !c; return e }

// Emit is Socket.Emit with the emitter's flags.
func (e Emitter) Emit(event string, args ...any) error { return e.s.emit(e.flags, event, args) }

// EmitWithAck is Socket.EmitWithAck with the emitter's flags; with a
// timeout it fails with ErrTimeout.
func (e Emitter) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return e.s.emitWithAck(ctx, e.flags, event, args)
}
