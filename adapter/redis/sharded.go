package redis

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/adapter/redis/internal/wire"
	"github.com/ab218a8d/socketio/parser"
)

// SubscriptionMode is how many channels the sharded adapter uses, as the
// reference's subscriptionMode option.
type SubscriptionMode int

const (
	// Dynamic adds a channel per public room (a room that is not a socket
	// id), subscribed by the servers that have members in it: a broadcast
	// to one such room reaches only them. The reference's default.
	Dynamic SubscriptionMode = iota
	// DynamicPrivate adds a channel per room, socket ids included: for
	// much one-to-one traffic.
	DynamicPrivate
	// Static uses two channels per namespace: for many dynamic
	// namespaces.
	Static
)

func (m SubscriptionMode) String() string {
	switch m {
	case Dynamic:
		return "dynamic"
	case DynamicPrivate:
		return "dynamic-private"
	case Static:
		return "static"
	}
	return "SubscriptionMode(" + strconv.Itoa(int(m)) + ")"
}

// sharded is the wire format of one namespace's adapter in the sharded
// mode of @socket.io/redis-adapter 8.3 (createShardedAdapter), the
// reference's ClusterAdapter messages:
//
//	{"type":N,"data":{...},"uid":"...","nsp":"/"}
//
// as JSON, or as msgpack when it carries binary. Messages go by SPUBLISH
// to prefix#nsp# (prefix#nsp#room# for a broadcast to one room in the
// dynamic modes), responses to prefix#nsp#<requester uid>#.
type sharded struct {
	uid     string
	nsp     string
	mode    SubscriptionMode
	channel string // prefix#nsp#
	own     string // prefix#nsp#uid#, this server's responses
}

func newSharded(prefix, nsp, uid string, mode SubscriptionMode) *sharded {
	c := &sharded{uid: uid, nsp: nsp, mode: mode, channel: prefix + "#" + nsp + "#"}
	c.own = c.channel + uid + "#"
	return c
}

// roomChannel is the channel of room in the dynamic modes.
func (c *sharded) roomChannel(room string) string { return c.channel + room + "#" }

// looksLikeASocketID is the reference's test of a room that is a socket
// id: 20 characters.
func looksLikeASocketID(room string) bool { return len(room) == 20 }

