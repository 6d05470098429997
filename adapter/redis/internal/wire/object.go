package wire

import (
	"bytes"
	"cmp"
	"slices"
)

// JavaScript objects do not keep their keys as written. Both directions
// go through one: JSON.parse builds it from text before notepack encodes,
// and notepack's decoder builds it before JSON.stringify writes text. Its
// own keys come out array indices first, in numeric order, then the other
// keys in the order they were first set; a key set twice keeps its first
// place and its last value.

// fastKeys is how many keys an object may have and still be checked for
// repeats pair by pair, on the stack; larger ones take the slow path,
// which allocates.
const fastKeys = 32

// A prop is one key of an object being rebuilt: key is its bytes as
// written (compared for equality), first and last the settings, in the
// order written, that placed it and that gave its value.
type prop struct {
	key         []byte
	index       uint32
	isIndex     bool
	first, last int
}

// jsOrder turns one prop per setting, in the order written, into the
// object's own keys in JavaScript's order. It reuses settings' array.
func jsOrder(settings []prop) []prop {
	props := settings[:0]
	var seen map[string]int
	if len(settings) > fastKeys {
		seen = make(map[string]int)
	}
	for i, s := range settings {
		j := -1
		if seen != nil {
			if k, ok := seen[string(s.key)]; ok {
				j = k
			} else {
				seen[string(s.key)] = len(props)
			}
		} else {
			for k := range props {
				if bytes.Equal(props[k].key, s.key) {
					j = k
					break
				}
			}
		}
		if j >= 0 {
			props[j].last = i
			continue
		}
		props = append(props, s)
	}
	slices.SortStableFunc(props, func(a, b prop) int {
		switch {
		case a.isIndex && b.isIndex:
			return cmp.Compare(a.index, b.index)
		case a.isIndex:
			return -1
		case b.isIndex:
			return 1
		}
		return 0
	})
	return props
}
