package graph

import "slices"

// smallSet is the size up to which a vertexSet is a plain slice.
const smallSet = 16

// vertexSet is the set of a vertex's neighbours on one side: a slice while
// small (most vertices have a few), indexed by a map once it grows (a site
// that every collection depends on). A nil *vertexSet is empty.
type vertexSet[V comparable] struct {
	list  []V
	index map[V]struct{}
}

func (s *vertexSet[V]) len() int {
	if s == nil {
		return 0
	}
	return len(s.list)
}

// items returns the members, in no particular order; the slice is the
// set's own.
func (s *vertexSet[V]) items() []V {
	if s == nil {
		return nil
	}
	return s.list
}

func (s *vertexSet[V]) has(v V) bool {
	switch {
	case s == nil:
		return false
	case s.index != nil:
		_, ok := s.index[v]
		return ok
	}
	return slices.Contains(s.list, v)
}

// add adds v and reports whether it was not there yet.
func (s *vertexSet[V]) add(v V) bool {
	if s.has(v) {
		return false
	}
	s.list = append(s.list, v)
	switch {
	case s.index != nil:
		s.index[v] = struct{}{}
	case len(s.list) > smallSet:
		s.index = make(map[V]struct{}, 2*len(s.list))
		for _, w := range s.list {
			s.index[w] = struct{}{}
		}
	}
	return true
}

func (s *vertexSet[V]) remove(v V) {
	if s == nil {
		return
	}
	i := slices.Index(s.list, v)
	if i < 0 {
		return
	}
	last := len(s.list) - 1
	s.list[i] = s.list[last]
	var zero V
	s.list[last] = zero
	s.list = s.list[:last]
	if s.index != nil {
		delete(s.index, v)
	}
}
