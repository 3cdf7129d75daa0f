package links

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

// The defaults of `link`.
const (
	DefaultFor     = "link"
	DefaultExpires = "72h"
)

// The bounds of a link: its text makes the URL longer.
const (
	maxTextBytes     = 500
	maxForLength     = 64
	maxExpireSeconds = 365 * 86400
)

// CheckText refuses a result or reason longer than a link carries.
func CheckText(text string) error {
	if len(text) > maxTextBytes {
		return lines.LinkTextTooLong()
	}
	return nil
}

// CheckFor refuses a --for that is not 1 to 64 of A-Za-z0-9._@-.
func CheckFor(name string) error {
	if name == "" || len(name) > maxForLength || strings.TrimLeft(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-") != "" {
		return lines.BadFor()
	}
	return nil
}

var expiresPattern = regexp.MustCompile(`^([0-9]+)([smhd])$`)

var unitSeconds = map[string]int64{"s": 1, "m": 60, "h": 3600, "d": 86400}

// ParseExpires reads --expires: a whole number of s, m, h or d, at least a
// second and at most 365d; in seconds.
func ParseExpires(text string) (int64, error) {
	if match := expiresPattern.FindStringSubmatch(text); match != nil {
		// More digits than 365d has seconds are more than 365d, whatever the
		// unit.
		if digits := strings.TrimLeft(match[1], "0"); len(digits) <= 9 {
			n, _ := strconv.ParseInt("0"+digits, 10, 64)
			if seconds := n * unitSeconds[match[2]]; seconds >= 1 && seconds <= maxExpireSeconds {
				return seconds, nil
			}
		}
	}
	return 0, lines.BadExpires(text)
}

// rfc3339Pattern is RFC 3339 as Go's time.RFC3339 reads it: a fraction of
// any length, Z or an offset.
var rfc3339Pattern = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)

// ParseExpiresAt reads --expires-at: an RFC 3339 time after now, used to the
// second (its fraction dropped); in seconds since 1970-01-01 UTC.
func ParseExpiresAt(text string, now time.Time) (int64, error) {
	match := rfc3339Pattern.FindStringSubmatch(text)
	if match == nil {
		return 0, lines.BadExpiresAt(text)
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(match[i+1])
	}
	year, month, day, hour, minute, second := n[0], n[1], n[2], n[3], n[4], n[5]
	offset := 0
	if zone := match[8]; zone != "Z" {
		hours, _ := strconv.Atoi(zone[1:3])
		minutes, _ := strconv.Atoi(zone[4:6])
		if hours > 23 || minutes > 59 {
			return 0, lines.BadExpiresAt(text)
		}
		offset = hours*3600 + minutes*60
		if zone[0] == '-' {
			offset = -offset
		}
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 {
		return 0, lines.BadExpiresAt(text)
	}
	seconds := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.FixedZone("", offset)).Unix()
	if seconds <= now.Unix() {
		return 0, lines.BadExpiresAt(text)
	}
	return seconds, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// CheckBaseURL reads --base-url: http:// or https:// and a host, maybe a
// port and a path, no query or fragment. It returns the URL without one
// trailing /. A host and a port are read as Python's urllib.parse.urlsplit
// reads them, so that both completers take the same URLs.
func CheckBaseURL(text string) (string, error) {
	rest, ok := strings.CutPrefix(text, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(text, "https://")
	}
	if !ok || strings.ContainsFunc(text, func(r rune) bool { return r <= 0x20 || r == 0x7f || r == '?' || r == '#' }) {
		return "", lines.BadBaseURL(text)
	}
	netloc, _, _ := strings.Cut(rest, "/")
	if !validNetloc(netloc) {
		return "", lines.BadBaseURL(text)
	}
	return strings.TrimSuffix(text, "/"), nil
}

// validNetloc reports whether a URL's [user@]host[:port] has a host, and a
// port that is empty or a number from 0 to 65535, read as urlsplit reads them:
// brackets pair up around an IPv6 address.
func validNetloc(netloc string) bool {
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return false
	}
	if _, bracketed, found := strings.Cut(netloc, "["); found {
		host, _, _ := strings.Cut(bracketed, "]")
		if !validBracketedHost(host) {
			return false
		}
	}
	hostinfo := netloc[strings.LastIndex(netloc, "@")+1:]
	var host, port string
	if _, bracketed, found := strings.Cut(hostinfo, "["); found {
		var after string
		host, after, _ = strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(after, ":")
	} else {
		host, port, _ = strings.Cut(hostinfo, ":")
	}
	if host == "" {
		return false
	}
	if port == "" {
		return true
	}
	if strings.TrimLeft(port, "0123456789") != "" {
		return false
	}
	digits := strings.TrimLeft(port, "0")
	if len(digits) > 5 {
		return false
	}
	n, _ := strconv.Atoi("0" + digits)
	return n <= 65535
}

var ipvFuturePattern = regexp.MustCompile(`^v[a-fA-F0-9]+\..+$`)

// validBracketedHost reports whether a host in brackets is an IPv6 address, or
// an IPvFuture one (v1.x).
func validBracketedHost(host string) bool {
	if strings.HasPrefix(host, "v") {
		return ipvFuturePattern.MatchString(host)
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Is6()
}
