// Package id makes the random identifiers of sessions and sockets.
package id

import (
	"crypto/rand"
	"encoding/base64"
)

// New returns 15 random bytes from the operating system's cryptographic
// source in URL-safe base64: 20 characters, like the reference's base64id.
func New() string {
	var b [15]byte
	rand.Read(b[:])
	return base64.URLEncoding.EncodeToString(b[:])
}
