//go:build !linux

package websocket

import "net"

func unsentBytes(nc net.Conn) (int, bool) { return 0, false }
func unreadBytes(nc net.Conn) (int, bool) { return 0, false }
