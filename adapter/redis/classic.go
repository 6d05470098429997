package redis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/adapter/redis/internal/wire"
	"github.com/ab218a8d/socketio/parser"
)

// The request types of @socket.io/redis-adapter's classic format
// (RequestType in lib/index.ts; the emitter's are the same).
const (
	reqSockets          = 0 // legacy, not sent since 7.0
	reqAllRooms         = 1
	reqRemoteJoin       = 2
	reqRemoteLeave      = 3
	reqRemoteDisconnect = 4
	reqRemoteFetch      = 5
	reqServerSideEmit   = 6
	reqBroadcast        = 7
	reqClientCount      = 8
	reqBroadcastAck     = 9
)

// classic is the wire format of one namespace's adapter in the classic
// mode of @socket.io/redis-adapter 8.3 (createAdapter):
//
//	a broadcast        PUBLISH key#nsp# (or key#nsp#room# for one room)
//	                   msgpack [uid, {type:2, data, nsp}, {rooms, except, flags}]
//	a request          PUBLISH key-request#nsp#, JSON {uid, type, ...}
//	                   (msgpack for a broadcast with acks)
//	a response         PUBLISH key-response#nsp# (or ...#<uid># when the
//	                   requester asked for a specific channel), JSON
//	                   {requestId, ...} (msgpack for a broadcast's ack)
//
// A request or response that carries binary is sent as msgpack rather
// than JSON, so that the binary stays binary: the reference reads either,
// by the first byte.
type classic struct {
	uid       string
	nsp       string
	prefix    string // key#nsp#, the broadcast channels' prefix
	request   string // key-request#nsp#
	response  string // key-response#nsp#
	specific  bool   // responses on response+<requester uid>+#
	ownSubset string // response+uid+#, where this server's responses come
	// emitter writes as @socket.io/redis-emitter 5.1 does where it differs
	// from the adapter: requests of types 2 to 4 without a uid.
	emitter bool
}

func newClassic(key, nsp, uid string, specific bool) *classic {
	c := &classic{
		uid:      uid,
		nsp:      nsp,
		prefix:   key + "#" + nsp + "#",
		request:  key + "-request#" + nsp + "#",
		response: key + "-response#" + nsp + "#",
		specific: specific,
	}
	c.ownSubset = c.response + uid + "#"
	return c
}

// errBadMessage wraps what makes a received message unusable.
var errBadMessage = errors.New("redis adapter: bad message")

func badMessage(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadMessage, fmt.Sprintf(format, args...))
}

