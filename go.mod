module github.com/ab218a8d/socketio

go 1.26.8

require github.com/gorilla/websocket v1.5.3
