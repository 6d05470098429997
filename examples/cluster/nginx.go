package main

import (
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"text/template"
	"time"
)

//go:embed nginx.conf.tmpl
var nginxTemplate string

var nginxConf = template.Must(template.New("nginx.conf").Parse(nginxTemplate))

// backend is a server behind nginx.
type backend struct{ Name, Addr string }

// nginxConfig is what nginx.conf.tmpl needs.
type nginxConfig struct {
	Dir    string    // the run's directory: config, pid, logs, temporary files
	User   string    // "user NAME GROUP" for workers, when nginx runs as root
	Listen string    // host:port
	Chat   []backend // the Socket.IO servers, sticky
	Pages  []backend // the servers of the page
}

// nginxBin is Debian's nginx.
const nginxBin = "/usr/sbin/nginx"

// startNginx writes the configuration into dir and runs nginx on it in
// the foreground, returning once it accepts connections on listen.
func startNginx(dir, listen string, chat, pages []backend) (*proc, error) {
	bin := nginxBin
	if _, err := os.Stat(bin); err != nil {
		var lerr error
		if bin, lerr = exec.LookPath("nginx"); lerr != nil {
			return nil, fmt.Errorf("nginx is not installed (apt-get install nginx): %w", err)
		}
	}
	if ln, err := net.Listen("tcp", listen); err != nil {
		return nil, fmt.Errorf("nginx cannot listen on %s (-addr to choose another address): %w", listen, err)
	} else {
		ln.Close()
	}
	cfg := nginxConfig{Dir: dir, Listen: listen, Chat: chat, Pages: pages}
	if os.Geteuid() == 0 {
		// nginx's default, "nobody nobody", names a group Debian lacks.
		u, err := workerUser()
		if err != nil {
			return nil, err
		}
		cfg.User = u
	}
	conf := filepath.Join(dir, "nginx.conf")
	f, err := os.Create(conf)
	if err != nil {
		return nil, err
	}
	err = nginxConf.Execute(f, cfg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("failed to write %s: %w", conf, err)
	}
	// -e stderr: the log of the start, before the configuration's
	// error_log applies (Debian's default is not writable but by root).
	cmd := exec.Command(bin, "-e", "stderr", "-p", dir, "-c", conf, "-g", "daemon off;")
	startLog, err := os.Create(filepath.Join(dir, "start.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = startLog, startLog
	p, err := startProc("nginx", cmd)
	startLog.Close()
	if err != nil {
		return nil, err
	}
	if err := waitNginx(p, listen); err != nil {
		p.stop(syscall.SIGKILL, time.Second)
		return nil, fmt.Errorf("%w\n%s%s", err,
			readTail(filepath.Join(dir, "start.log")), readTail(filepath.Join(dir, "error.log")))
	}
	return p, nil
}

// waitNginx waits until nginx (p) serves the page on listen: the answer
// comes from a chat server, so that it is this nginx that answers.
func waitNginx(p *proc, listen string) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-p.exited():
			return fmt.Errorf("nginx exited at start: %v", p.err)
		default:
		}
		res, err := client.Get("http://" + listen + "/")
		if err == nil {
			res.Body.Close()
			if res.Header.Get("X-Chat-Server") == "" {
				return fmt.Errorf("another server than the cluster's nginx answers on %s", listen)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nginx did not answer on %s within 10 s: %w", listen, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// workerUser returns "nobody GROUP", GROUP being nobody's own group.
func workerUser() (string, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return "", fmt.Errorf("nginx runs as root, and its workers need the user nobody: %w", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return "", fmt.Errorf("the group of the user nobody: %w", err)
	}
	return "nobody " + g.Name, nil
}

// listenAddr returns addr with a free port in place of port 0: nginx has
// to be told which.
func listenAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("bad address %q: %w", addr, err)
	}
	if port != "0" {
		return addr, nil
	}
	p, err := freePort()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), nil
}
