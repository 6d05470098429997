package wire

import (
	"errors"
	"fmt"
)

// Errors, matchable with errors.Is; the returned errors wrap them with
// where and why.
var (
	// ErrMsgpack reports msgpack that notepack.io could not decode, or
	// that claims more bytes than it has.
	ErrMsgpack = errors.New("wire: malformed msgpack")
	// ErrSyntax reports text that JSON.parse would reject.
	ErrSyntax = errors.New("wire: invalid JSON")
	// ErrTooDeep reports arrays and maps nested more than MaxDepth deep.
	ErrTooDeep = errors.New("wire: nesting too deep")
	// ErrAttachment reports a placeholder that names no attachment, or a
	// binary value where no attachments may be collected.
	ErrAttachment = errors.New("wire: placeholder without its attachment")
)

// MaxDepth is how deeply arrays and maps may nest, in either direction. A
// value that is not a container is at depth 0; an array of them, 1.
const MaxDepth = 128

func msgpackError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMsgpack}, args...)...)
}

func syntaxError(what string, at int) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, at)
}

var errTooDeep = fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
