package redistest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	slots          = 16384            // the hash slots of Redis Cluster
	clusterTimeout = 30 * time.Second // for every node to report cluster_state:ok
)

// Cluster is a Redis Cluster of masters without replicas, each node a
// Server of its own.
type Cluster struct {
	t     testing.TB
	nodes []*Server
}

// StartCluster runs a Redis Cluster of the given number of masters on
// loopback ports, the hash slots split evenly between them in the order of
// Nodes, and returns once every node reports cluster_state:ok. t.Cleanup
// stops every node. Like Start, it fails the test if redis-server is not
// installed, unless SOCKETIO_SKIP_REDIS=1 is set.
//
// The nodes are started with --cluster-node-timeout 5000; WithArgs
// overrides it, or adds any other argument, on every node.
func StartCluster(t testing.TB, masters int, opts ...Option) *Cluster {
	t.Helper()
	if masters < 1 {
		t.Fatalf("redistest: a cluster needs at least one master, not %d", masters)
	}
	c := &Cluster{t: t}
	for range masters {
		c.nodes = append(c.nodes, start(t, true, opts))
	}
	if err := c.create(); err != nil {
		t.Fatalf("redistest: failed to create the cluster: %v", err)
	}
	c.WaitOK()
	return c
}

// create does what redis-cli --cluster create does for masters alone:
// gives each node its slots and a distinct config epoch, so that they need
// not settle a collision, then introduces every node to the first.
func (c *Cluster) create() error {
	for i, n := range c.nodes {
		lo, hi := i*slots/len(c.nodes), (i+1)*slots/len(c.nodes)-1
		if err := n.command("CLUSTER", "ADDSLOTSRANGE", strconv.Itoa(lo), strconv.Itoa(hi)); err != nil {
			return err
		}
		if err := n.command("CLUSTER", "SET-CONFIG-EPOCH", strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	for _, n := range c.nodes[1:] {
		err := c.nodes[0].command("CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(n.port), strconv.Itoa(n.busPort))
		if err != nil {
			return err
		}
	}
	return nil
}

// command runs one command on the server over a connection of its own.
func (s *Server) command(args ...string) error {
	c, err := dial(s.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.do(args...); err != nil {
		return fmt.Errorf("%s on %s: %w", strings.Join(args, " "), s.addr, err)
	}
	return nil
}

// WaitOK waits until every node reports cluster_state:ok, knows every
// other node, and sees all slots assigned; after a node was restarted, for
// instance. It fails the test after 30 seconds.
func (c *Cluster) WaitOK() {
	c.t.Helper()
	deadline := time.Now().Add(clusterTimeout)
	for {
		err := c.healthy()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("redistest: the cluster is not ok after %v: %v", clusterTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// healthy returns why the cluster is not ok yet, or nil.
func (c *Cluster) healthy() error {
	want := map[string]string{
		"cluster_state":          "ok",
		"cluster_known_nodes":    strconv.Itoa(len(c.nodes)),
		"cluster_slots_assigned": strconv.Itoa(slots),
		"cluster_slots_ok":       strconv.Itoa(slots),
	}
	for _, n := range c.nodes {
		conn, err := dial(n.addr)
		if err != nil {
			return err
		}
		reply, err := conn.str("CLUSTER", "INFO")
		conn.Close()
		if err != nil {
			return err
		}
		got := info(reply)
		for k, v := range want {
			if got[k] != v {
				return fmt.Errorf("%s has %s:%s, want %s", n.addr, k, got[k], v)
			}
		}
	}
	return nil
}

// Addrs returns the address of each node, in the order of Nodes.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Nodes returns the servers of the cluster, so that a test can kill or
// restart one. Node i holds the i-th of len(Nodes) equal runs of slots.
func (c *Cluster) Nodes() []*Server {
	return append([]*Server(nil), c.nodes...)
}
