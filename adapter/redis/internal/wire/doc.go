// Package wire converts a Socket.IO packet's data between the JSON text
// the server holds it in and the msgpack that @socket.io/redis-adapter
// 8.3.0 and @socket.io/redis-emitter 5.1.0 publish, which notepack.io
// 3.0.1 writes and reads.
//
// The server holds data as JSON text, [event, ...args], with each binary
// attachment replaced by {"_placeholder":true,"num":N} and the
// attachments apart. A Node server holds JavaScript values, and so the
// conversions are defined through what Node does:
//
//   - AppendJSON gives the bytes of JSON.parse, then socket.io-parser's
//     reconstruction of the Buffers, then notepack.encode.
//   - AppendMsgpackAsJSON gives the text of notepack.decode, then
//     socket.io-parser's deconstruction of binary values, then
//     JSON.stringify.
//
// The test vectors in testdata/notepack.json come from the real
// notepack.io (testdata/gen/gen.js); the tests hold both directions to
// them byte for byte and character for character.
//
// The envelopes around the data, [uid, packet, opts] for a broadcast and
// {uid, requestId, type, packet, opts} for a request, are read with
// ReadArrayHeader, ReadMapHeader, ReadString, ReadInt and Skip, and
// written with AppendArrayHeader, AppendMapHeader, AppendString,
// AppendInt and AppendBool; none of them allocates.
//
// # What notepack does, and this package with it
//
// Numbers. JSON.parse reads a number as the nearest double. notepack
// writes a finite integer in the smallest format: positive fixint, uint
// 8, 16 or 32 when it is not negative (-0 included), negative fixint, int
// 8, 16 or 32 when it is; beyond 32 bits, uint 64 or int 64, of the value
// modulo 2^64 (notepack's 32-bit halves wrap, so 2^64 is written as 0 and
// 1e20 as 1e20 mod 2^64). Anything else is a float 64: fractions, and the
// infinities JSON.parse makes of 1e400. Decoding, an integer is exact up
// to 2^53 and the nearest double beyond; a float 32 is widened; numbers
// are written as Number#toString writes them (shortest round trip, 1e21
// and 1e-7 in exponent form), NaN and the infinities as null.
//
// Strings. A str by its length in UTF-8. Bytes that are not UTF-8, in
// JSON text or in a msgpack str, become U+FFFD, one for each maximal
// ill-formed subsequence, as Node's Buffer#toString replaces them.
// Escapes are written as JSON.stringify writes them: \" \\ \b \f \n \r
// \t, \u00xx for other control characters, everything else as is.
//
// Objects. JavaScript decides the order of an object's keys, both in the
// object JSON.parse builds and in the one notepack decodes: array indices
// ("0" to "4294967294") first in numeric order, then the others as first
// written; a key written twice keeps its first place and its last value.
// A decoded key that is not a string is String(key): numbers as
// Number#toString, null, true, undefined by name, arrays joined with
// commas, maps "[object Object]", a bin its UTF-8 text, a Date as
// Date#toString in UTC. A decoded "__proto__" key sets the object's
// prototype and never appears; a decoded undefined value leaves its key
// out.
//
// Binary values. A bin becomes a placeholder and an attachment, and an
// attachment a bin (8, 16 or 32); without attachments, an object shaped
// like a placeholder is an object, as socket.io-parser leaves it in a
// packet that carries none. The ext types decode as notepack 3.0.1
// decodes them: type -1 is a timestamp (32, 64 or 96), a Date, written
// as its ISO string or null when out of range; fixext 1 of type 0 is the
// legacy undefined (null in an array); fixext 8 of type 0 the legacy
// Date; ext 8, 16 and 32 of type 0 an ArrayBuffer, binary like a bin;
// any other ext the pair [type, Buffer].
//
// # Where it differs
//
//   - A lone surrogate escape (\ud800 without its pair) is written as
//     U+FFFD, as notepack writes it in a string of more than 32 UTF-16
//     units; in shorter strings notepack writes it as the first half of a
//     pair, taking the next unit as the second, and may leave a byte of
//     its buffer unwritten when the two paths disagree on the length.
//   - A timestamp 96 (ext 8 of type -1) whose length is not 12 is an
//     error; notepack reads 12 bytes anyway and loses its place.
//   - undefined at the top is written null; JSON.stringify gives no text.
//   - A placeholder's num must be an integer; socket.io-parser takes any
//     number in range and makes undefined of a fraction.
//   - A "__proto__" key is dropped whatever its value; with a Date or a
//     Buffer there, Node's JSON.stringify would throw or write the
//     Buffer's fields.
//   - Arrays and maps nest at most MaxDepth deep (ErrTooDeep).
//   - notepack.decode refuses bytes after the value; AppendMsgpackAsJSON
//     returns them, and the caller decides.
//
// # Limits
//
// Nothing here panics on any input (FuzzMsgpackAsJSON, FuzzJSON). Every
// length and count read from msgpack is checked against the bytes at
// hand before anything is sized from it; text that is not JSON is
// ErrSyntax; msgpack that is cut short or malformed, ErrMsgpack. On an
// error the buffers passed in come back at their lengths on entry.
//
// Objects of up to 32 keys, all distinct, none an array index, are
// converted in one pass with their bookkeeping on the stack. Others take
// a slow path that allocates in proportion to the input: at worst, for
// a map of 65535 pairs of two bytes each, 44 bytes per input byte
// decoding, and 22 encoding its JSON (TestSlowPathMemory).
//
// # Cost
//
// For {"type":2,"data":["chat message",{"text":"hello","n":42}],"nsp":"/"}
// with a reused dst, on one core of the development machine (a shared
// 2-vCPU VM; medians of 10 runs): AppendJSON 139 ns, AppendMsgpackAsJSON
// 133 ns, 0 B and 0 allocations each (BenchmarkAppendJSON,
// BenchmarkAppendMsgpackAsJSON; TestNoAllocs keeps it so).
//
// # Dependencies
//
// github.com/tinylib/msgp writes the heads, integers, floats and bins; it
// does not allocate when dst has room. The conversions are written here:
// no library gives notepack's and JavaScript's answers (placeholders,
// key order, String(key), the ext types), and the nearest, msgp's
// UnmarshalAsJSON (bins as base64, keys as they come), takes 227 ns and 1
// allocation for the packet above. Reading is done here too: notepack's
// ext types need their own reading, and msgp's readers trust a claimed
// count until the bytes run out, where readHead checks it first.
//
// Everything in the package is safe for concurrent use.
package wire
