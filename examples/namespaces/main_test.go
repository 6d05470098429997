package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// wantRefused reads a CONNECT_ERROR for nsp and checks its payload.
func wantRefused(t *testing.T, c *wsclient.Client, nsp string, want map[string]any) {
	t.Helper()
	got := c.Read()
	prefix := "44" + nsp + ","
	var payload map[string]any
	if !strings.HasPrefix(got, prefix) || json.Unmarshal([]byte(got[len(prefix):]), &payload) != nil ||
		!reflect.DeepEqual(payload, want) {
		t.Fatalf("got %s, want %s%v", got, prefix, want)
	}
}

func TestAdmin(t *testing.T) {
	url := wsclient.URL(wsclient.Start(t, newServer("s3cret")))
	c := wsclient.Dial(t, url, nil)
	c.Connect("/", "")

	refused := map[string]any{"message": "not authorized", "data": map[string]any{"need": "auth.token"}}
	c.Send(`40/admin,`)
	wantRefused(t, c, "/admin", refused)
	c.Send(`40/admin,{"token":"wrong"}`)
	wantRefused(t, c, "/admin", refused)

	c.Connect("/admin", `{"token":"s3cret"}`)
	c.Send(`42/admin,1["count"]`)
	c.Expect(`43/admin,1[1]`)
	wsclient.Dial(t, url, nil).Connect("/", "")
	c.Send(`42/admin,2["count"]`)
	c.Expect(`43/admin,2[2]`)
}

func TestWorkspaces(t *testing.T) {
	url := wsclient.URL(wsclient.Start(t, newServer("s3cret")))
	c1, c2 := wsclient.Dial(t, url, nil), wsclient.Dial(t, url, nil)
	c1.Connect("/workspace-a", "")
	c2.Connect("/workspace-a", "")
	c2.Connect("/workspace-b", "") // one connection, two namespaces

	c1.Send(`42/workspace-a,["post","hi"]`)
	c1.Expect(`42/workspace-a,["post","/workspace-a","hi"]`)
	c2.Expect(`42/workspace-a,["post","/workspace-a","hi"]`)
	c2.Send(`42/workspace-b,["post","yo"]`)
	c2.Expect(`42/workspace-b,["post","/workspace-b","yo"]`)
	c1.Send(`42/workspace-a,["post","again"]`)
	c1.Expect(`42/workspace-a,["post","/workspace-a","again"]`) // "yo" stayed in b

	for _, nsp := range []string{"/nope", "/workspace-A", "/workspace-"} {
		c1.Send("40" + nsp + ",")
		wantRefused(t, c1, nsp, map[string]any{"message": "Invalid namespace"})
	}
}