// encode appends m's payload to dst and returns the channel to publish it
// on. to is the requester's uid, for a response.
func (c *classic) encode(dst []byte, m *adapter.Message, to string) (channel string, out []byte, err error) {
	jp := bufPool.Get().(*[]byte)
	js := (*jp)[:0] // the message as JSON, converted when it goes as msgpack
	defer func() { *jp = js[:0]; bufPool.Put(jp) }()
	var atts [][]byte
	msgpack := false
	switch m.Type {
	case adapter.Broadcast:
		if m.Packet == nil {
			return "", dst, errors.New("redis adapter: a broadcast without a packet")
		}
		atts = m.Packet.Attachments
		if m.RequestID == "" {
			channel = c.broadcastChannel(m.Opts.Rooms)
			js = append(js, '[')
			js = parser.AppendString(js, c.uid)
			js = append(js, ',')
			js = c.appendPacket(js, m.Packet)
			js = append(js, ',')
			js = appendOpts(js, m.Opts, true)
			js = append(js, ']')
			out, err = wire.AppendJSON(dst, js, atts)
			return channel, out, err
		}
		channel, msgpack = c.request, true
		js = c.appendHead(js, m.RequestID, reqBroadcast)
		js = append(js, `,"packet":`...)
		js = c.appendPacket(js, m.Packet)
		js = append(js, `,"opts":`...)
		js = appendOpts(js, m.Opts, true)
		js = append(js, '}')
	case adapter.SocketsJoin, adapter.SocketsLeave:
		typ := reqRemoteJoin
		if m.Type == adapter.SocketsLeave {
			typ = reqRemoteLeave
		}
		channel = c.request
		js = c.appendHead(js, "", typ)
		js = append(js, `,"opts":`...)
		js = appendOpts(js, m.Opts, false)
		js = append(js, `,"rooms":`...)
		js = appendStrings(js, m.Rooms)
		js = append(js, '}')
	case adapter.DisconnectSockets:
		channel = c.request
		js = c.appendHead(js, "", reqRemoteDisconnect)
		js = append(js, `,"opts":`...)
		js = appendOpts(js, m.Opts, false)
		js = append(js, `,"close":`...)
		js = strconv.AppendBool(js, m.Close)
		js = append(js, '}')
	case adapter.FetchSockets:
		channel = c.request
		js = c.appendHead(js, m.RequestID, reqRemoteFetch)
		js = append(js, `,"opts":`...)
		js = appendOpts(js, m.Opts, false)
		js = append(js, '}')
	case adapter.ServerSideEmit:
		channel = c.request
		js = c.appendHead(js, m.RequestID, reqServerSideEmit)
		js = append(js, `,"data":[`...)
		js = parser.AppendString(js, m.Event)
		if m.Args.Len() > 0 {
			js = append(js, ',')
			if js, err = m.Args.AppendElements(js, &atts); err != nil {
				return "", dst, err
			}
		}
		js = append(js, "]}"...)
	case adapter.FetchSocketsResponse:
		channel = c.responseTo(to)
		js = append(js, `{"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		js = append(js, `,"sockets":`...)
		js = appendSockets(js, m.Sockets)
		js = append(js, '}')
	case adapter.ServerSideEmitResponse:
		// Always on the shared channel, as the reference answers.
		channel = c.response
		js = append(js, `{"type":6,"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		if js, atts, err = appendFirst(js, `,"data":`, m.Args); err != nil {
			return "", dst, err
		}
		js = append(js, '}')
	case adapter.BroadcastClientCount:
		channel = c.responseTo(to)
		js = append(js, `{"type":8,"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		js = append(js, `,"clientCount":`...)
		js = strconv.AppendInt(js, int64(m.ClientCount), 10)
		js = append(js, '}')
	case adapter.BroadcastAck:
		channel, msgpack = c.responseTo(to), true
		js = append(js, `{"type":9,"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		if js, atts, err = appendFirst(js, `,"packet":`, m.Args); err != nil {
			return "", dst, err
		}
		js = append(js, '}')
	default:
		// Heartbeats and the like: the classic format counts servers with
		// PUBSUB NUMSUB and has none.
		return "", dst, nil
	}
	if msgpack || len(atts) > 0 {
		out, err = wire.AppendJSON(dst, js, atts)
		return channel, out, err
	}
	return channel, append(dst, js...), nil
}

// broadcastChannel is where a broadcast to rooms goes: key#nsp#room# for
// exactly one room, key#nsp# otherwise.
func (c *classic) broadcastChannel(rooms []string) string {
	if len(rooms) == 1 {
		return c.prefix + rooms[0] + "#"
	}
	return c.prefix
}

// encodeEmit appends an emitter's broadcast to dst, as
// @socket.io/redis-emitter 5.1 writes it: the adapter's
// [uid, packet, opts], but with opts {rooms, flags, except}, in that
// order, and flags (a JSON object) as the emitter set them. It returns the
// channel to publish it on.
func (c *classic) encodeEmit(dst []byte, p *parser.Packet, rooms, except []string, flags []byte) (channel string, out []byte, err error) {
	js := make([]byte, 0, len(c.uid)+len(c.nsp)+len(p.Data)+len(flags)+64)
	js = append(js, '[')
	js = parser.AppendString(js, c.uid)
	js = append(js, ',')
	js = c.appendPacket(js, p)
	js = append(js, `,{"rooms":`...)
	js = appendStrings(js, rooms)
	js = append(js, `,"flags":`...)
	js = append(js, flags...)
	js = append(js, `,"except":`...)
	js = appendStrings(js, except)
	js = append(js, "}]"...)
	out, err = wire.AppendJSON(dst, js, p.Attachments)
	return c.broadcastChannel(rooms), out, err
}

func (c *classic) responseTo(uid string) string {
	if c.specific && uid != "" {
		return c.response + uid + "#"
	}
	return c.response
}

// appendHead appends {"uid":...,["requestId":...,]"type":N; an emitter's
// REMOTE_JOIN, REMOTE_LEAVE and REMOTE_DISCONNECT have no uid.
func (c *classic) appendHead(js []byte, requestID string, typ int) []byte {
	js = append(js, '{')
	if !c.emitter || typ < reqRemoteJoin || typ > reqRemoteDisconnect {
		js = append(js, `"uid":`...)
		js = parser.AppendString(js, c.uid)
		js = append(js, ',')
	}
	if requestID != "" {
		js = append(js, `"requestId":`...)
		js = parser.AppendString(js, requestID)
		js = append(js, ',')
	}
	js = append(js, `"type":`...)
	return strconv.AppendInt(js, int64(typ), 10)
}

// appendPacket appends the packet object {type:2, data, nsp} the
// reference publishes.
func (c *classic) appendPacket(js []byte, p *parser.Packet) []byte {
	js = append(js, `{"type":2,"data":`...)
	js = appendRaw(js, p.Data, "[]")
	js = append(js, `,"nsp":`...)
	js = parser.AppendString(js, c.nsp)
	return append(js, '}')
}

// appendOpts appends {rooms, except[, flags]} as the reference writes
// BroadcastOptions: flags only when set.
func appendOpts(js []byte, o adapter.BroadcastOptions, flags bool) []byte {
	js = append(js, `{"rooms":`...)
	js = appendStrings(js, o.Rooms)
	js = append(js, `,"except":`...)
	js = appendStrings(js, o.Except)
	if !flags {
		return append(js, '}')
	}
	js = append(js, `,"flags":{`...)
	sep := ""
	if o.Flags.Volatile {
		js = append(js, `"volatile":true`...)
		sep = ","
	}
	if o.Flags.NoCompress {
		js = append(js, sep...)
		js = append(js, `"compress":false`...)
		sep = ","
	}
	if o.Flags.Local {
		js = append(js, sep...)
		js = append(js, `"local":true`...)
		sep = ","
	}
	if o.Flags.Timeout > 0 {
		js = append(js, sep...)
		js = append(js, `"timeout":`...)
		js = strconv.AppendInt(js, o.Flags.Timeout.Milliseconds(), 10)
	}
	return append(js, "}}"...)
}

func appendStrings(js []byte, ss []string) []byte {
	js = append(js, '[')
	for i, s := range ss {
		if i > 0 {
			js = append(js, ',')
		}
		js = parser.AppendString(js, s)
	}
	return append(js, ']')
}

func appendRaw(js, raw []byte, empty string) []byte {
	if len(raw) == 0 {
		return append(js, empty...)
	}
	return append(js, raw...)
}

// appendFirst appends key and the first element of args, if it has one:
// an answer's one value. Without one the key is left out, as
// JSON.stringify leaves out an undefined value.
func appendFirst(js []byte, key string, args parser.Args) ([]byte, [][]byte, error) {
	if args.Len() == 0 {
		return js, nil, nil
	}
	var atts [][]byte
	js = append(js, key...)
	js, err := args.Element(0).AppendElements(js, &atts)
	return js, atts, err
}

// wireOpts is BroadcastOptions as the reference writes them.
type wireOpts struct {
	Rooms  roomList `json:"rooms"`
	Except roomList `json:"except"`
	Flags  struct {
		Volatile bool     `json:"volatile"`
		Compress *bool    `json:"compress"`
		Local    bool     `json:"local"`
		Timeout  *float64 `json:"timeout"`
	} `json:"flags"`
}

func (o *wireOpts) options() adapter.BroadcastOptions {
	out := adapter.BroadcastOptions{Rooms: o.Rooms, Except: o.Except}
	out.Flags.Volatile = o.Flags.Volatile
	out.Flags.NoCompress = o.Flags.Compress != nil && !*o.Flags.Compress
	out.Flags.Local = o.Flags.Local
	if t := o.Flags.Timeout; t != nil && *t > 0 && *t < 1e12 {
		out.Flags.Timeout = time.Duration(*t * float64(time.Millisecond))
	}
	return out
}

// roomList is a list of rooms: the reference allows numbers as rooms,
// which are the rooms named by their text.
type roomList []string

func (r *roomList) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("a room that is neither a string nor a number: %s", v)
		}
		out = append(out, n.String())
	}
	*r = out
	return nil
}

