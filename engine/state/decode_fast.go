package state

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// decodeWritten reads a state file written as Encode writes it, several
// times faster than encoding/json's reflection: a state of thousands of
// objects is read on every plan. It yields exactly the values the general
// decoder's structures would hold (numbers as json.Number, objects as
// map[string]any), so the rest of decoding is shared. Anything else — an
// unexpected key or kind, a duplicate key, an escape it leaves to
// encoding/json, trailing data — makes ok false, and the general decoder
// reads the file (and explains what is wrong with it).
//
// When each is not nil, every resource is handed to it as soon as it is
// read, and not kept in f: a large state is then never held twice, once
// read and once converted.
func decodeWritten(b []byte, each func(*inResource)) (f inState, ok bool) {
	r := &jsonReader{b: b}
	ok = r.object(func(key string) bool {
		switch key {
		case "version":
			n, ok := r.number()
			v, err := strconv.Atoi(string(n))
			if !ok || err != nil {
				return false
			}
			f.Version = &v
		case "serial":
			n, ok := r.number()
			v, err := strconv.ParseUint(string(n), 10, 64)
			if !ok || err != nil {
				return false
			}
			f.Serial = v
		case "lineage":
			return r.stringInto(&f.Lineage)
		case "updplan_version":
			return r.stringInto(&f.UpdplanVersion)
		case "outputs":
			f.Outputs = map[string]*fileOutput{}
			return r.object(func(name string) bool {
				o := &fileOutput{}
				f.Outputs[name] = o
				return r.object(func(key string) bool {
					switch key {
					case "value":
						return r.raw(&o.Value)
					case "type":
						return r.raw(&o.Type)
					case "sensitive":
						return r.boolInto(&o.Sensitive)
					}
					return false
				})
			})
		case "resources":
			f.Resources = []*inResource{}
			return r.array(func() bool {
				res := &inResource{}
				if !r.resource(res) {
					return false
				}
				if each != nil {
					each(res)
				} else {
					f.Resources = append(f.Resources, res)
				}
				return true
			})
		default:
			return false
		}
		return true
	})
	r.space()
	return f, ok && r.pos == len(b)
}

func (r *jsonReader) resource(res *inResource) bool {
	return r.object(func(key string) bool {
		switch key {
		case "address":
			return r.stringInto(&res.Address)
		case "type":
			return r.stringInto(&res.Type)
		case "name":
			return r.stringInto(&res.Name)
		case "provider":
			return r.stringInto(&res.Provider)
		case "private":
			return r.stringInto(&res.Private)
		case "index_key":
			v, ok := r.value()
			res.IndexKey = v
			return ok
		case "attributes":
			v, ok := r.value()
			res.Attributes = v
			return ok
		case "dependencies":
			res.Dependencies = []string{}
			return r.array(func() bool {
				var d string
				res.Dependencies = append(res.Dependencies, d)
				return r.stringInto(&res.Dependencies[len(res.Dependencies)-1])
			})
		case "sensitive_attributes":
			res.SensitiveAttributes = [][]pathStep{}
			return r.array(func() bool {
				steps := []pathStep{}
				ok := r.array(func() bool {
					var st pathStep
					ok := r.object(func(key string) bool {
						switch key {
						case "type":
							return r.stringInto(&st.Type)
						case "value":
							return r.raw(&st.Value)
						}
						return false
					})
					steps = append(steps, st)
					return ok
				})
				res.SensitiveAttributes = append(res.SensitiveAttributes, steps)
				return ok
			})
		}
		return false
	})
}

// jsonReader reads JSON values from b, strictly: every case it does not
// handle itself is a failure, never a guess.
type jsonReader struct {
	b   []byte
	pos int
}

