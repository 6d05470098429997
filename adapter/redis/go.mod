module github.com/ab218a8d/socketio/adapter/redis

go 1.26.8

require (
	github.com/ab218a8d/socketio v0.0.0
	github.com/tinylib/msgp v1.6.5
)

require github.com/philhofer/fwd v1.2.0 // indirect

replace github.com/ab218a8d/socketio => ../..
