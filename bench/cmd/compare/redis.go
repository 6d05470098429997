package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// redisServer is a redis-server the harness started for one cluster run:
// on a free loopback port, pinned to -redis-cpu, without persistence.
type redisServer struct {
	addr string // host:port
	cmd  *exec.Cmd
	out  *tail
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit; read after done

	mu   sync.Mutex
	conn net.Conn      // for INFO; guarded by mu
	rd   *bufio.Reader // conn's; guarded by mu
}

// startRedis starts a redis-server and waits until it answers PING.
func (h *harness) startRedis(ctx context.Context) (*redisServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cpu := h.cfg.redisCPU
	if cpu == "" {
		cpu = h.cfg.clientCPU
	}
	argv := h.pinned(cpu, []string{h.cfg.redisServer,
		"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no"})
	cmd := exec.Command(argv[0], argv[1:]...)
	out := &tail{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start redis-server: %w", err)
	}
	r := &redisServer{addr: addr, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		reply, err := r.command("PING")
		if err == nil && reply == "PONG" {
			return r, nil
		}
		r.disconnect()
		select {
		case <-r.done:
			return nil, fmt.Errorf("redis-server exited at start (%v): %s", r.err, r.out)
		case <-ctx.Done():
			r.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.stop()
			return nil, fmt.Errorf("redis-server did not answer PING within 10 s (%v): %s", err, r.out)
		}
	}
}

func (r *redisServer) pid() int { return r.cmd.Process.Pid }

// cpu is a counter of Redis's CPU seconds, user and system, as INFO cpu
// gives them (getrusage, to the microsecond).
func (r *redisServer) cpu() counter {
	return func() (float64, error) {
		info, err := r.command("INFO", "cpu")
		if err != nil {
			r.disconnect()
			return 0, err
		}
		return parseInfoCPU(info)
	}
}

// publishes is a counter of the PUBLISH commands Redis has run (INFO
// commandstats).
func (r *redisServer) publishes() counter {
	return func() (float64, error) {
		info, err := r.command("INFO", "commandstats")
		if err != nil {
			r.disconnect()
			return 0, err
		}
		return parseCommandCalls(info, "publish")
	}
}

// command sends one command and returns its simple-string or bulk reply.
func (r *redisServer) command(args ...string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil {
		c, err := net.DialTimeout("tcp", r.addr, time.Second)
		if err != nil {
			return "", err
		}
		r.conn, r.rd = c, bufio.NewReader(c)
	}
	r.conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := r.conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	return readReply(r.rd)
}

// readReply reads one RESP reply that is a simple string, an error or a
// bulk string.
func readReply(rd *bufio.Reader) (string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("redis: empty reply")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return "", fmt.Errorf("redis: %s", line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", fmt.Errorf("redis: bad bulk reply %q", line)
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("redis: unexpected reply %q", line)
}

// parseInfoCPU returns used_cpu_user + used_cpu_sys, in seconds, from the
// text of INFO cpu.
func parseInfoCPU(info string) (float64, error) {
	var user, sys float64
	found := 0
	for line := range strings.Lines(info) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (k != "used_cpu_user" && k != "used_cpu_sys") {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("failed to parse INFO cpu %s: %w", k, err)
		}
		if k == "used_cpu_user" {
			user = f
		} else {
			sys = f
		}
		found++
	}
	if found != 2 {
		return 0, errors.New("failed to parse INFO cpu: no used_cpu_user and used_cpu_sys")
	}
	return user + sys, nil
}

// parseCommandCalls returns the calls of command cmd from the text of
// INFO commandstats ("cmdstat_publish:calls=12,usec=..."): 0 if it has
// not run.
func parseCommandCalls(info, cmd string) (float64, error) {
	for line := range strings.Lines(info) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+cmd+":")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(field, "calls="); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return 0, fmt.Errorf("failed to parse INFO commandstats %s: %w", cmd, err)
				}
				return float64(n), nil
			}
		}
		return 0, fmt.Errorf("failed to parse INFO commandstats: no calls for %s", cmd)
	}
	return 0, nil
}

func (r *redisServer) disconnect() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		r.conn.Close()
		r.conn, r.rd = nil, nil
	}
}

// alive reports whether redis-server is still running.
func (r *redisServer) alive() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// stop ends redis-server with SIGTERM (it has nothing to save), or
// SIGKILL after 5 s.
func (r *redisServer) stop() {
	r.disconnect()
	if !r.alive() {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
	}
}