// wirePacket is the packet object of a broadcast.
type wirePacket struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
	Nsp  *string         `json:"nsp"`
}

// toJSON returns a request's or response's payload as JSON: as it is when
// it is JSON, converted when it is msgpack (the binary in it taken out as
// attachments, which alias payload).
func toJSON(payload []byte) ([]byte, [][]byte, error) {
	if len(payload) > 0 && payload[0] == '{' {
		return payload, nil, nil
	}
	var atts [][]byte
	js, rest, err := wire.AppendMsgpackAsJSON(nil, payload, &atts)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errBadMessage, err)
	}
	if len(rest) > 0 {
		return nil, nil, badMessage("%d bytes after the message", len(rest))
	}
	return js, atts, nil
}

// fromSelf reports whether payload is a broadcast of this server's own,
// [uid, ...] with its uid, without decoding the rest.
func (c *classic) fromSelf(payload []byte) bool {
	n, rest, err := wire.ReadArrayHeader(payload)
	if err != nil || n == 0 {
		return false
	}
	uid, _, err := wire.ReadString(rest)
	return err == nil && string(uid) == c.uid
}

// decodeBroadcast decodes what arrived on a broadcast channel:
// [uid, packet, opts]. It returns nil for a broadcast of another
// namespace.
func (c *classic) decodeBroadcast(payload []byte) (*adapter.Message, error) {
	if m, ok := c.decodeBroadcastFast(payload); ok {
		return m, nil
	}
	return c.decodeBroadcastJSON(payload)
}

