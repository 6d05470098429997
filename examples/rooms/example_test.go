package main

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/ab218a8d/socketio/client"
)

// The server of main.go and three Go clients, ann, bob and cid, in one
// program: what each hears, in order. A client that must not hear
// something is proven not to by the next thing it hears.
func Example() {
	srv := newServer()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	// Each client passes what it hears to main, which prints it with the
	// socket ids (random) replaced by names.
	type user struct {
		*client.Socket
		name  string
		heard chan string
	}
	var users []*user
	var names []string // id, name, id, name...
	for _, name := range []string{"ann", "bob", "cid"} {
		s, err := client.New(ts.URL, nil)
		if err != nil {
			log.Fatal(err)
		}
		defer s.Close()
		u := &user{s, name, make(chan string, 8)}
		s.OnAny(func(event string, args client.Args) {
			values, _ := args.Values()
			u.heard <- fmt.Sprintf("%s %v", event, values)
		})
		if err := s.Connect(context.Background()); err != nil {
			log.Fatal(err)
		}
		users = append(users, u)
		names = append(names, s.ID(), name)
	}
	ann, bob, cid := users[0], users[1], users[2]
	ids := strings.NewReplacer(names...)
	hears := func(u *user) { fmt.Println(u.name, "hears", ids.Replace(<-u.heard)) }
	// emitWait emits and waits for the server's acknowledgement: join and
	// leave are done when it comes.
	emitWait := func(u *user, event string, args ...any) {
		if _, err := u.EmitWithAck(context.Background(), event, args...); err != nil {
			log.Fatal(err)
		}
	}

	emitWait(ann, "join", "go")
	emitWait(bob, "join", "go")
	hears(ann) // not bob, who joined
	emitWait(cid, "join", "dnd")

	ann.Emit("say", "go", "hi")
	hears(bob)

	emitWait(bob, "leave", "go")
	hears(ann)
	ann.Emit("say", "go", "bye") // nobody else is in "go" now
	ann.Emit("announce", "news")
	hears(ann) // not its own "bye"
	hears(bob) // not "bye": bob left "go"

	emitWait(cid, "leave", "dnd")
	ann.Emit("announce", "again")
	hears(ann)
	hears(bob)
	hears(cid) // not "news": cid was in "dnd" then

	// A socket that disconnects leaves its rooms; the others hear of it.
	emitWait(cid, "join", "go")
	hears(ann)
	ann.Close()
	hears(cid)
	// Output:
	// ann hears joined [go bob]
	// bob hears said [go ann hi]
	// ann hears left [go bob]
	// ann hears announcement [news]
	// bob hears announcement [news]
	// ann hears announcement [again]
	// bob hears announcement [again]
	// cid hears announcement [again]
	// ann hears joined [go cid]
	// cid hears left [go ann]
}
