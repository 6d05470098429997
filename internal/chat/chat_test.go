package chat

import (
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

// The chat's events are tested through the servers that run it:
// cmd/chat (one server, with hand-made clients and in Chromium) and
// examples/cluster (Go and Node.js servers on one Redis, in Chromium).

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestCleanName(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"alice", "alice", ""},
		{"  bob \t", "bob", ""},
		{"émilie 🎈", "émilie 🎈", ""},
		{"", "", "empty nickname"},
		{"   ", "", "empty nickname"},
		{strings.Repeat("é", MaxNick), strings.Repeat("é", MaxNick), ""},
		{strings.Repeat("é", MaxNick+1), "", "nickname too long"},
		{"a\x00b", "", "nickname has control characters"},
		{"a\nb", "", "nickname has control characters"},
		{"a\xffb", "", "nickname too long"}, // not UTF-8
	} {
		got, err := cleanName(c.in, MaxNick, "nickname")
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && err.Error() != c.err) {
			t.Errorf("cleanName(%q) = %q, %v; want %q, %q", c.in, got, err, c.want, c.err)
		}
	}
}
