package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// conn speaks just enough RESP2 to check that a server answers and to set
// up a cluster. It is not a Redis client, and tests should not use it as
// one: the adapter's tests exercise the adapter's client.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
}

// cmdTimeout bounds one command of the set-up, which are all quick.
const cmdTimeout = 5 * time.Second

func dial(addr string) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, cmdTimeout)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReader(nc)}, nil
}

func (c *conn) Close() error { return c.nc.Close() }

// serverError is an error reply such as "MOVED 3999 127.0.0.1:6381".
type serverError string

func (e serverError) Error() string { return string(e) }

// do sends one command and returns its reply: a string (simple or bulk),
// an int64, a []any, nil (a null), or a serverError.
func (c *conn) do(args ...string) (any, error) {
	if err := c.nc.SetDeadline(time.Now().Add(cmdTimeout)); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(c.nc, b.String()); err != nil {
		return nil, fmt.Errorf("failed to send %s: %w", args[0], err)
	}
	v, err := c.read()
	if err != nil {
		return nil, fmt.Errorf("failed to read the reply to %s: %w", args[0], err)
	}
	if e, ok := v.(serverError); ok {
		return nil, e
	}
	return v, nil
}

// str sends a command whose reply is a string.
func (c *conn) str(args ...string) (string, error) {
	v, err := c.do(args...)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: reply %v is not a string", args[0], v)
	}
	return s, nil
}

func (c *conn) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, errors.New("malformed reply line")
	}
	kind, rest := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return rest, nil
	case '-':
		return serverError(rest), nil
	case ':':
		return strconv.ParseInt(rest, 10, 64)
	case '$':
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return nil, err // $-1 is a null
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return nil, err // *-1 is a null
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = c.read(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown reply type %q", kind)
}

// info parses the "field:value" lines of an INFO-style reply.
func info(s string) map[string]string {
	m := make(map[string]string)
	for line := range strings.Lines(s) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			m[k] = v
		}
	}
	return m
}
