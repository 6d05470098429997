// Command floor measures what a round trip of 32 bytes costs a Go TCP echo
// server on this machine, with no WebSocket, Engine.IO or Socket.IO on top:
// the floor under the echo workload of the side-by-side benchmark.
//
// It starts itself as the server pinned to CPU 0 with GOMAXPROCS=1 (by
// default a goroutine per connection, as Go servers are written; with
// -loop, one thread in an epoll loop of raw system calls, as an event-loop
// server in C would be; with -uring, one thread in an io_uring loop, where
// one system call submits a whole turn's sends), drives it from
// CPU 1 with an epoll loop of raw system calls over 50 connections with one
// message in flight each, and prints the round trips per second and the
// server's CPU time per round trip, read from /proc:
//
//	go run ./cmd/floor            # from bench/
//	go run ./cmd/floor -conns 1   # ping-pong
//	go run ./cmd/floor -loop      # the event-loop server
//	go run ./cmd/floor -uring     # the io_uring server (Linux 6.1 or later)
//
// Linux only (epoll, /proc, taskset).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	serve := flag.String("serve", "", "run as the echo server on this address (used by the tool itself)")
	loop := flag.Bool("loop", false, "the server is one epoll loop of raw system calls, not a goroutine per connection")
	uring := flag.Bool("uring", false, "the server is one io_uring loop")
	conns := flag.Int("conns", 50, "connections, one message in flight each")
	payload := flag.Int("payload", 32, "bytes per message")
	duration := flag.Duration("duration", 5*time.Second, "measurement time")
	warmup := flag.Duration("warmup", time.Second, "discarded time before the measurement")
	flag.Parse()
	log.SetFlags(0)
	if *serve != "" {
		switch {
		case *uring:
			uringServer(*serve)
		case *loop:
			loopServer(*serve)
		default:
			echoServer(*serve)
		}
		return
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command("taskset", "-c", "0", os.Args[0], "-serve", addr, "-loop="+strconv.FormatBool(*loop), "-uring="+strconv.FormatBool(*uring))
	srv.Env = append(os.Environ(), "GOMAXPROCS=1")
	srv.Stderr = os.Stderr
	out, err := srv.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Process.Kill()
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil { // "listening"
		log.Fatalf("floor: the server did not start: %v", err)
	}
	if err := pinSelf(1); err != nil {
		log.Fatal(err)
	}
	rts, elapsed, cpu, err := drive(addr, *conns, *payload, *warmup, *duration, srv.Process.Pid)
	if err != nil {
		log.Fatal(err)
	}
	kind := "a goroutine per connection"
	if *loop {
		kind = "an epoll loop"
	}
	if *uring {
		kind = "an io_uring loop"
	}
	fmt.Printf("raw TCP echo (%s), %d connections, %d B: %.0f round trips/s, server CPU %.2f cores, %.2f µs of server CPU per round trip\n",
		kind, *conns, *payload, float64(rts)/elapsed.Seconds(), cpu/elapsed.Seconds(), cpu*1e6/float64(rts))
}

// echoServer echoes what each connection sends, a goroutine per
// connection.
func echoServer(addr string) {
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening")
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 4096)
			for {
				n, err := c.Read(buf)
				if err != nil {
					return
				}
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
	}
}

// loopServer echoes what each connection sends from one thread: epoll,
// read and write as raw system calls, no runtime in between.
func loopServer(addr string) {
	runtime.LockOSThread()
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		log.Fatal(err)
	}
	go func() { // accepts: rare, off the loop
		for {
			c, err := ln.Accept()
			if err != nil {
				log.Fatal(err)
			}
			f, err := c.(*net.TCPConn).File()
			c.Close()
			if err != nil {
				log.Fatal(err)
			}
			fd := int(f.Fd())
			syscall.SetNonblock(fd, true)
			if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}); err != nil {
				log.Fatal(err)
			}
			loopFiles = append(loopFiles, f)
		}
	}()
	fmt.Println("listening")
	events := make([]syscall.EpollEvent, 128)
	buf := make([]byte, 4096)
	for {
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(ep), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
		if errno != 0 || n == 0 {
			// Nothing ready: wait in the kernel (a blocking call must
			// let the runtime know).
			syscall.EpollWait(ep, events[:1], -1)
			continue
		}
		for _, ev := range events[:n] {
			fd := uintptr(ev.Fd)
			m, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
			if errno != 0 || m == 0 {
				continue
			}
			syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&buf[0])), m)
		}
	}
}

// loopFiles keeps the loop server's connections open.
var loopFiles []*os.File

// pinSelf pins the calling process to cpu.
func pinSelf(cpu int) error {
	out, err := exec.Command("taskset", "-a", "-p", "-c", strconv.Itoa(cpu), strconv.Itoa(os.Getpid())).CombinedOutput()
	if err != nil {
		return fmt.Errorf("floor: taskset: %v: %s", err, out)
	}
	return nil
}

// drive runs the clients: an epoll loop on one thread, each connection
// sending its next message when the previous one has come back whole.
func drive(addr string, conns, payload int, warmup, duration time.Duration, pid int) (rts int, elapsed time.Duration, cpu float64, err error) {
	runtime.LockOSThread()
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return 0, 0, 0, err
	}
	msg := make([]byte, payload)
	for i := range msg {
		msg[i] = 'x'
	}
	got := make(map[int]int, conns) // bytes of the current echo received, by fd
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return 0, 0, 0, err
		}
		f, err := c.(*net.TCPConn).File() // a blocking duplicate: made non-blocking below
		c.Close()
		if err != nil {
			return 0, 0, 0, err
		}
		files = append(files, f)
		fd := int(f.Fd())
		if err := syscall.SetNonblock(fd, true); err != nil {
			return 0, 0, 0, err
		}
		if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}); err != nil {
			return 0, 0, 0, err
		}
		got[fd] = 0
		if _, err := syscall.Write(fd, msg); err != nil {
			return 0, 0, 0, err
		}
	}
	events := make([]syscall.EpollEvent, 128)
	buf := make([]byte, 64<<10)
	start := time.Now()
	measuring := false
	var cpu0 float64
	for {
		now := time.Now()
		if !measuring && now.Sub(start) >= warmup {
			measuring, start, rts = true, now, 0
			if cpu0, err = cpuSeconds(pid); err != nil {
				return 0, 0, 0, err
			}
		}
		if measuring && now.Sub(start) >= duration {
			cpu1, err := cpuSeconds(pid)
			return rts, now.Sub(start), cpu1 - cpu0, err
		}
		n, err := syscall.EpollWait(ep, events, 100)
		if err != nil && err != syscall.EINTR {
			return 0, 0, 0, err
		}
		for _, ev := range events[:max(n, 0)] {
			fd := int(ev.Fd)
			m, err := syscall.Read(fd, buf)
			if err == syscall.EAGAIN {
				continue
			}
			if err != nil || m == 0 {
				return 0, 0, 0, fmt.Errorf("floor: the server closed a connection: %v", err)
			}
			got[fd] += m
			for got[fd] >= payload {
				got[fd] -= payload
				rts++
				if _, err := syscall.Write(fd, msg); err != nil {
					return 0, 0, 0, err
				}
			}
		}
	}
}

// cpuSeconds reads a process's user and system time from /proc.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("floor: unexpected /proc/%d/stat: %q", pid, s)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("floor: unexpected /proc/%d/stat: %q", pid, s)
	}
	return (utime + stime) / 100, nil // clock ticks: USER_HZ is 100 on Linux
}