func (r *jsonReader) space() {
	for r.pos < len(r.b) {
		switch r.b[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (r *jsonReader) peek() byte {
	r.space()
	if r.pos >= len(r.b) {
		return 0
	}
	return r.b[r.pos]
}

func (r *jsonReader) consume(c byte) bool {
	if r.peek() != c {
		return false
	}
	r.pos++
	return true
}

// object reads an object, calling member for each key with the reader at
// its value; a key seen twice fails.
func (r *jsonReader) object(member func(key string) bool) bool {
	if !r.consume('{') {
		return false
	}
	if r.consume('}') {
		return true
	}
	var seen []string
	for {
		key, ok := r.string()
		if !ok || !r.consume(':') {
			return false
		}
		for _, k := range seen {
			if k == key {
				return false
			}
		}
		seen = append(seen, key)
		if !member(key) {
			return false
		}
		if r.consume(',') {
			continue
		}
		return r.consume('}')
	}
}

// array reads an array, calling elem with the reader at each element.
func (r *jsonReader) array(elem func() bool) bool {
	if !r.consume('[') {
		return false
	}
	if r.consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if r.consume(',') {
			continue
		}
		return r.consume(']')
	}
}

// string reads a string of valid UTF-8. The common escapes (Windows
// paths are full of backslashes) are undone here; \u escapes are left to
// encoding/json, which has rules for broken surrogates.
func (r *jsonReader) string() (string, bool) {
	if !r.consume('"') {
		return "", false
	}
	start := r.pos
	ascii, escaped := true, false
	for r.pos < len(r.b) {
		switch c := r.b[r.pos]; {
		case c == '"':
			s := r.b[start:r.pos]
			r.pos++
			if !ascii && !utf8.Valid(s) {
				return "", false // encoding/json replaces bad bytes
			}
			if escaped {
				return unescape(s)
			}
			return string(s), true
		case c == '\\':
			escaped = true
			r.pos++ // the escaped byte cannot end the string
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		r.pos++
	}
	return "", false
}

// unescape undoes JSON's one-letter escapes in s (a string's content).
func unescape(s []byte) (string, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(s) {
			return "", false
		}
		switch s[i] {
		case '"', '\\', '/':
			out = append(out, s[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false // \u, or not an escape
		}
	}
	return string(out), true
}

func (r *jsonReader) stringInto(s *string) bool {
	v, ok := r.string()
	*s = v
	return ok
}

func (r *jsonReader) boolInto(b *bool) bool {
	v, ok := r.value()
	*b, ok = v.(bool)
	return ok
}

// number reads a number as JSON's grammar has it.
func (r *jsonReader) number() (json.Number, bool) {
	r.space()
	start := r.pos
	digits := func() int {
		n := 0
		for r.pos < len(r.b) && r.b[r.pos] >= '0' && r.b[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	if r.pos < len(r.b) && r.b[r.pos] == '-' {
		r.pos++
	}
	if r.pos < len(r.b) && r.b[r.pos] == '0' {
		r.pos++
	} else if digits() == 0 {
		return "", false
	}
	if r.pos < len(r.b) && r.b[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return "", false
		}
	}
	if r.pos < len(r.b) && (r.b[r.pos] == 'e' || r.b[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.b) && (r.b[r.pos] == '+' || r.b[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return "", false
		}
	}
	return json.Number(r.b[start:r.pos]), true
}

func (r *jsonReader) literal(word string) bool {
	if len(r.b)-r.pos < len(word) || string(r.b[r.pos:r.pos+len(word)]) != word {
		return false
	}
	r.pos += len(word)
	return true
}

// value reads any value as encoding/json decodes it into an interface with
// UseNumber: map[string]any, []any, string, json.Number, bool or nil.
func (r *jsonReader) value() (any, bool) {
	switch c := r.peek(); {
	case c == '{':
		m := map[string]any{}
		ok := r.object(func(key string) bool {
			v, ok := r.value()
			m[key] = v
			return ok
		})
		return m, ok
	case c == '[':
		l := []any{}
		ok := r.array(func() bool {
			v, ok := r.value()
			l = append(l, v)
			return ok
		})
		return l, ok
	case c == '"':
		return r.string()
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	}
	return nil, false
}

// raw reads any value and keeps its bytes, as json.RawMessage does.
func (r *jsonReader) raw(m *json.RawMessage) bool {
	r.space()
	start := r.pos
	if _, ok := r.value(); !ok {
		return false
	}
	*m = append(json.RawMessage(nil), r.b[start:r.pos]...)
	return true
}
