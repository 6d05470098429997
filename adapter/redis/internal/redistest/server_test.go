package redistest

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
)

// query runs one command on addr over a new connection.
func query(t *testing.T, addr string, args ...string) any {
	t.Helper()
	c, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	v, err := c.do(args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return v
}

func configGet(t *testing.T, addr, name string) string {
	t.Helper()
	v, ok := query(t, addr, "CONFIG", "GET", name).([]any)
	if !ok || len(v) != 2 {
		t.Fatalf("CONFIG GET %s = %v", name, v)
	}
	return v[1].(string)
}

func TestStart(t *testing.T) {
	t.Parallel()
	s := Start(t, WithArgs("--maxmemory", "64mb"))
	host, _, err := net.SplitHostPort(s.Addr())
	if err != nil || host != "127.0.0.1" {
		t.Errorf("Addr() = %q, want a loopback address", s.Addr())
	}
	if got := query(t, s.Addr(), "PING"); got != "PONG" {
		t.Errorf("PING = %v", got)
	}
	for name, want := range map[string]string{
		"save":       "",
		"appendonly": "no",
		"dir":        s.dir,
		"maxmemory":  "67108864", // WithArgs
	} {
		if got := configGet(t, s.Addr(), name); got != want {
			t.Errorf("CONFIG GET %s = %q, want %q", name, got, want)
		}
	}
	// Sharded pub/sub, which the adapter needs, came with Redis 7.
	if _, err := dialDo(s.Addr(), "PUBSUB", "SHARDNUMSUB", "c"); err != nil {
		t.Errorf("redis-server has no sharded pub/sub: %v", err)
	}
}

func dialDo(addr string, args ...string) (any, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.do(args...)
}

func TestKillRestart(t *testing.T) {
	t.Parallel()
	s := Start(t)
	addr := s.Addr()
	query(t, addr, "SET", "k", "v")
	c, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	s.Kill()
	if _, err := c.do("PING"); err == nil {
		t.Error("a connection made before Kill still answers")
	}
	if _, err := dialDo(addr, "PING"); err == nil {
		t.Error("the server answers after Kill")
	}
	s.Kill() // does nothing

	s.Restart()
	if s.Addr() != addr {
		t.Errorf("Addr() after Restart = %s, want %s", s.Addr(), addr)
	}
	if got := query(t, addr, "GET", "k"); got != nil {
		t.Errorf("GET k after Restart = %v, want nil: nothing is persisted", got)
	}
	s.Restart() // of a running server
	if got := query(t, addr, "PING"); got != "PONG" {
		t.Errorf("PING after a second Restart = %v", got)
	}
}

func TestStopRestart(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.Stop()
	s.Stop() // does nothing
	if _, err := dialDo(s.Addr(), "PING"); err == nil {
		t.Error("the server answers after Stop")
	}
	s.Restart()
	if got := query(t, s.Addr(), "PING"); got != "PONG" {
		t.Errorf("PING after Restart = %v", got)
	}
}

// fakeTB records how binary ends a test. Its embedded TB is nil: binary
// calls nothing else.
type fakeTB struct {
	testing.TB
	ended string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatal(args ...any) {
	f.ended = "fatal: " + fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Skip(args ...any) {
	f.ended = "skip: " + fmt.Sprint(args...)
	runtime.Goexit()
}

func TestMissingRedis(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, tc := range []struct {
		skip string
		want string
	}{
		{"", "fatal: "},
		{"0", "fatal: "},
		{"1", "skip: "},
	} {
		t.Setenv(SkipEnv, tc.skip)
		f := &fakeTB{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			binary(f)
		}()
		<-done
		if !strings.HasPrefix(f.ended, tc.want) || !strings.Contains(f.ended, "redis-server is not on PATH") {
			t.Errorf("with %s=%q, binary ended the test with %q, want %q...", SkipEnv, tc.skip, f.ended, tc.want)
		}
		if tc.want == "fatal: " && !strings.Contains(f.ended, "apt-get install redis-server") {
			t.Errorf("the failure %q does not say how to install redis-server", f.ended)
		}
	}
}