// decodeBroadcastFast decodes the usual broadcast, as the reference
// writes it ([uid, {type, data, nsp}, {rooms, except, flags: {}}], UTF-8
// strings), straight from the msgpack: only the data becomes JSON. It
// reports false for anything else, which decodeBroadcastJSON decodes, or
// refuses, with the same result.
func (c *classic) decodeBroadcastFast(payload []byte) (*adapter.Message, bool) {
	n, rest, err := wire.ReadArrayHeader(payload)
	if err != nil || n != 3 {
		return nil, false
	}
	uid, rest, err := wire.ReadString(rest)
	if err != nil || !utf8.Valid(uid) {
		return nil, false
	}
	fields, rest, err := wire.ReadMapHeader(rest)
	if err != nil {
		return nil, false
	}
	typ := int64(-1)
	var data, nsp []byte
	var atts [][]byte
	var seen [3]bool
	for range fields {
		var k []byte
		if k, rest, err = wire.ReadString(rest); err != nil {
			return nil, false
		}
		var i int
		switch string(k) {
		case "type":
			i = 0
			typ, rest, err = wire.ReadInt(rest)
		case "data":
			i = 1
			data, rest, err = wire.AppendMsgpackAsJSON(nil, rest, &atts)
		case "nsp":
			i = 2
			if nsp, rest, err = wire.ReadString(rest); err == nil && !utf8.Valid(nsp) {
				return nil, false
			}
		default:
			return nil, false
		}
		if err != nil || seen[i] {
			return nil, false
		}
		seen[i] = true
	}
	var opts adapter.BroadcastOptions
	if fields, rest, err = wire.ReadMapHeader(rest); err != nil {
		return nil, false
	}
	for range fields {
		var k []byte
		if k, rest, err = wire.ReadString(rest); err != nil {
			return nil, false
		}
		var ok bool
		switch string(k) {
		case "rooms":
			opts.Rooms, rest, ok = readStrings(rest)
		case "except":
			opts.Except, rest, ok = readStrings(rest)
		case "flags":
			var n int
			n, rest, err = wire.ReadMapHeader(rest)
			ok = err == nil && n == 0
		}
		if !ok {
			return nil, false
		}
	}
	if len(rest) > 0 {
		return nil, false
	}
	if seen[2] && string(nsp) != c.nsp || !seen[2] && c.nsp != "/" {
		return nil, true // another namespace's
	}
	if typ != int64(parser.Event) && typ != int64(parser.BinaryEvent) || !isEvent(data) {
		return nil, false
	}
	return &adapter.Message{
		Type:      adapter.Broadcast,
		UID:       string(uid),
		Namespace: c.nsp,
		Opts:      opts,
		Packet:    &parser.Packet{Type: parser.Event, Namespace: c.nsp, Data: data, Attachments: atts},
	}, true
}

