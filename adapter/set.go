package adapter

import "iter"

// set is a set of strings that holds a single non-empty member inline,
// without a map: most sets of the in-memory adapter have one member (the
// room of a socket's own id has that socket, and many sockets are in that
// room only), and a Go map for one costs about 190 bytes. Its zero value
// is the empty set. It is a value: a modified set is stored back.
type set struct {
	// more holds the members once there are two, or one that is "";
	// nil otherwise.
	more map[string]struct{}
	// one is the only member while more is nil; "" for none.
	one string
}

func (s *set) len() int {
	switch {
	case s.more != nil:
		return len(s.more)
	case s.one != "":
		return 1
	}
	return 0
}

func (s *set) has(x string) bool {
	if s.more != nil {
		_, ok := s.more[x]
		return ok
	}
	return x != "" && s.one == x
}

// add adds x and reports whether it was not a member.
func (s *set) add(x string) bool {
	if s.has(x) {
		return false
	}
	if s.more == nil && s.one == "" && x != "" {
		s.one = x
		return true
	}
	if s.more == nil {
		s.more = make(map[string]struct{}, 2)
		if s.one != "" {
			s.more[s.one] = struct{}{}
			s.one = ""
		}
	}
	s.more[x] = struct{}{}
	return true
}

// remove removes x and reports whether it was a member. A set left with
// one member holds it inline again.
func (s *set) remove(x string) bool {
	if !s.has(x) {
		return false
	}
	if s.more == nil {
		s.one = ""
		return true
	}
	delete(s.more, x)
	switch len(s.more) {
	case 0:
		s.more = nil
	case 1:
		for last := range s.more {
			if last != "" {
				s.one, s.more = last, nil
			}
		}
	}
	return true
}

// all yields the members, in no particular order.
func (s set) all() iter.Seq[string] {
	return func(yield func(string) bool) {
		if s.more == nil {
			if s.one != "" {
				yield(s.one)
			}
			return
		}
		for x := range s.more {
			if !yield(x) {
				return
			}
		}
	}
}
