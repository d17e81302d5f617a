// Package endpoint decides which Key Protect URL a command calls.
package endpoint

import (
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

// Environment variables that override the endpoint.
const (
	// EnvTargetAddr sets the Key Protect URL outright, as the IBM Key Protect
	// plug-in lets users do for instance-specific and Hyper Protect Crypto
	// Services endpoints.
	EnvTargetAddr = "KP_TARGET_ADDR"
)

// Source says where the endpoint came from, for the line that names it.
type Source string

// The sources of an endpoint.
const (
	SourceTargetAddr    Source = "KP_TARGET_ADDR"
	SourceSessionRegion Source = "session"
)

// Regions lists the regions that serve Key Protect.
var Regions = []string{
	"us-south", "us-east", "eu-gb", "eu-de", "eu-es", "au-syd", "jp-tok",
	"jp-osa", "ca-tor", "ca-mon", "br-sao", "in-che", "in-mum",
}

// Endpoint is a resolved Key Protect base URL.
type Endpoint struct {
	URL     string
	Region  string // empty when KP_TARGET_ADDR set the URL
	Private bool
	Source  Source
}

// Session is the part of the ibmcloud session that decides the endpoint.
type Session struct {
	Region  string
	Private bool
}

// Resolve returns the endpoint to call: KP_TARGET_ADDR when set, else the
// regional endpoint of the session's region, private when the session uses
// private endpoints.
func Resolve(session Session, getenv func(string) string) (Endpoint, error) {
	if addr := getenv(EnvTargetAddr); addr != "" {
		base, err := ParseTargetAddr(addr)
		if err != nil {
			return Endpoint{}, err
		}
		return Endpoint{URL: base, Source: SourceTargetAddr}, nil
	}

	if session.Region == "" {
		return Endpoint{}, usermsg.Failure("error.endpoint.no-region", nil, nil)
	}
	if !IsRegion(session.Region) {
		return Endpoint{}, usermsg.Failure("error.endpoint.unsupported-region", map[string]any{
			"Region":  session.Region,
			"Regions": strings.Join(Regions, ", "),
		}, nil)
	}
	return Endpoint{
		URL:     Regional(session.Region, session.Private),
		Region:  session.Region,
		Private: session.Private,
		Source:  SourceSessionRegion,
	}, nil
}

// IsRegion reports whether region serves Key Protect.
func IsRegion(region string) bool {
	return slices.Contains(Regions, region)
}

// Regional returns the public or private Key Protect URL of region.
func Regional(region string, private bool) string {
	if private {
		return "https://private." + region + ".kms.cloud.ibm.com"
	}
	return "https://" + region + ".kms.cloud.ibm.com"
}

// ParseTargetAddr checks a KP_TARGET_ADDR value and returns it as a base URL
// without a trailing slash. It must be an absolute https URL, or http to a
// loopback host, with no user info, path, query or fragment: the client
// appends /api/v2/ itself, and the bearer token must not travel in clear text
// to another machine.
func ParseTargetAddr(addr string) (string, error) {
	invalid := func(id string) error {
		return usermsg.Usage(id, map[string]any{
			"Variable": EnvTargetAddr,
			"Value":    usermsg.Quote(hideUserInfo(addr)),
		})
	}

	u, err := url.Parse(addr)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "", invalid("error.target-addr.not-url")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", invalid("error.target-addr.scheme")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return "", invalid("error.target-addr.http")
	case u.User != nil:
		return "", invalid("error.target-addr.user-info")
	case u.Path != "" && u.Path != "/":
		return "", invalid("error.target-addr.path")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", invalid("error.target-addr.query")
	case u.Port() != "" && !validPort(u.Port()):
		return "", invalid("error.target-addr.port")
	}
	// URL.String escapes the host again, which keeps the "%25" of an IPv6
	// zone such as [fe80::1%25en0] that url.Parse decoded.
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String(), nil
}

// hideUserInfo replaces the user name and password of a URL with "***", so
// that a message never repeats a password. It works on text that does not
// parse as a URL too, and on URLs without a scheme ("//user:pw@host").
func hideUserInfo(addr string) string {
	_, rest, found := strings.Cut(addr, "//")
	if !found {
		return addr
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return addr
	}
	prefix := addr[:len(addr)-len(rest)]
	return prefix + "***" + rest[at:]
}

// IsLoopback reports whether host is localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validPort(port string) bool {
	if len(port) > 5 {
		return false
	}
	n := 0
	for _, c := range port {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n > 0 && n <= 65535
}
