package scraper

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
)

// A tracked page is fetched from the server clausewatch runs on, often
// inside a cloud or a newsroom's network, so a redirect from a public page
// to an internal address would make clausewatch fetch, archive and publish
// what only that network can see (server-side request forgery): a cloud
// metadata service with its credentials, an admin page, a database. The
// redirect policy is therefore checked on the address actually dialled,
// after DNS, by the dialer of NewHTTPClient, so that a name that resolves
// to a public address when the URL is checked and to an internal one when
// it is dialled (DNS rebinding) gains nothing:
//
//   - link-local addresses (169.254.0.0/16, fe80::/10) and the cloud
//     metadata addresses are never dialled;
//   - once a fetch has reached a public address, every later hop of its
//     redirect chain must be public too: never loopback, private or
//     link-local;
//   - a document whose own URL is on loopback or a private network (a test
//     server, an intranet page) may redirect within that class of address.
//
// Connections are not kept alive between requests (see NewHTTPClient), so
// every hop dials, and is checked, afresh. Behind a proxy the address
// dialled is the proxy's: the proxy must then enforce its own policy.

// errRedirectRefused marks a redirect hop refused by the redirect policy,
// and errAddressRefused a document's own URL refused by it (a link-local or
// metadata address in the configuration).
var (
	errRedirectRefused = errors.New("redirect refused")
	errAddressRefused  = errors.New("address refused")
)

// addrClass is the kind of network an address belongs to, as far as the
// redirect policy cares.
type addrClass int

const (
	classPublic addrClass = iota
	classPrivate
	classLoopback
	classForbidden // link-local and cloud metadata: never dialled
)

func (c addrClass) String() string {
	return [...]string{"public", "private", "loopback", "link-local or cloud metadata"}[c]
}

// isMetadataAddr says whether a is a cloud metadata service outside the
// link-local ranges (AWS's IPv6 endpoint, Alibaba Cloud's), which hand out
// credentials to whoever asks from inside the cloud.
func isMetadataAddr(a netip.Addr) bool {
	switch a {
	case netip.MustParseAddr("fd00:ec2::254"), netip.MustParseAddr("100.100.100.200"):
		return true
	}
	return false
}

// isCGNAT says whether a is in the carrier-grade NAT range (RFC 6598),
// private in practice although netip does not call it so.
func isCGNAT(a netip.Addr) bool {
	return netip.MustParsePrefix("100.64.0.0/10").Contains(a)
}

// classOf says which class a is in.
func classOf(a netip.Addr) addrClass {
	a = a.Unmap()
	switch {
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast(), isMetadataAddr(a):
		return classForbidden
	case a.IsLoopback(), a.IsUnspecified():
		return classLoopback
	case a.IsPrivate(), isCGNAT(a):
		return classPrivate
	}
	return classPublic
}

// hopPolicy is the state of one fetch's redirect chain: the class of the
// first address it dialled. The fetchers put one in the request's context
// (withHopPolicy); a request without one is held to the rules that need no
// history (no link-local, no metadata).
type hopPolicy struct {
	mu     sync.Mutex
	origin addrClass
	seen   bool
}

type hopPolicyKey struct{}

// withHopPolicy returns ctx carrying a fresh redirect chain.
func withHopPolicy(ctx context.Context) context.Context {
	return context.WithValue(ctx, hopPolicyKey{}, &hopPolicy{})
}

// reusedConn tells the chain's policy the address of a pooled connection
// its first request went over, which the dialer did not see: the chain
// starts there. The check cannot fail, since no connection to a forbidden
// address is ever dialled, so its result is of no use.
func reusedConn(ctx context.Context, conn net.Conn) {
	p, _ := ctx.Value(hopPolicyKey{}).(*hopPolicy)
	if p == nil {
		return
	}
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		conn = tc.NetConn() // under TLS
	}
	if c, ok := conn.(checkedConn); ok {
		_ = p.check(c.addr)
	}
}

// checkedConn is a connection the guarded dialer made, with the address it
// checked, which a reused connection tells the next chain's policy.
type checkedConn struct {
	net.Conn
	addr netip.Addr
}

// check says whether the fetch may dial a; the first address allowed
// becomes the chain's origin.
func (p *hopPolicy) check(a netip.Addr) error {
	c := classOf(a)
	if p == nil {
		if c == classForbidden {
			return fmt.Errorf("%s is a %s address: %w", a, c, errAddressRefused)
		}
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c == classForbidden {
		if !p.seen {
			return fmt.Errorf("%s is a %s address: %w", a, c, errAddressRefused)
		}
		return fmt.Errorf("%s is a %s address: %w", a, c, errRedirectRefused)
	}
	if !p.seen {
		p.origin, p.seen = c, true
		return nil
	}
	if c != classPublic && c != p.origin {
		return fmt.Errorf("%s is a %s address and the page redirecting to it is %s: %w", a, c, p.origin, errRedirectRefused)
	}
	return nil
}

// guardedDialer resolves a host itself, checks each address with the
// request's hopPolicy and dials the address it checked, so that what is
// checked is what is connected to.
type guardedDialer struct {
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	dial    func(ctx context.Context, network, address string) (net.Conn, error)
}

// DialContext is the transport's dial function.
func (d guardedDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = d.resolve(ctx, host); err != nil {
		return nil, err
	}
	policy, _ := ctx.Value(hopPolicyKey{}).(*hopPolicy)
	var firstErr error
	for _, a := range addrs {
		if err := policy.check(a); err != nil {
			if firstErr == nil {
				firstErr = &net.OpError{Op: "dial", Net: network, Err: err}
			}
			continue
		}
		conn, err := d.dial(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return checkedConn{Conn: conn, addr: a.Unmap()}, nil
		}
		if firstErr == nil || refused(firstErr) {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return nil, firstErr
}

// refused says whether err is a refusal by the redirect policy.
func refused(err error) bool {
	return errors.Is(err, errRedirectRefused) || errors.Is(err, errAddressRefused)
}
