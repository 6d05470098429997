package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestUpload(t *testing.T) {
	c := wsclient.Dial(t, wsclient.URL(wsclient.Start(t, newServer())), nil)
	c.Connect("/", "")

	data := make([]byte, 1000) // every byte value, not valid UTF-8
	for i := range data {
		data[i] = byte(i * 7)
	}
	sum := sha256.Sum256(data)
	// A BINARY_EVENT with one attachment and ack id 1, then the attachment.
	c.Send(`451-1["upload","b.bin",{"_placeholder":true,"num":0}]`)
	c.SendBinary(data)
	c.Expect(`431[1000,"` + hex.EncodeToString(sum[:]) + `"]`)

	// A digest to compare with a known one: sha256("hello").
	c.Send(`451-2["upload","hi.txt",{"_placeholder":true,"num":0}]`)
	c.SendBinary([]byte("hello"))
	c.Expect(`432[5,"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"]`)
}

func TestDownload(t *testing.T) {
	c := wsclient.Dial(t, wsclient.URL(wsclient.Start(t, newServer())), nil)
	c.Connect("/", "")
	for _, size := range []int{3, 300} {
		c.Send(`42["download",` + strconv.Itoa(size) + `]`)
		// A BINARY_EVENT with one attachment: the struct's []byte field.
		got := c.Read()
		var event []any
		want := []any{"file", map[string]any{"name": "bytes.bin", "data": map[string]any{"_placeholder": true, "num": 0.0}}}
		if !strings.HasPrefix(got, "451-") || json.Unmarshal([]byte(got[4:]), &event) != nil || !reflect.DeepEqual(event, want) {
			t.Fatalf("got %s, want 451-%v", got, want)
		}
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i)
		}
		if got := c.ReadBinary(); !bytes.Equal(got, data) {
			t.Fatalf("attachment = %v, want %v", got, data)
		}
	}
}
