package redistest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// slotOfFoo is the hash slot of the key "foo": CRC16("foo") mod 16384.
const slotOfFoo = 12182

func TestCluster(t *testing.T) {
	t.Parallel()
	for _, masters := range []int{1, 3} {
		t.Run(fmt.Sprint(masters), func(t *testing.T) {
			t.Parallel()
			c := StartCluster(t, masters)
			addrs := c.Addrs()
			if len(addrs) != masters || len(c.Nodes()) != masters {
				t.Fatalf("%d addresses and %d nodes, want %d", len(addrs), len(c.Nodes()), masters)
			}
			for _, a := range addrs {
				got := info(query(t, a, "CLUSTER", "INFO").(string))
				if got["cluster_state"] != "ok" || got["cluster_size"] != strconv.Itoa(masters) {
					t.Errorf("%s: cluster_state:%s cluster_size:%s", a, got["cluster_state"], got["cluster_size"])
				}
			}
			// Every node sends "foo" to the owner of its slot, by the
			// address a client can reach.
			owner := addrs[slotOfFoo*masters/slots]
			for _, a := range addrs {
				v, err := dialDo(a, "GET", "foo")
				switch {
				case a == owner && (err != nil || v != nil):
					t.Errorf("GET foo on its owner %s = %v, %v", a, v, err)
				case a != owner && (err == nil || err.Error() != fmt.Sprintf("MOVED %d %s", slotOfFoo, owner)):
					t.Errorf("GET foo on %s = %v, %v; want MOVED %d %s", a, v, err, slotOfFoo, owner)
				}
			}
		})
	}
}

func TestClusterNodeRestart(t *testing.T) {
	t.Parallel()
	c := StartCluster(t, 3)
	n := c.Nodes()[1]
	n.Kill()
	n.Restart()
	c.WaitOK()
	// It came back as the same node, with the same slots.
	slots := query(t, n.Addr(), "CLUSTER", "SLOTS").([]any)
	if len(slots) != 3 {
		t.Fatalf("CLUSTER SLOTS lists %d ranges, want 3", len(slots))
	}
	for _, r := range slots {
		r := r.([]any)
		if r[0].(int64) == 5461 {
			if ep := r[2].([]any); fmt.Sprintf("%s:%d", ep[0], ep[1]) != n.Addr() {
				t.Errorf("slots 5461- are served by %v, want %s", ep, n.Addr())
			}
			return
		}
	}
	t.Errorf("no range starts at slot 5461: %v", strings.TrimSpace(fmt.Sprint(slots)))
}
