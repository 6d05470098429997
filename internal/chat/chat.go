// Package chat is the server side of the chat demo: the events of
// cmd/chat, on a socketio.Server, and the web server of its page. cmd/chat
// runs it on one server; examples/cluster runs it on two servers of a
// cluster, next to a Node.js server that speaks the same events.
//
// Everything a client sees is cluster-wide when the server has a cluster
// adapter: broadcasts go to a room of the whole cluster, user lists and
// room counts come from FetchSockets, and a socket's nickname is its Data,
// which the other servers read. Two things are one server's own: the
// lock that orders one server's list updates (with several servers, two
// changes made at once on two of them can reach a client in either
// order), and the message ids (unique on a server, not across the
// cluster; the page does not use them).
//
// Handlers run on each connection's goroutine, as socketio runs them;
// the chat's own state is the message counter and a mutex.
package chat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ab218a8d/socketio"
)

// Limits on what a client may send.
const (
	MaxNick = 24   // runes
	MaxRoom = 32   // runes
	MaxText = 2000 // runes
)

// defaultRooms are always offered, even when empty.
var defaultRooms = []string{"general", "random", "golang"}

// roomPrefix keeps chat rooms apart from the rooms Socket.IO makes for
// each socket id, so that no one can join another socket's own room.
const roomPrefix = "room:"

func roomKey(name string) string { return roomPrefix + name }

// The events, client to server (each acknowledged with a reply):
//
//	nick  "alice"                        -> {nick} | {error}
//	join  "general"                      -> {room, users} | {error}
//	leave "general"                      -> {room} | {error}
//	msg   {room, text}                   -> {id, time} | {error}
//	typing {room, typing}                   (not acknowledged)
//
// and server to client:
//
//	rooms  [{name, users}]               the rooms on offer, on every change
//	users  {room, users: [{id, nick}]}   a room's members, on every change
//	msg    {id, room, from, fromId, text, time}
//	typing {room, id, nick, typing}
//	notice {room, text}                  "alice joined", ...

// user is what a socket's Data holds.
type user struct {
	Nick string `json:"nick"`
}

// Member is one entry of a room's user list.
type Member struct {
	ID   string `json:"id"`
	Nick string `json:"nick"`
}

// roomInfo is one entry of the room list.
type roomInfo struct {
	Name  string `json:"name"`
	Users int    `json:"users"`
}

// message is a chat message as the room's members get it.
type message struct {
	ID     uint64 `json:"id"`
	Room   string `json:"room"`
	From   string `json:"from"`
	FromID string `json:"fromId"`
	Text   string `json:"text"`
	Time   int64  `json:"time"` // Unix milliseconds
}

// Reply acknowledges a request; Error is set when it was refused.
type Reply struct {
	Error string   `json:"error,omitempty"`
	Nick  string   `json:"nick,omitempty"`
	Room  string   `json:"room,omitempty"`
	Users []Member `json:"users,omitempty"`
	ID    uint64   `json:"id,omitempty"`
	Time  int64    `json:"time,omitempty"`
}

// chat is the server side of the chat, on the main namespace of srv.
type chat struct {
	srv    *socketio.Server
	nextID atomic.Uint64

	// mu serialises the changes of nicknames and rooms with the lists they
	// send, so that every client gets the lists in the order of the
	// changes and the last one it gets is the current one.
	mu sync.Mutex
}

// New registers the chat's handlers on the main namespace of srv.
func New(srv *socketio.Server) {
	c := &chat{srv: srv}
	srv.OnConnection(c.onConnection)
}

func (c *chat) onConnection(s *socketio.Socket) {
	c.mu.Lock()
	s.Emit("rooms", c.rooms())
	c.mu.Unlock()

	s.On("nick", socketio.Typed(func(e *socketio.Event, name string) {
		nick, err := c.setNick(s, name)
		e.Ack(replyOf(Reply{Nick: nick}, err))
	}))
	s.On("join", socketio.Typed(func(e *socketio.Event, name string) {
		room, users, err := c.join(s, name)
		e.Ack(replyOf(Reply{Room: room, Users: users}, err))
	}))
	s.On("leave", socketio.Typed(func(e *socketio.Event, name string) {
		e.Ack(replyOf(Reply{Room: name}, c.leave(s, name)))
	}))
	s.On("msg", socketio.Typed(func(e *socketio.Event, in struct{ Room, Text string }) {
		m, err := c.send(s, in.Room, in.Text)
		e.Ack(replyOf(Reply{ID: m.ID, Time: m.Time}, err))
	}))
	s.On("typing", socketio.Typed(func(e *socketio.Event, in struct {
		Room   string
		Typing bool
	}) {
		c.typing(s, in.Room, in.Typing)
	}))

	// While the socket is disconnecting it is still in its rooms: note
	// them, and once it is gone tell them who is left. (A socket whose
	// queue overflows during an Emit under c.mu hears of it on another
	// goroutine, so taking c.mu here cannot deadlock.)
	var rooms []string
	s.OnDisconnecting(func(socketio.DisconnectReason, error) { rooms = chatRooms(s) })
	s.OnDisconnect(func(socketio.DisconnectReason, error) { c.gone(s, rooms) })
}

func replyOf(r Reply, err error) Reply {
	if err != nil {
		return Reply{Error: err.Error()}
	}
	return r
}

var (
	errNoNick  = errors.New("choose a nickname first")
	errNotIn   = errors.New("join the room first")
	errEmpty   = errors.New("empty message")
	errTooLong = errors.New("message too long")
)

