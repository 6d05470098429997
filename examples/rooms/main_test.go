package main

import (
	"testing"

	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// Three clients: a and b chat in "go", c is in "dnd". Each check that a
// client did not receive something is made by the next frame it receives,
// which would otherwise be the unwanted one.
func TestRooms(t *testing.T) {
	url := wsclient.URL(wsclient.Start(t, newServer()))
	a, b, c := wsclient.Dial(t, url, nil), wsclient.Dial(t, url, nil), wsclient.Dial(t, url, nil)
	aID, bID, cID := a.Connect("/", ""), b.Connect("/", ""), c.Connect("/", "")

	a.Send(`421["join","go"]`)
	a.Expect(`431[]`)
	b.Send(`421["join","go"]`)
	b.Expect(`431[]`)
	a.Expect(`42["joined","go","` + bID + `"]`) // not b itself
	c.Send(`421["join","dnd"]`)
	c.Expect(`431[]`)

	a.Send(`42["say","go","hi"]`)
	b.Expect(`42["said","go","` + aID + `","hi"]`)

	b.Send(`422["leave","go"]`)
	b.Expect(`432[]`)
	a.Expect(`42["left","go","` + bID + `"]`)
	a.Send(`42["say","go","bye"]`) // nobody else is in "go" now
	a.Send(`42["announce","news"]`)
	a.Expect(`42["announcement","news"]`) // the sender's own "said" never came
	b.Expect(`42["announcement","news"]`) // "bye" did not reach b, who left

	c.Send(`422["leave","dnd"]`)
	c.Expect(`432[]`)
	a.Send(`42["announce","again"]`)
	a.Expect(`42["announcement","again"]`)
	b.Expect(`42["announcement","again"]`)
	c.Expect(`42["announcement","again"]`) // "news" skipped c, in "dnd" then

	// A socket that disconnects leaves its rooms; the others hear of it.
	c.Send(`423["join","go"]`)
	c.Expect(`433[]`)
	a.Expect(`42["joined","go","` + cID + `"]`)
	a.Send(`41`) // a leaves "/"
	c.Expect(`42["left","go","` + aID + `"]`)
}
