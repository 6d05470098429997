package adapter

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// set must behave as the map it replaces, the empty string included, for
// any sequence of adds and removes.
func TestSetAsMap(t *testing.T) {
	names := []string{"", "a", "b", "c"}
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 200 {
		var s set
		ref := map[string]struct{}{}
		for step := range 30 {
			x := names[rng.IntN(len(names))]
			_, had := ref[x]
			if rng.IntN(2) == 0 {
				if got := s.add(x); got == had {
					t.Fatalf("run %d step %d: add(%q) = %v with %v", run, step, x, got, slices.Sorted(maps.Keys(ref)))
				}
				ref[x] = struct{}{}
			} else {
				if got := s.remove(x); got != had {
					t.Fatalf("run %d step %d: remove(%q) = %v with %v", run, step, x, got, slices.Sorted(maps.Keys(ref)))
				}
				delete(ref, x)
			}
			if got, want := slices.Sorted(s.all()), slices.Sorted(maps.Keys(ref)); !slices.Equal(got, want) || s.len() != len(want) {
				t.Fatalf("run %d step %d: members %q (len %d), want %q", run, step, got, s.len(), want)
			}
			for _, n := range names {
				if _, want := ref[n]; s.has(n) != want {
					t.Fatalf("run %d step %d: has(%q) = %v", run, step, n, !want)
				}
			}
			// A set of one non-empty member holds no map.
			if len(ref) == 1 && s.more != nil {
				if _, empty := ref[""]; !empty {
					t.Fatalf("run %d step %d: %q kept in a map", run, step, slices.Sorted(maps.Keys(ref)))
				}
			}
			if len(ref) == 0 && (s.more != nil || s.one != "") {
				t.Fatalf("run %d step %d: empty set is not the zero set: %+v", run, step, s)
			}
		}
	}
}
