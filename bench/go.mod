module github.com/ab218a8d/socketio/bench

go 1.26.8

require (
	github.com/ab218a8d/socketio v0.0.0
	github.com/ab218a8d/socketio/adapter/redis v0.0.0
	github.com/gorilla/websocket v1.5.3
	github.com/redis/rueidis v1.0.80
)

require (
	github.com/philhofer/fwd v1.2.0 // indirect
	github.com/tinylib/msgp v1.6.5 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/ab218a8d/socketio => ../

replace github.com/ab218a8d/socketio/adapter/redis => ../adapter/redis
