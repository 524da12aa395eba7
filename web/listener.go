package web

import (
	"bytes"
	"net"
)

// net/http answers a request it cannot parse (a malformed request line or
// Host header, headers over MaxHeaderBytes, an unknown transfer coding)
// itself, before any handler runs, by writing a fixed plain-text answer
// straight to the connection; http.Server has no hook for it, so the
// securityHeaders middleware never sees it. Listener wraps the listener the
// server accepts on and adds the security headers to exactly those answers,
// recognized by the fixed form net/http writes them in: a status line,
// then only these two headers, in one write. An answer from a handler
// always carries a Date header and the security headers, so it never has
// this form.

// stdlibErrorHeaders is what follows the status line of net/http's own
// error answers (net/http/server.go, conn.serve).
const stdlibErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// maxStdlibError bounds the size of a write taken for one of net/http's own
// error answers; they are a status line and a short reason.
const maxStdlibError = 512

// Listener returns l with the security headers added to the error answers
// that net/http writes without calling the handler. Serve the site on it.
func Listener(l net.Listener) net.Listener {
	return securityListener{l}
}

type securityListener struct{ net.Listener }

// Accept wraps each connection so that its writes are checked.
func (l securityListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return securityConn{c}, nil
}

type securityConn struct{ net.Conn }

// Write adds the security headers to net/http's own error answers and
// passes every other write through unchanged.
func (c securityConn) Write(p []byte) (int, error) {
	q, ok := withSecurityHeaders(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// withSecurityHeaders returns p with the security headers after its status
// line when p is one of net/http's own error answers.
func withSecurityHeaders(p []byte) ([]byte, bool) {
	if len(p) > maxStdlibError || !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		return nil, false
	}
	i := bytes.Index(p, []byte(stdlibErrorHeaders))
	if i < 0 || bytes.Contains(p[:i], []byte("\r\n")) {
		return nil, false
	}
	var b bytes.Buffer
	b.Write(p[:i])
	for _, kv := range securityHeaderList() {
		b.WriteString("\r\n" + kv[0] + ": " + kv[1])
	}
	b.Write(p[i:])
	return b.Bytes(), true
}
