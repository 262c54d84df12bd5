package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses a comma- or space-separated list of CIDR
// prefixes or single addresses, such as "10.0.0.0/8, 127.0.0.1".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// trusted reports whether addr is one of the trusted proxies.
func (s *Core) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// peerTrusted reports whether the peer of r is a trusted proxy.
func (s *Core) peerTrusted(r *http.Request) bool {
	if len(s.TrustedProxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(remoteIP(r))
	return err == nil && s.trusted(a)
}

// clientIP returns the address of the client of r: the peer's, unless
// the peer is a trusted proxy, in which case the right-most address of
// X-Forwarded-For that is not itself a trusted proxy (addresses further
// left were written by the client and prove nothing).
func (s *Core) clientIP(r *http.Request) string {
	peer := remoteIP(r)
	if !s.peerTrusted(r) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: believe the last trusted hop
		}
		client = a.Unmap().String()
		if !s.trusted(a) {
			break
		}
	}
	return client
}

// IsHTTPS reports whether the client reached the site over HTTPS: the
// connection is TLS, or a trusted proxy says so in X-Forwarded-Proto.
func (s *Core) IsHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.peerTrusted(r) {
		return false
	}
	vals := r.Header.Values("X-Forwarded-Proto")
	if len(vals) == 0 {
		return false
	}
	parts := strings.Split(vals[len(vals)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
}

// hostAllowed reports whether host (a Host header, with or without a
// port) may be believed for the site's own address when BaseURL is
// unset: a loopback address, localhost, or one of AllowedHosts.
func (s *Core) hostAllowed(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
	if h == "" {
		return false
	}
	if h == "localhost" {
		return true
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Unmap().IsLoopback() {
		return true
	}
	for _, allowed := range s.AllowedHosts {
		if strings.EqualFold(allowed, host) || strings.EqualFold(allowed, h) {
			return true
		}
	}
	return false
}
