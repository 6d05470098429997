package chat

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio"
)

func TestSameOrigin(t *testing.T) {
	for _, c := range []struct {
		host, origin string
		ok           bool
	}{
		{"localhost:3000", "", true},
		{"localhost:3000", "http://localhost:3000", true},
		{"127.0.0.1:3000", "http://127.0.0.1:3000", true},
		{"localhost:3000", "http://evil.example", false},
		{"localhost:3000", "http://localhost:3001", false},
		{"localhost:3000", "null", false},
	} {
		r := httptest.NewRequest("GET", "http://"+c.host+"/socket.io/?EIO=4&transport=polling", nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if err := SameOrigin(r); (err == nil) != c.ok {
			t.Errorf("host %s, origin %q: %v, want ok=%v", c.host, c.origin, err, c.ok)
		}
	}
}
func TestFindDir(t *testing.T) {
	t.Chdir("../../cmd/chat")
	dir, err := FindDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "static", "index.html")); err != nil {
		t.Errorf("FindDir() = %s: %v", dir, err)
	}
	t.Chdir("../..") // the repository's root, as `go run ./cmd/chat` runs
	root, err := FindDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("cmd", "chat"); !strings.HasSuffix(root, want) {
		t.Errorf("FindDir() from the root = %s, want .../%s", root, want)
	}
	t.Chdir(t.TempDir())
	if _, err := FindDir(); err == nil {
		t.Error("FindDir() outside the repository: no error")
	}
}

func TestHandlerWithoutClient(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "static"), 0o755)
	os.WriteFile(filepath.Join(dir, "static", "index.html"), []byte("<!doctype html>"), 0o644)
	io := socketio.NewServer(nil)
	defer io.Close()
	_, err := Handler(dir, io)
	if err == nil || !strings.Contains(err.Error(), "npm ci --omit=dev") {
		t.Errorf("Handler without node_modules: %v, want an error telling to run npm ci", err)
	}
	_, err = Handler(t.TempDir(), http.NotFoundHandler())
	if err == nil || !strings.Contains(err.Error(), "no page") {
		t.Errorf("Handler without a page: %v", err)
	}
}
