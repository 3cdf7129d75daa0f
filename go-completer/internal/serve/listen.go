package serve

import (
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/async-completion/go-completer/internal/lines"
)

// Listen is a checked --listen value.
type Listen struct {
	// Host is HOST as given: an IP address (without brackets), or localhost.
	Host string
	// Port is PORT as given; 0 picks a free port.
	Port int
	// Loopback is whether Host is a loopback address (127.0.0.0/8, ::1,
	// localhost): then no credential is needed, and the Host header is
	// checked instead.
	Loopback bool
}

// ParseListen reads --listen HOST:PORT. HOST is an IP address (IPv6 in
// brackets) or localhost; PORT a number from 0 to 65535. Its error is a
// *lines.Failure.
func ParseListen(value string) (Listen, error) {
	return ParseListenOption("--listen", value)
}

// ParseListenOption is ParseListen for the value of option.
func ParseListenOption(option, value string) (Listen, error) {
	host, portText, err := net.SplitHostPort(value)
	if err != nil {
		return Listen{}, lines.OptionNotHostPort(option, value)
	}
	port, ok := parsePort(portText)
	if !ok {
		return Listen{}, lines.OptionNotHostPort(option, value)
	}
	if host == "localhost" {
		return Listen{Host: host, Port: port, Loopback: true}, nil
	}
	addr, err := netip.ParseAddr(host)
	// A zone (fe80::1%eth0) names an interface of this machine only.
	if err != nil || addr.Zone() != "" {
		return Listen{}, lines.OptionNotHostPort(option, value)
	}
	// An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is an IPv6 address, and
	// not ::1: not loopback, as Python's ipaddress says.
	return Listen{Host: host, Port: port, Loopback: addr.IsLoopback() && !addr.Is4In6()}, nil
}

// parsePort reads a port: ASCII digits only, 0 to 65535.
func parsePort(text string) (int, bool) {
	if text == "" || len(text) > 5 || strings.TrimLeft(text, "0123456789") != "" {
		return 0, false
	}
	port, err := strconv.Atoi(text)
	return port, err == nil && port <= 65535
}

// Address is the address to listen on, HOST:PORT. localhost is 127.0.0.1:
// one address, the same that the Python completer listens on.
func (l Listen) Address() string {
	host := l.Host
	if host == "localhost" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(l.Port))
}

// URL is the listener's address as serve prints it, with the port it got.
func (l Listen) URL(tls bool, port int) string {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(l.Host, strconv.Itoa(port))
}

// allowedHosts are the Host headers that name a loopback listener on port:
// its loopback names, and HOST as given to --listen. A DNS name rebound to
// 127.0.0.1 by a hostile page is none of them.
func (l Listen) allowedHosts(port int) []string {
	p := strconv.Itoa(port)
	hosts := []string{"127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p}
	own := net.JoinHostPort(l.Host, p)
	for _, h := range hosts {
		if h == own {
			return hosts
		}
	}
	return append(hosts, own)
}