// readStrings reads an array of UTF-8 strs.
func readStrings(b []byte) ([]string, []byte, bool) {
	n, rest, err := wire.ReadArrayHeader(b)
	if err != nil {
		return nil, b, false
	}
	out := make([]string, 0, n)
	for range n {
		var s []byte
		if s, rest, err = wire.ReadString(rest); err != nil || !utf8.Valid(s) {
			return nil, b, false
		}
		out = append(out, string(s))
	}
	return out, rest, true
}

// decodeBroadcastJSON decodes any broadcast, through JSON.
func (c *classic) decodeBroadcastJSON(payload []byte) (*adapter.Message, error) {
	var atts [][]byte
	js, rest, err := wire.AppendMsgpackAsJSON(nil, payload, &atts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadMessage, err)
	}
	if len(rest) > 0 {
		return nil, badMessage("%d bytes after the broadcast", len(rest))
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(js, &parts); err != nil || len(parts) < 2 {
		return nil, badMessage("a broadcast that is not [uid, packet, opts]")
	}
	var uid string
	var pkt wirePacket
	var opts wireOpts
	if err := json.Unmarshal(parts[0], &uid); err != nil {
		return nil, badMessage("a broadcast's uid: %s", jsonError(err))
	}
	if err := json.Unmarshal(parts[1], &pkt); err != nil {
		return nil, badMessage("a broadcast's packet: %s", jsonError(err))
	}
	if len(parts) > 2 && string(parts[2]) != "null" {
		if err := json.Unmarshal(parts[2], &opts); err != nil {
			return nil, badMessage("a broadcast's options: %s", jsonError(err))
		}
	}
	m := &adapter.Message{Type: adapter.Broadcast, UID: uid, Opts: opts.options()}
	if m.Packet, err = eventPacket(c.nsp, &pkt, atts); m.Packet == nil {
		return nil, err
	}
	m.Namespace = m.Packet.Namespace
	return m, nil
}

// eventPacket makes a broadcast's Packet of p, for the namespace want.
// It returns nil, nil for a packet of another namespace.
func eventPacket(want string, p *wirePacket, atts [][]byte) (*parser.Packet, error) {
	nsp := "/"
	if p.Nsp != nil {
		nsp = *p.Nsp
	}
	if nsp != want {
		return nil, nil
	}
	if p.Type != int(parser.Event) && p.Type != int(parser.BinaryEvent) {
		return nil, badMessage("a broadcast of a packet of type %d", p.Type)
	}
	if !isEvent(p.Data) {
		return nil, badMessage("a broadcast whose data is not [event, ...args]")
	}
	return &parser.Packet{Type: parser.Event, Namespace: nsp, Data: p.Data, Attachments: atts}, nil
}

// isEvent reports whether data looks like an event's data: an array
// whose first element is a string, the event's name.
func isEvent(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '[' {
		return false
	}
	data = bytes.TrimLeft(data[1:], " \t\r\n")
	return len(data) > 0 && data[0] == '"'
}

// jsonError describes a JSON decoding error without Go's types.
func jsonError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return "a JSON " + te.Value + " where an object or array was expected"
		}
		return "field " + te.Field + " is a JSON " + te.Value
	case errors.As(err, &se):
		return "invalid JSON at offset " + strconv.FormatInt(se.Offset, 10)
	}
	return err.Error()
}

// wireRequest is any request or response of the classic format.
type wireRequest struct {
	UID         string          `json:"uid"`
	RequestID   string          `json:"requestId"`
	Type        *int            `json:"type"`
	Opts        *wireOpts       `json:"opts"`
	Rooms       json.RawMessage `json:"rooms"`
	Close       bool            `json:"close"`
	Data        json.RawMessage `json:"data"`
	Packet      json.RawMessage `json:"packet"`
	Sockets     []wireSocket    `json:"sockets"`
	ClientCount int             `json:"clientCount"`
}

type wireSocket struct {
	ID        string          `json:"id"`
	Handshake json.RawMessage `json:"handshake"`
	Rooms     roomList        `json:"rooms"`
	Data      json.RawMessage `json:"data"`
}