// cleanName trims a nickname or room name and checks it: 1 to max runes,
// no control characters.
func cleanName(s string, max int, what string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("empty " + what)
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > max:
		return "", errors.New(what + " too long")
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", errors.New(what + " has control characters")
	}
	return s, nil
}

// Nick returns the socket's nickname, "" before it chose one.
func Nick(s *socketio.Socket) string {
	u, _ := s.Data().(user)
	return u.Nick
}

// chatRooms returns the chat rooms s is in, sorted.
func chatRooms(s *socketio.Socket) []string {
	var out []string
	for _, r := range s.Rooms() {
		if name, ok := strings.CutPrefix(r, roomPrefix); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func (c *chat) setNick(s *socketio.Socket, name string) (string, error) {
	nick, err := cleanName(name, MaxNick, "nickname")
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := Nick(s)
	s.SetData(user{Nick: nick})
	if old != "" && old != nick {
		for _, r := range chatRooms(s) {
			c.notice(s, r, old+" is now "+nick)
			c.sendUsers(r)
		}
	}
	return nick, nil
}

func (c *chat) join(s *socketio.Socket, name string) (string, []Member, error) {
	room, err := cleanName(name, MaxRoom, "room name")
	if err != nil {
		return "", nil, err
	}
	nick := Nick(s)
	if nick == "" {
		return "", nil, errNoNick
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(chatRooms(s), room) {
		s.Join(roomKey(room))
		c.notice(s, room, nick+" joined")
		c.sendUsers(room)
		c.sendRooms()
	}
	return room, c.users(room), nil
}

func (c *chat) leave(s *socketio.Socket, room string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(chatRooms(s), room) {
		return nil
	}
	s.Leave(roomKey(room))
	c.notice(s, room, Nick(s)+" left")
	c.sendUsers(room)
	c.sendRooms()
	return nil
}

// gone tells the rooms a disconnected socket was in that it left.
func (c *chat) gone(s *socketio.Socket, rooms []string) {
	if len(rooms) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range rooms {
		c.notice(s, r, Nick(s)+" left")
		c.sendUsers(r)
	}
	c.sendRooms()
}

// send relays a message to the other members of room.
func (c *chat) send(s *socketio.Socket, room, text string) (message, error) {
	nick := Nick(s)
	text = strings.TrimSpace(text)
	switch {
	case nick == "":
		return message{}, errNoNick
	case !slices.Contains(chatRooms(s), room):
		return message{}, errNotIn
	case text == "":
		return message{}, errEmpty
	case utf8.RuneCountInString(text) > MaxText:
		return message{}, errTooLong
	}
	m := message{
		ID: c.nextID.Add(1), Room: room, From: nick, FromID: s.ID(), Text: text,
		Time: time.Now().UnixMilli(),
	}
	if err := s.To(roomKey(room)).Emit("msg", m); err != nil {
		return message{}, err
	}
	return m, nil
}

// typing tells the other members of room that s started or stopped typing.
// Not volatile: a volatile packet is dropped whenever a write to that client
// is under way, and a lost "stopped typing" would leave the indicator on.
func (c *chat) typing(s *socketio.Socket, room string, typing bool) {
	nick := Nick(s)
	if nick == "" || !slices.Contains(chatRooms(s), room) {
		return
	}
	s.To(roomKey(room)).Emit("typing", map[string]any{
		"room": room, "id": s.ID(), "nick": nick, "typing": typing,
	})
}

// notice tells the members of room other than s what happened.
func (c *chat) notice(s *socketio.Socket, room, text string) {
	c.srv.To(roomKey(room)).Except(s.ID()).Emit("notice", map[string]string{"room": room, "text": text})
}

// sendUsers sends room's user list to its members. c.mu is held.
func (c *chat) sendUsers(room string) {
	c.srv.To(roomKey(room)).Emit("users", map[string]any{"room": room, "users": c.users(room)})
}

// sendRooms sends the room list to everyone. c.mu is held.
func (c *chat) sendRooms() { c.srv.Emit("rooms", c.rooms()) }

// users returns the members of room who chose a nickname, by nickname.
func (c *chat) users(room string) []Member {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sockets, err := c.srv.In(roomKey(room)).FetchSockets(ctx)
	if err != nil {
		return nil
	}
	out := make([]Member, 0, len(sockets))
	for _, rs := range sockets {
		var u user
		if json.Unmarshal(rs.Data, &u) == nil && u.Nick != "" {
			out = append(out, Member{ID: rs.ID, Nick: u.Nick})
		}
	}
	slices.SortFunc(out, func(a, b Member) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Nick), strings.ToLower(b.Nick)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// rooms returns the default rooms and the rooms someone is in, with how
// many are in each: the defaults first, then by name.
func (c *chat) rooms() []roomInfo {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := make(map[string]int)
	if sockets, err := c.srv.FetchSockets(ctx); err == nil {
		for _, rs := range sockets {
			for _, r := range rs.Rooms {
				if name, ok := strings.CutPrefix(r, roomPrefix); ok {
					counts[name]++
				}
			}
		}
	}
	out := make([]roomInfo, 0, len(defaultRooms)+len(counts))
	for _, name := range defaultRooms {
		out = append(out, roomInfo{Name: name, Users: counts[name]})
		delete(counts, name)
	}
	var others []roomInfo
	for name, n := range counts {
		others = append(others, roomInfo{Name: name, Users: n})
	}
	slices.SortFunc(others, func(a, b roomInfo) int { return cmp.Compare(a.Name, b.Name) })
	return append(out, others...)
}
