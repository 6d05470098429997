module github.com/ab218a8d/socketio/bench

go 1.26.8

require (
	github.com/ab218a8d/socketio v0.0.0
	github.com/gorilla/websocket v1.5.3
)

replace github.com/ab218a8d/socketio => ../
