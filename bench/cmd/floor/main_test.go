package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the echo server instead of the tests when a test starts
// this binary as one (FLOOR_SERVE=mode,address).
func TestMain(m *testing.M) {
	if v := os.Getenv("FLOOR_SERVE"); v != "" {
		mode, addr, _ := bytes.Cut([]byte(v), []byte(","))
		switch string(mode) {
		case "uring":
			uringServer(string(addr))
		case "loop":
			loopServer(string(addr))
		default:
			echoServer(string(addr))
		}
		return
	}
	os.Exit(m.Run())
}

// TestServersEcho checks that each floor server echoes what every one of
// several connections sends, a message at a time and in a burst.
func TestServersEcho(t *testing.T) {
	for _, mode := range []string{"goroutines", "loop", "uring"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "uring" {
				r, err := newRing(8, 0)
				if errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EPERM) {
					t.Skipf("this kernel does not let the process use io_uring: %v", err)
				}
				if err != nil {
					t.Fatal(err)
				}
				r.close()
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "FLOOR_SERVE="+mode+","+addr)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "listening\n" {
				t.Fatalf("the server said %q, %v", line, err)
			}
			var conns []net.Conn
			for range 5 {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				c.SetDeadline(time.Now().Add(10 * time.Second))
				conns = append(conns, c)
			}
			for round := range 20 {
				for i, c := range conns {
					msg := bytes.Repeat([]byte{byte('a' + i)}, 32+round)
					if _, err := c.Write(msg); err != nil {
						t.Fatal(err)
					}
					got := make([]byte, len(msg))
					if _, err := io.ReadFull(c, got); err != nil {
						t.Fatalf("connection %d, round %d: %v", i, round, err)
					}
					if !bytes.Equal(got, msg) {
						t.Fatalf("connection %d, round %d: echoed %q, want %q", i, round, got, msg)
					}
				}
			}
			// A burst larger than one provided buffer (4 KB).
			burst := bytes.Repeat([]byte("0123456789"), 2000)
			go conns[0].Write(burst)
			got := make([]byte, len(burst))
			if _, err := io.ReadFull(conns[0], got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, burst) {
				t.Fatal("the burst came back changed")
			}
		})
	}
}
