package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// nodePackages are the packages the Node.js server needs, pinned in
// node/package.json.
var nodePackages = []string{"socket.io", "@socket.io/redis-adapter", "redis"}

// checkNode tells what is missing to run node/server.mjs in dir: node
// itself, or the packages of node/package.json at their pinned versions.
func checkNode(dir string) error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node (Node.js 20 or later) is not in PATH: %w", err)
	}
	var pkg struct{ Dependencies map[string]string }
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &pkg)
	}
	if err != nil {
		return fmt.Errorf("the Node.js server's package.json: %w", err)
	}
	for _, name := range nodePackages {
		var got struct{ Version string }
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
		if err == nil {
			err = json.Unmarshal(b, &got)
		}
		if err != nil || got.Version != pkg.Dependencies[name] {
			return fmt.Errorf("the Node.js server's packages are not installed (%s: have %q, want %q): run `npm ci` in %s",
				name, got.Version, pkg.Dependencies[name], dir)
		}
	}
	return nil
}

// startNode runs the Node.js chat server of dir (node/server.mjs) on a
// loopback port it picks, and returns once it listens, with its address.
// What it writes goes to logw.
func startNode(dir, name, redisAddr string, polling bool, logw io.Writer) (*proc, string, error) {
	if err := checkNode(dir); err != nil {
		return nil, "", err
	}
	args := []string{"server.mjs", "--name", name, "--redis", "redis://" + redisAddr, "--host", "127.0.0.1", "--port", "0"}
	if polling {
		args = append(args, "--polling")
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Stderr = logw
	// A pipe of our own rather than StdoutPipe, whose reads must end
	// before Wait, which proc calls at once.
	out, w, err := os.Pipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stdout = w
	p, err := startProc(name, cmd)
	w.Close() // the child has its own
	if err != nil {
		out.Close()
		return nil, "", err
	}
	// The line "listening on ADDR" tells the address; the others are
	// copied. The copy ends when the process has exited.
	addr := make(chan string, 1)
	go func() {
		defer out.Close()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				select {
				case addr <- a:
				default:
				}
				continue
			}
			fmt.Fprintf(logw, "%s: %s\n", name, sc.Text())
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return p, a, nil
	case <-p.exited():
		return nil, "", fmt.Errorf("%s exited at start: %v", name, p.err)
	case <-time.After(15 * time.Second):
		p.stop(syscall.SIGKILL, time.Second)
		return nil, "", fmt.Errorf("%s did not listen within 15 s", name)
	}
}
