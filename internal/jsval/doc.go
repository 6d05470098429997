// Package jsval writes bytes and values as JavaScript does, for the
// parts of the server that must produce byte for byte what a Node.js
// peer would: the Engine.IO v3 payloads, the msgpack parser and the
// Redis adapter's wire format.
//
//   - UTF-8 as the WHATWG decoder reads it (Node's Buffer#toString,
//     TextDecoder, browsers): each maximal subpart of an ill-formed
//     sequence becomes one U+FFFD (DecodeRune, InvalidLen, AppendValid).
//   - Strings as JSON.stringify escapes them (AppendEscaped,
//     AppendStringJSON), and as a script literal (AppendScriptEscaped).
//   - Numbers as Number#toString and JSON.stringify write them
//     (AppendNumber, AppendNumberJSON).
//   - Dates as Date#toJSON and String(date) write them (TimeClip,
//     AppendDateJSON, AppendDateString).
//
// Every function appends to dst and returns the extended slice, and
// allocates only when dst must grow. All are safe for concurrent use.
package jsval
