package nodepeer

import (
	"testing"

	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

// startRedis runs a redis-server for the test and returns its URL.
func startRedis(t *testing.T) string {
	t.Helper()
	return "redis://" + redistest.Start(t).Addr()
}
