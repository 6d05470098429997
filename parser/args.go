package parser

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Args are the arguments of an event or of an acknowledgement, as
// received: each stays JSON text until it is decoded into the Go value the
// handler asks for.
type Args struct {
	raw         [][]byte
	attachments [][]byte
}

// NewArgs returns the elements of the JSON array data as Args, with the
// packet's binary attachments.
func NewArgs(data []byte, attachments [][]byte) Args {
	return Args{raw: SplitArray(data), attachments: attachments}
}

// Len returns the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as JSON text, with binary attachments still as
// placeholders, or nil if there is no argument i or it is absent (see
// Element and JoinArgs: a list of responses may hold "no argument").
func (a Args) Raw(i int) []byte {
	if i < 0 || i >= len(a.raw) {
		return nil
	}
	return a.raw[i]
}

// Slice returns the arguments from i on.
func (a Args) Slice(i int) Args {
	if i > len(a.raw) {
		i = len(a.raw)
	}
	return Args{raw: a.raw[i:], attachments: a.attachments}
}

// ErrArgType is wrapped by errors from decoding an argument into a Go
// value of the wrong type.
var ErrArgType = errors.New("socketio: argument does not decode into the requested type")

// ErrMissingArg is wrapped by errors about an argument that was not sent:
// it tells a missing argument from one sent as null or zero.
var ErrMissingArg = errors.New("socketio: missing argument")

// Decode decodes argument i into v, as json.Unmarshal does. A binary
// attachment decodes into a []byte, wherever it sits in the argument; into
// an interface value it becomes a []byte too. A missing argument leaves v
// unchanged and is an error wrapping ErrMissingArg; an argument sent as
// null is not an error, and leaves v as json.Unmarshal does.
func (a Args) Decode(i int, v any) error {
	raw := a.Raw(i)
	if raw == nil {
		return fmt.Errorf("%w: argument %d of %d", ErrMissingArg, i, len(a.raw))
	}
	if err := decodeValue(raw, a.attachments, v); err != nil {
		return fmt.Errorf("%w: argument %d: %v", ErrArgType, i, err)
	}
	return nil
}

// Bind decodes the arguments in order into dst: argument i into dst[i].
// A nil dst[i] skips argument i; extra arguments are ignored. It stops at
// the first error: an argument that does not decode (ErrArgType), or one
// that is missing (ErrMissingArg), the arguments before it decoded. For
// optional trailing arguments, look at Len first.
func (a Args) Bind(dst ...any) error {
	for i, v := range dst {
		if v == nil {
			continue
		}
		if err := a.Decode(i, v); err != nil {
			return err
		}
	}
	return nil
}

