package main

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/ab218a8d/socketio/client"
)

// The server of main.go and two Go clients: ann answers the server's
// questions, bob does not, and the server's wait for him times out.
func Example() {
	srv := newServer(500 * time.Millisecond) // how long the server waits for an answer
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	ctx := context.Background()

	// dial connects a client that passes what it hears to heard, and
	// answers the server's questions if answer is set.
	dial := func(name string, answer bool) (s *client.Socket, heard chan string) {
		s, err := client.New(ts.URL, nil)
		if err != nil {
			log.Fatal(err)
		}
		heard = make(chan string, 2)
		if answer {
			s.On("name?", func(e *client.Event) { e.Ack(name) }) // the server's EmitWithAck gets it
			s.On("question", client.Typed(func(e *client.Event, q string) {
				heard <- "question " + q
				e.Ack(4)
			}))
		}
		s.On("welcome", client.Typed(func(_ *client.Event, who string) { heard <- "welcome " + who }))
		s.On("verdict", client.Typed(func(_ *client.Event, ok bool) { heard <- fmt.Sprint("verdict ", ok) }))
		if err := s.Connect(ctx); err != nil {
			log.Fatal(err)
		}
		return s, heard
	}

	ann, heard := dial("Ann", true)
	defer ann.Close()
	fmt.Println("ann:", <-heard)
	sum, err := ann.EmitWithAck(ctx, "add", 1, 2) // the server's e.Ack answers
	fmt.Println("ann: 1+2 =", values(sum), err)
	sum, err = ann.EmitWithAck(ctx, "add", "x")
	fmt.Println("ann: x+? =", values(sum), err)
	ann.Emit("quiz") // the server asks with an AckHandler
	fmt.Println("ann:", <-heard)
	fmt.Println("ann:", <-heard)

	bob, heard := dial("Bob", false)
	defer bob.Close()
	fmt.Println("bob:", <-heard) // after 500 ms
	bob.Emit("quiz")
	fmt.Println("bob:", <-heard) // after 500 ms
	// Output:
	// ann: welcome Ann
	// ann: 1+2 = [3] <nil>
	// ann: x+? = [<nil> add takes two numbers] <nil>
	// ann: question 2+2?
	// ann: verdict true
	// bob: welcome stranger
	// bob: verdict false
}

// values returns an acknowledgement's arguments as Go values.
func values(args client.Args) []any {
	v, _ := args.Values()
	return v
}
