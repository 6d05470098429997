package redis

import (
	"context"

	"github.com/ab218a8d/socketio/adapter"
)

// Settle waits until Redis confirmed the subscriptions of a's server, for
// adaptertest.Settle.
func Settle(ctx context.Context, a adapter.Adapter) error {
	switch a := a.(type) {
	case *shardedAdapter:
		a.tr.settle(ctx)
	case *classicAdapter:
		a.tr.settle(ctx)
	}
	return ctx.Err()
}