// encode appends m's payload to dst and returns the channel to publish it
// on. to is the requester's uid, for a response.
func (c *sharded) encode(dst []byte, m *adapter.Message, to string) (channel string, out []byte, err error) {
	channel = c.channel
	if m.Type.IsResponse() {
		channel = c.channel + to + "#"
	}
	var atts [][]byte
	jp := bufPool.Get().(*[]byte)
	js := append((*jp)[:0], `{"type":`...)
	defer func() { *jp = js[:0]; bufPool.Put(jp) }()
	js = strconv.AppendInt(js, int64(m.Type), 10)
	switch m.Type {
	case adapter.InitialHeartbeat, adapter.Heartbeat, adapter.AdapterClose:
	case adapter.Broadcast:
		if m.Packet == nil {
			return "", dst, errors.New("redis adapter: a broadcast without a packet")
		}
		if m.RequestID == "" && len(m.Opts.Rooms) == 1 &&
			(c.mode == Dynamic && !looksLikeASocketID(m.Opts.Rooms[0]) || c.mode == DynamicPrivate) {
			channel = c.roomChannel(m.Opts.Rooms[0])
		}
		atts = m.Packet.Attachments
		js = append(js, `,"data":{"packet":{"type":2,"data":`...)
		js = appendRaw(js, m.Packet.Data, "[]")
		js = append(js, '}')
		if m.RequestID != "" {
			js = append(js, `,"requestId":`...)
			js = parser.AppendString(js, m.RequestID)
		}
		js = append(js, `,"opts":`...)
		js = appendOpts(js, m.Opts, true)
		js = append(js, '}')
	case adapter.SocketsJoin, adapter.SocketsLeave:
		js = append(js, `,"data":{"opts":`...)
		js = appendOpts(js, m.Opts, true)
		js = append(js, `,"rooms":`...)
		js = appendStrings(js, m.Rooms)
		js = append(js, '}')
	case adapter.DisconnectSockets:
		js = append(js, `,"data":{"opts":`...)
		js = appendOpts(js, m.Opts, true)
		js = append(js, `,"close":`...)
		js = strconv.AppendBool(js, m.Close)
		js = append(js, '}')
	case adapter.FetchSockets:
		js = append(js, `,"data":{"opts":`...)
		js = appendOpts(js, m.Opts, true)
		js = append(js, `,"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		js = append(js, '}')
	case adapter.ServerSideEmit:
		js = append(js, `,"data":{`...)
		if m.RequestID != "" {
			js = append(js, `"requestId":`...)
			js = parser.AppendString(js, m.RequestID)
			js = append(js, ',')
		}
		js = append(js, `"packet":[`...)
		js = parser.AppendString(js, m.Event)
		if m.Args.Len() > 0 {
			js = append(js, ',')
			if js, err = m.Args.AppendElements(js, &atts); err != nil {
				return "", dst, err
			}
		}
		js = append(js, "]}"...)
	case adapter.FetchSocketsResponse:
		js = append(js, `,"data":{"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		js = append(js, `,"sockets":`...)
		js = appendSockets(js, m.Sockets)
		js = append(js, '}')
	case adapter.ServerSideEmitResponse, adapter.BroadcastAck:
		js = append(js, `,"data":{"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		if js, atts, err = appendFirst(js, `,"packet":`, m.Args); err != nil {
			return "", dst, err
		}
		js = append(js, '}')
	case adapter.BroadcastClientCount:
		js = append(js, `,"data":{"requestId":`...)
		js = parser.AppendString(js, m.RequestID)
		js = append(js, `,"clientCount":`...)
		js = strconv.AppendInt(js, int64(m.ClientCount), 10)
		js = append(js, '}')
	default:
		return "", dst, errors.New("redis adapter: a message of unknown type " + m.Type.String())
	}
	js = append(js, `,"uid":`...)
	js = parser.AppendString(js, c.uid)
	js = append(js, `,"nsp":`...)
	js = parser.AppendString(js, c.nsp)
	js = append(js, '}')
	if len(atts) > 0 {
		out, err = wire.AppendJSON(dst, js, atts)
		return channel, out, err
	}
	return channel, append(dst, js...), nil
}

// appendSockets appends FetchSockets's answer.
func appendSockets(js []byte, sockets []adapter.SocketInfo) []byte {
	js = append(js, '[')
	for i, s := range sockets {
		if i > 0 {
			js = append(js, ',')
		}
		js = append(js, `{"id":`...)
		js = parser.AppendString(js, s.ID)
		js = append(js, `,"handshake":`...)
		js = appendRaw(js, s.Handshake, "{}")
		js = append(js, `,"rooms":`...)
		js = appendStrings(js, s.Rooms)
		js = append(js, `,"data":`...)
		js = appendRaw(js, s.Data, "{}")
		js = append(js, '}')
	}
	return append(js, ']')
}

// wireCluster is a ClusterAdapter message.
type wireCluster struct {
	Type *int   `json:"type"`
	UID  string `json:"uid"`
	Nsp  string `json:"nsp"`
	Data struct {
		RequestID   string          `json:"requestId"`
		Packet      json.RawMessage `json:"packet"`
		Opts        *wireOpts       `json:"opts"`
		Rooms       roomList        `json:"rooms"`
		Close       bool            `json:"close"`
		Sockets     []wireSocket    `json:"sockets"`
		ClientCount int             `json:"clientCount"`
	} `json:"data"`
}

// decode decodes a message of any of the adapter's channels. It returns
// nil for a message of another namespace.
func (c *sharded) decode(payload []byte) (*adapter.Message, error) {
	js, atts, err := toJSON(payload)
	if err != nil {
		return nil, err
	}
	var w wireCluster
	if err := json.Unmarshal(js, &w); err != nil {
		return nil, badMessage("a cluster message: %s", jsonError(err))
	}
	if w.Type == nil {
		return nil, badMessage("a cluster message without a type")
	}
	if w.Nsp != c.nsp {
		return nil, nil
	}
	d := &w.Data
	m := &adapter.Message{Type: adapter.MessageType(*w.Type), UID: w.UID, Namespace: w.Nsp, RequestID: d.RequestID}
	if d.Opts != nil {
		m.Opts = d.Opts.options()
	}
	switch m.Type {
	case adapter.InitialHeartbeat, adapter.Heartbeat, adapter.AdapterClose:
	case adapter.Broadcast:
		var pkt wirePacket
		if err := json.Unmarshal(d.Packet, &pkt); err != nil {
			return nil, badMessage("a broadcast's packet: %s", jsonError(err))
		}
		nsp := c.nsp
		pkt.Nsp = &nsp // the envelope's
		if m.Packet, err = eventPacket(c.nsp, &pkt, atts); m.Packet == nil {
			return nil, err
		}
	case adapter.SocketsJoin, adapter.SocketsLeave:
		m.Rooms = d.Rooms
	case adapter.DisconnectSockets:
		m.Close = d.Close
	case adapter.FetchSockets:
		if m.RequestID == "" {
			return nil, badMessage("a fetch without a request id")
		}
	case adapter.ServerSideEmit:
		args := parser.NewArgs(d.Packet, atts)
		if len(d.Packet) == 0 || d.Packet[0] != '[' || args.Len() == 0 || args.Decode(0, &m.Event) != nil {
			return nil, badMessage("a server-side emit whose packet is not [event, ...args]")
		}
		m.Args = args.Slice(1)
	case adapter.FetchSocketsResponse:
		m.Sockets = make([]adapter.SocketInfo, 0, len(d.Sockets))
		for _, s := range d.Sockets {
			m.Sockets = append(m.Sockets, adapter.SocketInfo{ID: s.ID, Rooms: s.Rooms, Handshake: s.Handshake, Data: s.Data})
		}
	case adapter.ServerSideEmitResponse, adapter.BroadcastAck:
		m.Args = oneArg(d.Packet, atts)
	case adapter.BroadcastClientCount:
		m.ClientCount = d.ClientCount
	default:
		return nil, badMessage("a cluster message of unknown type %d", *w.Type)
	}
	return m, nil
}
