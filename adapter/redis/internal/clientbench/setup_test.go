package clientbench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The channels of the classic adapter for the namespace "/", and the main
// channel of the sharded one.
const (
	pattern   = "socket.io#/#*"        // PSUBSCRIBE: broadcasts
	broadcast = "socket.io#/#"         // PUBLISH, matched by pattern
	requests  = "socket.io-request#/#" // SUBSCRIBE: requests
	shard     = "socket.io#/#"         // SSUBSCRIBE, SPUBLISH
)

// payload is 120 bytes the size of a small msgpack broadcast, with bytes
// that are not UTF-8, as a Buffer argument would have.
var payload = func() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 120)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}()

// kind is a way to receive: which command publishes, to which channel.
type kind struct {
	name      string // the subscribing command
	publish   string
	channel   string
	countArgs []string // the PUBSUB query that counts its subscribers
}

var kinds = []kind{
	{"PSUBSCRIBE", "PUBLISH", broadcast, []string{"PUBSUB", "NUMPAT"}},
	{"SUBSCRIBE", "PUBLISH", requests, []string{"PUBSUB", "NUMSUB", requests}},
	{"SSUBSCRIBE", "SPUBLISH", shard, []string{"PUBSUB", "SHARDNUMSUB", shard}},
}

// control is a go-redis client for the harness's own queries, never the
// one measured.
func control(t testing.TB, addr string) *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// subscribers returns how many subscriptions of kind k the server has.
func subscribers(ctx context.Context, ctl *goredis.Client, k kind) (int64, error) {
	args := make([]any, len(k.countArgs))
	for i, a := range k.countArgs {
		args[i] = a
	}
	v, err := ctl.Do(ctx, args...).Result()
	if err != nil {
		return 0, err
	}
	switch v := v.(type) {
	case int64: // NUMPAT
		return v, nil
	case []any: // [channel, n]
		n, _ := v[1].(int64)
		return n, nil
	case map[any]any: // RESP3
		for _, n := range v {
			n, _ := n.(int64)
			return n, nil
		}
	}
	return 0, fmt.Errorf("unexpected reply %#v", v)
}

// waitSubscribed waits until the server counts want subscriptions of
// every kind.
func waitSubscribed(t testing.TB, ctl *goredis.Client, want int64) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for _, k := range kinds {
		for {
			n, err := subscribers(ctx, ctl, k)
			if err == nil && n == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d subscriptions (%v), want %d", k.name, n, err, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// pipeFile writes n commands "<publish> <channel> <payload>" in RESP to a
// file, for redis-cli --pipe: the publisher of the receiving tests is
// another process, so that what the test process spends is the
// subscriber's alone.
func pipeFile(t testing.TB, k kind, n int) string {
	t.Helper()
	var one bytes.Buffer
	fmt.Fprintf(&one, "*3\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n", len(k.publish), k.publish, len(k.channel), k.channel, len(payload))
	one.Write(payload)
	one.WriteString("\r\n")
	path := filepath.Join(t.TempDir(), strings.ToLower(k.publish)+".resp")
	if err := os.WriteFile(path, bytes.Repeat(one.Bytes(), n), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// publishPiped sends a file from pipeFile to the server with redis-cli.
func publishPiped(addr, path string) error {
	host, port, _ := strings.Cut(addr, ":")
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	cmd := exec.Command("redis-cli", "-h", host, "-p", port, "--pipe")
	cmd.Stdin = in
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("redis-cli --pipe: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "errors: 0") {
		return fmt.Errorf("redis-cli --pipe: %s", out)
	}
	return nil
}

// cpuTime returns the CPU time the test process has used, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU returns the CPU time the server has used.
func serverCPU(ctx context.Context, ctl *goredis.Client) time.Duration {
	s, err := ctl.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var total float64
	for line := range strings.Lines(s) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}
