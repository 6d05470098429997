package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// machine describes where and what a session measured.
type machine struct {
	cpu      string // lscpu's model name
	cores    int
	kernel   string
	goVer    string
	nodeVer  string
	socketIO string // the Node peer's socket.io version
	commit   string
	date     string
}

func (m machine) line() string {
	return fmt.Sprintf("%s, %d CPUs, Linux %s; %s; Node %s", m.cpu, m.cores, m.kernel, m.goVer, m.nodeVer)
}

func describeMachine(cfg *config) machine {
	m := machine{
		cpu:      "unknown CPU",
		cores:    runtime.NumCPU(),
		kernel:   "unknown",
		goVer:    runtime.Version(),
		nodeVer:  "unknown",
		socketIO: "unknown",
		commit:   "unknown",
		date:     time.Now().UTC().Format("2006-01-02 15:04 MST"),
	}
	if out, err := exec.Command("lscpu").Output(); err == nil {
		if v := lscpuModel(string(out)); v != "" {
			m.cpu = v
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
		m.goVer = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command(cfg.node, "--version").Output(); err == nil {
		m.nodeVer = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile(filepath.Join(cfg.nodeDir, "node_modules", "socket.io", "package.json")); err == nil {
		var p struct{ Version string }
		if json.Unmarshal(b, &p) == nil && p.Version != "" {
			m.socketIO = p.Version
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			m.commit += " (with uncommitted changes)"
		}
	}
	return m
}

// lscpuModel finds the "Model name:" line of lscpu's output.
func lscpuModel(out string) string {
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Model name:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