// decodeRequest decodes what arrived on the request channel. A request
// the Cluster does not handle (ALL_ROOMS) is returned as the raw request
// with a nil Message.
func (c *classic) decodeRequest(payload []byte) (*adapter.Message, *wireRequest, error) {
	js, atts, err := toJSON(payload)
	if err != nil {
		return nil, nil, err
	}
	var r wireRequest
	if err := json.Unmarshal(js, &r); err != nil {
		return nil, nil, badMessage("a request: %s", jsonError(err))
	}
	if r.Type == nil {
		return nil, nil, badMessage("a request without a type")
	}
	m := &adapter.Message{UID: r.UID, Namespace: c.nsp, RequestID: r.RequestID}
	if r.Opts != nil {
		m.Opts = r.Opts.options()
	}
	switch *r.Type {
	case reqSockets, reqAllRooms:
		return nil, &r, nil
	case reqRemoteJoin, reqRemoteLeave:
		if r.Opts == nil {
			return nil, nil, badMessage("a request of type %d in the legacy form, without opts", *r.Type)
		}
		m.Type = adapter.SocketsJoin
		if *r.Type == reqRemoteLeave {
			m.Type = adapter.SocketsLeave
		}
		var rooms roomList
		if err := json.Unmarshal(r.Rooms, &rooms); err != nil {
			return nil, nil, badMessage("the rooms of a request of type %d: %v", *r.Type, err)
		}
		m.Rooms = rooms
	case reqRemoteDisconnect:
		if r.Opts == nil {
			return nil, nil, badMessage("a request of type 4 in the legacy form, without opts")
		}
		m.Type, m.Close = adapter.DisconnectSockets, r.Close
	case reqRemoteFetch:
		m.Type = adapter.FetchSockets
	case reqServerSideEmit:
		args := parser.NewArgs(r.Data, atts)
		if len(r.Data) == 0 || r.Data[0] != '[' || args.Len() == 0 || args.Decode(0, &m.Event) != nil {
			return nil, nil, badMessage("a server-side emit whose data is not [event, ...args]")
		}
		m.Type, m.Args = adapter.ServerSideEmit, args.Slice(1)
	case reqBroadcast:
		var pkt wirePacket
		if err := json.Unmarshal(r.Packet, &pkt); err != nil {
			return nil, nil, badMessage("a broadcast's packet: %s", jsonError(err))
		}
		if r.RequestID == "" {
			return nil, nil, badMessage("a broadcast request without a request id")
		}
		m.Type = adapter.Broadcast
		if m.Packet, err = eventPacket(c.nsp, &pkt, atts); m.Packet == nil {
			return nil, nil, err
		}
	default:
		return nil, nil, badMessage("a request of unknown type %d", *r.Type)
	}
	return m, nil, nil
}

// decodeResponse decodes what arrived on a response channel. It returns
// nil for a response the Cluster does not gather (ALL_ROOMS's).
func (c *classic) decodeResponse(payload []byte) (*adapter.Message, error) {
	js, atts, err := toJSON(payload)
	if err != nil {
		return nil, err
	}
	var r wireRequest
	if err := json.Unmarshal(js, &r); err != nil {
		return nil, badMessage("a response: %s", jsonError(err))
	}
	m := &adapter.Message{Namespace: c.nsp, RequestID: r.RequestID}
	typ := -1
	if r.Type != nil {
		typ = *r.Type
	}
	switch {
	case typ == reqServerSideEmit:
		m.Type, m.Args = adapter.ServerSideEmitResponse, oneArg(r.Data, atts)
	case typ == reqClientCount:
		m.Type, m.ClientCount = adapter.BroadcastClientCount, r.ClientCount
	case typ == reqBroadcastAck:
		m.Type, m.Args = adapter.BroadcastAck, oneArg(r.Packet, atts)
	case r.Sockets != nil:
		m.Type = adapter.FetchSocketsResponse
		m.Sockets = make([]adapter.SocketInfo, 0, len(r.Sockets))
		for _, s := range r.Sockets {
			m.Sockets = append(m.Sockets, adapter.SocketInfo{ID: s.ID, Rooms: s.Rooms, Handshake: s.Handshake, Data: s.Data})
		}
	default:
		return nil, nil // ALL_ROOMS's, or a legacy request's
	}
	return m, nil
}

// oneArg makes the Args of an answer's one value, none if absent.
func oneArg(v json.RawMessage, atts [][]byte) parser.Args {
	if len(v) == 0 {
		return parser.NewArgs([]byte("[]"), nil)
	}
	b := make([]byte, 0, len(v)+2)
	b = append(append(append(b, '['), v...), ']')
	return parser.NewArgs(b, atts)
}