// Values decodes every argument into a Go value (as json.Unmarshal into
// an interface would, with []byte for binary attachments); an absent
// argument is nil.
func (a Args) Values() ([]any, error) {
	out := make([]any, len(a.raw))
	for i := range a.raw {
		if a.raw[i] == nil {
			continue // absent: nil, as null
		}
		if err := a.Decode(i, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MarshalJSON returns the arguments as a JSON array, attachments still as
// placeholders, an absent argument as null (as JSON.stringify writes
// undefined in an array).
func (a Args) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, r := range a.raw {
		if i > 0 {
			b = append(b, ',')
		}
		if r == nil {
			r = []byte("null") // absent
		}
		b = append(b, r...)
	}
	return append(b, ']'), nil
}

func decodeValue(raw []byte, attachments [][]byte, v any) error {
	if s, ok := plainString(raw); ok {
		// The common case, without encoding/json: a string into a string,
		// or into an empty interface (one that holds a pointer is decoded
		// through, which is encoding/json's to do).
		switch p := v.(type) {
		case *string:
			if p != nil {
				*p = string(s)
				return nil
			}
		case *any:
			if p != nil && *p == nil {
				*p = string(s)
				return nil
			}
		}
	}
	if len(attachments) == 0 || !bytes.Contains(raw, placeholderKey) {
		return json.Unmarshal(raw, v)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return err
	}
	if p, ok := v.(*any); ok {
		// An interface gets the attachment itself, and plain numbers.
		if err := json.Unmarshal(raw, p); err != nil {
			return err
		}
		*p = walkPlaceholders(*p, func(num json.Number) any {
			if b := attachment(attachments, num); b != nil {
				return b
			}
			return nil
		})
		return nil
	}
	// Other types: put each attachment in as base64, which encoding/json
	// decodes into []byte.
	tree = walkPlaceholders(tree, func(num json.Number) any {
		if b := attachment(attachments, num); b != nil {
			return base64.StdEncoding.EncodeToString(b)
		}
		return nil
	})
	b, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func attachment(attachments [][]byte, num json.Number) []byte {
	i, err := strconv.Atoi(string(num))
	if err != nil || i < 0 || i >= len(attachments) {
		return nil
	}
	if attachments[i] == nil {
		return []byte{}
	}
	return attachments[i]
}

// AppendArray appends values as a JSON array. Each []byte found in them,
// at any depth, is appended to *attachments and written as a placeholder.
func AppendArray(dst []byte, attachments *[][]byte, values ...any) ([]byte, error) {
	dst = append(dst, '[')
	for i, v := range values {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = AppendValue(dst, attachments, v); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// AppendArgs appends args to the JSON array that dst ends with (dst ends
// with '[' or with an element), each after a comma unless it is the
// first, as AppendValue writes it. An Args among them is spread: its
// elements take its place, exactly as received, so that an event's
// arguments are forwarded rather than sent as one array.
func AppendArgs(dst []byte, attachments *[][]byte, args []any) ([]byte, error) {
	for _, a := range args {
		x, spread := a.(Args)
		if spread && x.Len() == 0 {
			continue
		}
		if dst[len(dst)-1] != '[' {
			dst = append(dst, ',')
		}
		var err error
		if spread {
			dst, err = x.AppendElements(dst, attachments)
		} else {
			dst, err = AppendValue(dst, attachments, a)
		}
		if err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// AppendValue appends v as JSON, as AppendArray does for each value.
// Common types are written directly; others through encoding/json, after
// their []byte fields, if their type has any, are taken out as
// attachments. A json.Marshaler is always asked for its own encoding.
func AppendValue(dst []byte, attachments *[][]byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return AppendString(dst, x), nil
	case []byte:
		if x == nil {
			return append(dst, "null"...), nil
		}
		n := len(*attachments)
		*attachments = append(*attachments, x)
		dst = append(dst, `{"_placeholder":true,"num":`...)
		dst = strconv.AppendInt(dst, int64(n), 10)
		return append(dst, '}'), nil
	case json.RawMessage:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return append(dst, x...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		return appendFloat(dst, x)
	case []any:
		return AppendArray(dst, attachments, x...)
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, s)
		}
		return append(dst, ']'), nil
	case map[string]any:
		return appendMap(dst, attachments, x)
	case Args:
		dst, err := x.AppendElements(append(dst, '['), attachments)
		if err != nil {
			return nil, err
		}
		return append(dst, ']'), nil
	case json.Marshaler:
		b, err := x.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return append(dst, b...), nil
	}
	rv := reflect.ValueOf(v)
	if mayHoldBytes(rv.Type()) {
		tree, err := toTree(rv)
		if err != nil {
			return nil, err
		}
		return AppendValue(dst, attachments, tree)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		// JSON.stringify writes null for these.
		return append(dst, "null"...), nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

func appendMap(dst []byte, attachments *[][]byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = AppendValue(dst, attachments, m[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, escaping as JSON.stringify
// does: quotes, backslashes and control characters. Invalid UTF-8 becomes
// U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

var bytesType = reflect.TypeFor[[]byte]()
var marshalerType = reflect.TypeFor[json.Marshaler]()

var holdsBytes sync.Map // reflect.Type -> bool

// mayHoldBytes reports whether values of type t can contain a []byte that
// encoding/json would write as base64: such values are walked to take the
// bytes out as attachments.
func mayHoldBytes(t reflect.Type) bool {
	if v, ok := holdsBytes.Load(t); ok {
		return v.(bool)
	}
	r := typeHoldsBytes(t, map[reflect.Type]bool{})
	holdsBytes.Store(t, r)
	return r
}

func typeHoldsBytes(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == bytesType {
		return true
	}
	if seen[t] || t.Implements(marshalerType) {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true // only the dynamic value can tell
	case reflect.Pointer, reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return true
		}
		return typeHoldsBytes(t.Elem(), seen)
	case reflect.Map:
		return t.Key().Kind() == reflect.String && typeHoldsBytes(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && f.Tag.Get("json") != "-" && typeHoldsBytes(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// toTree converts a value whose type may hold []byte into maps, slices
// and leaves that AppendValue writes directly, following encoding/json's
// rules for struct fields (tag names, omitempty, "-", embedded structs).
func toTree(v reflect.Value) (any, error) {
	if !v.IsValid() || !v.CanInterface() {
		return nil, nil
	}
	t := v.Type()
	if t.Implements(marshalerType) && (t.Kind() != reflect.Pointer || !v.IsNil()) {
		return v.Interface(), nil
	}
	if !typeHoldsBytes(t, map[reflect.Type]bool{}) {
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return json.RawMessage(b), nil
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return toTree(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return v.Bytes(), nil
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			e, err := toTree(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			e, err := toTree(it.Value())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = e
		}
		return out, nil
	case reflect.Struct:
		out := map[string]any{}
		if err := structFields(v, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return v.Interface(), nil
}

func structFields(v reflect.Value, out map[string]any) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				ft, fv = ft.Elem(), fv.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if err := structFields(fv, out); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "omitempty") && isEmpty(fv) {
			continue
		}
		e, err := toTree(fv)
		if err != nil {
			return err
		}
		out[name] = e
	}
	return nil
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// AppendElements appends a's elements to dst, separated by commas, each
// exactly as received: a number keeps every digit, an object its key
// order. The attachments are appended to *attachments and the
// placeholders renumbered to match. Written inside brackets, they are a's
// JSON array; after other elements, they forward a's arguments.
func (a Args) AppendElements(dst []byte, attachments *[][]byte) ([]byte, error) {
	base := len(*attachments)
	if len(a.attachments) > 0 {
		*attachments = append(*attachments, a.attachments...)
	}
	for i, raw := range a.raw {
		if i > 0 {
			dst = append(dst, ',')
		}
		if raw == nil {
			dst = append(dst, "null"...) // absent: JSON.stringify writes undefined so in an array
			continue
		}
		if len(a.attachments) == 0 || !bytes.Contains(raw, placeholderKey) {
			dst = append(dst, raw...)
			continue
		}
		var err error
		if dst, err = a.appendRenumbered(dst, raw, base); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// canonicalPlaceholder starts a placeholder as every client writes it
// (JSON.stringify of {_placeholder: true, num}). Its quotes cannot be the
// inside of a JSON string, where quotes are escaped.
var canonicalPlaceholder = []byte(`{"_placeholder":true,"num":`)

// appendRenumbered appends one element whose placeholders point at a's
// attachments, which start at base in the packet being written. Canonical
// placeholders are rewritten in place; an element with any other form is
// decoded and written anew.
func (a Args) appendRenumbered(dst []byte, raw []byte, base int) ([]byte, error) {
	start := len(dst)
	rest := raw
	for {
		i := bytes.Index(rest, canonicalPlaceholder)
		if i < 0 {
			dst = append(dst, rest...)
			break
		}
		j := i + len(canonicalPlaceholder)
		k := j
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		n, err := strconv.Atoi(string(rest[j:k]))
		if err != nil || k == len(rest) || rest[k] != '}' || n >= len(a.attachments) {
			return a.appendDecoded(dst[:start], raw, base)
		}
		dst = append(dst, rest[:j]...)
		dst = strconv.AppendInt(dst, int64(base+n), 10)
		rest = rest[k:]
	}
	if bytes.Count(raw, placeholderKey) != bytes.Count(raw, canonicalPlaceholder) {
		return a.appendDecoded(dst[:start], raw, base)
	}
	return dst, nil
}

// appendDecoded writes an element through a tree that keeps its numbers
// as they were written, its placeholders made canonical and renumbered.
func (a Args) appendDecoded(dst []byte, raw []byte, base int) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return nil, err
	}
	tree = walkPlaceholders(tree, func(num json.Number) any {
		n, err := strconv.Atoi(string(num))
		if err != nil || n < 0 || n >= len(a.attachments) {
			return nil
		}
		return json.RawMessage(append(strconv.AppendInt(slices.Clone(canonicalPlaceholder), int64(base+n), 10), '}'))
	})
	var none [][]byte // the tree holds no []byte
	return AppendValue(dst, &none, tree)
}

// Element returns argument i alone: one argument, absent (Raw is nil,
// Decode fails with ErrMissingArg) if a has no argument i.
func (a Args) Element(i int) Args {
	return Args{raw: [][]byte{a.Raw(i)}, attachments: a.attachments}
}

// JoinArgs returns the arguments of every element of list, in order, as
// one Args: each exactly as it came, absent ones still absent, binary
// attachments carried over.
func JoinArgs(list ...Args) Args {
	var out Args
	for _, a := range list {
		base := len(out.attachments)
		out.attachments = append(out.attachments, a.attachments...)
		for _, raw := range a.raw {
			if raw != nil && len(a.attachments) > 0 && bytes.Contains(raw, placeholderKey) {
				r, err := a.appendRenumbered(nil, raw, base)
				if err != nil {
					r = []byte("null") // cannot happen: raw was decoded once
				}
				raw = r
			}
			out.raw = append(out.raw, raw)
		}
	}
	return out
}
