package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/ab218a8d/socketio/client"
)

// The server of main.go and Go clients: /admin refuses a client without
// the token and admits one with it; /workspace-NAME namespaces keep their
// posts apart, even for a client in two of them over one connection.
func Example() {
	srv := newServer("s3cret")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	ctx := context.Background()

	// connect connects a socket, or prints why the server refused it.
	connect := func(s *client.Socket) bool {
		err := s.Connect(ctx)
		var refused *client.ConnectError // the middleware's error
		if errors.As(err, &refused) {
			fmt.Printf("%s refused: %s %s\n", s.Namespace(), refused.Message, refused.Data)
			return false
		}
		if err != nil {
			log.Fatal(err)
		}
		return true
	}

	// A client of "/", then /admin without the token, and with it.
	root, _ := client.New(ts.URL, nil)
	defer root.Close()
	connect(root)
	for _, auth := range []any{nil, map[string]string{"token": "s3cret"}} {
		admin, _ := client.New(ts.URL+"/admin", &client.Options{SocketOptions: client.SocketOptions{Auth: auth}})
		defer admin.Close()
		if connect(admin) {
			n, err := admin.EmitWithAck(ctx, "count")
			var count int
			if err == nil {
				err = n.Bind(&count)
			}
			fmt.Println("/admin: clients in /:", count, err)
		}
	}

	// Workspaces: ann in a; bob in a and b, over one connection (a Manager).
	posts := func(s *client.Socket) chan string {
		ch := make(chan string, 4)
		s.On("post", client.Typed2(func(_ *client.Event, nsp, text string) { ch <- nsp + ": " + text }))
		connect(s)
		return ch
	}
	ann, _ := client.New(ts.URL+"/workspace-a", nil)
	defer ann.Close()
	bob, _ := client.NewManager(ts.URL, nil)
	defer bob.Close()
	bobA, bobB := bob.Socket("/workspace-a", nil), bob.Socket("/workspace-b", nil)
	annHears, bobHearsA, bobHearsB := posts(ann), posts(bobA), posts(bobB)

	ann.Emit("post", "hi")
	fmt.Println("ann hears", <-annHears)
	fmt.Println("bob hears", <-bobHearsA)
	bobB.Emit("post", "yo")
	fmt.Println("bob hears", <-bobHearsB)
	ann.Emit("post", "again")
	fmt.Println("ann hears", <-annHears) // not "yo"
	fmt.Println("bob hears", <-bobHearsA)

	// Namespaces that neither Of nor OfRegexp made are refused.
	nope, _ := client.New(ts.URL+"/nope", nil)
	defer nope.Close()
	connect(nope)
	// Output:
	// /admin refused: not authorized {"need":"auth.token"}
	// /admin: clients in /: 1 <nil>
	// ann hears /workspace-a: hi
	// bob hears /workspace-a: hi
	// bob hears /workspace-b: yo
	// ann hears /workspace-a: again
	// bob hears /workspace-a: again
	// /nope refused: Invalid namespace
}
