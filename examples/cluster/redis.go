package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// startRedis runs a redis-server for the cluster on a free loopback port,
// in dir, persisting nothing, and returns once it answers PING. Its log
// is dir/redis.log.
func startRedis(dir string) (p *proc, addr string, err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", fmt.Errorf("redis-server is not installed (apt-get install redis-server): %w", err)
	}
	logPath := filepath.Join(dir, "redis.log")
	// Another process can take the port between freePort and the bind:
	// then try another.
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, "", err
		}
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return nil, "", err
		}
		cmd := exec.Command(bin,
			"--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--dir", dir, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", "")
		cmd.Stdout, cmd.Stderr = log, log // files: exec copies nothing
		p, err = startProc("redis-server", cmd)
		log.Close() // the child has its own
		if err != nil {
			return nil, "", err
		}
		if err = waitRedis(p, addr); err == nil {
			return p, addr, nil
		}
		p.stop(syscall.SIGKILL, time.Second)
		if !strings.Contains(readTail(logPath), "Address already in use") {
			return nil, "", fmt.Errorf("%w; its log:\n%s", err, readTail(logPath))
		}
	}
	return nil, "", errors.New("redis-server: no free port found")
}

// waitRedis waits until the server p at addr answers PING.
func waitRedis(p *proc, addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-p.exited():
			return fmt.Errorf("redis-server exited at start: %v", p.err)
		default:
		}
		if err := ping(addr); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer at %s within 10 s: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// freePort returns a loopback port no one listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// readTail returns the last few KiB of a log file.
func readTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	const keep = 4 << 10
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
