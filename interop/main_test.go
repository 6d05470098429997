// Package interop tests the servers of this module against the official
// JavaScript clients from npm, run by Node.js.
//
// The clients are pinned in package.json and package-lock.json; install
// them with `npm ci` in this directory before `go test ./interop/`.
package interop

import (
	"testing"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }
