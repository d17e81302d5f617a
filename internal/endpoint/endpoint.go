// Package endpoint decides which Key Protect URL a command calls, and
// records where the region of that URL came from.
package endpoint

import (
	"context"
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
	// Services endpoints. It wins over every other source and skips the
	// instance lookup.
	EnvTargetAddr = "KP_TARGET_ADDR"

	// EnvRegionTemplate replaces the regional Key Protect URL, for gateways
	// and tests. RegionPlaceholder in it becomes the region, or
	// "private.REGION" in a session that uses private endpoints.
	EnvRegionTemplate = "KP_REGION_ENDPOINT_TEMPLATE"

	// RegionPlaceholder is the part of EnvRegionTemplate that the region
	// replaces.
	RegionPlaceholder = "{region}"
)

// Source names the origin of an endpoint's region, which the endpoint line
// shows.
type Source string

// The sources of an endpoint, in the order Resolve tries them.
const (
	SourceTargetAddr    Source = "KP_TARGET_ADDR"
	SourceFlag          Source = "flag"    // -r, --region
	SourceCache         Source = "cache"   // an earlier lookup, cached
	SourceLookup        Source = "lookup"  // the Resource Controller
	SourceSessionRegion Source = "session" // the region ibmcloud targets
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

	// Warning explains why the instance lookup gave no region, when the
	// session's region was used in its place.
	Warning *usermsg.Error

	// StaleRegion is the cached region that failed with 401 or 404 before a
	// new lookup found Region; "" otherwise.
	StaleRegion string
}

// Request is what decides the endpoint of one command run.
type Request struct {
	InstanceID    string // "" skips the instance lookup
	Region        string // from -r, --region; "" when not given
	SessionRegion string // the region ibmcloud targets
	Private       bool   // the session uses private endpoints
}

// Location is the region of an instance and where it was found.
type Location struct {
	Region string
	Source Source // SourceCache or SourceLookup

	// Warning, set when Region is "", explains why the lookup failed in a
	// way that lets the session's region be used in its place.
	Warning *usermsg.Error
}

// Locator finds the region of an instance. A returned error ends the
// command; a Location without a region falls back to the session's region.
type Locator func(ctx context.Context, instanceID string) (Location, error)

// Resolve returns the endpoint to call, from the first source that applies:
// KP_TARGET_ADDR, the region flag, the instance's region from locate (which
// may be nil), the session's region. KP_REGION_ENDPOINT_TEMPLATE, when set,
// replaces the regional URL.
func Resolve(ctx context.Context, req Request, getenv func(string) string, locate Locator) (Endpoint, error) {
	if req.Region != "" {
		if err := CheckRegion(req.Region); err != nil {
			return Endpoint{}, err
		}
	}

	if addr := getenv(EnvTargetAddr); addr != "" {
		base, err := ParseTargetAddr(addr)
		if err != nil {
			return Endpoint{}, err
		}
		return Endpoint{URL: base, Source: SourceTargetAddr}, nil
	}

	template, err := ParseRegionTemplate(getenv(EnvRegionTemplate))
	if err != nil {
		return Endpoint{}, err
	}
	at := func(region string, source Source) Endpoint {
		return Endpoint{URL: regionalURL(template, region, req.Private), Region: region, Private: req.Private, Source: source}
	}

	if req.Region != "" {
		return at(req.Region, SourceFlag), nil
	}

	var warning *usermsg.Error
	if req.InstanceID != "" && locate != nil {
		location, err := locate(ctx, req.InstanceID)
		if err != nil {
			return Endpoint{}, err
		}
		if location.Region != "" {
			return at(location.Region, location.Source), nil
		}
		warning = location.Warning
	}

	if req.SessionRegion == "" {
		if warning != nil {
			return Endpoint{}, usermsg.Failure("error.endpoint.no-region-after-lookup", map[string]any{"Reason": warning}, warning)
		}
		return Endpoint{}, usermsg.Failure("error.endpoint.no-region", nil, nil)
	}
	if !IsRegion(req.SessionRegion) {
		return Endpoint{}, usermsg.Failure("error.endpoint.unsupported-region", map[string]any{
			"Region":  req.SessionRegion,
			"Regions": strings.Join(Regions, ", "),
		}, nil)
	}
	ep := at(req.SessionRegion, SourceSessionRegion)
	ep.Warning = warning
	return ep, nil
}

// CheckRegion checks a region given on the command line against the regions
// that serve Key Protect.
func CheckRegion(region string) error {
	if IsRegion(region) {
		return nil
	}
	return usermsg.Usage("error.region.invalid", map[string]any{
		"Value":   usermsg.Quote(region),
		"Regions": strings.Join(Regions, ", "),
	})
}

// IsRegion reports whether region serves Key Protect.
func IsRegion(region string) bool {
	return slices.Contains(Regions, region)
}

// Regional returns the public or private Key Protect URL of region.
func Regional(region string, private bool) string {
	return regionalURL("", region, private)
}

// regionalURL fills template, or the default
// https://{region}.kms.cloud.ibm.com, with region, prefixed with "private."
// for a private endpoint.
func regionalURL(template, region string, private bool) string {
	if template == "" {
		template = "https://" + RegionPlaceholder + ".kms.cloud.ibm.com"
	}
	if private {
		region = "private." + region
	}
	return strings.ReplaceAll(template, RegionPlaceholder, region)
}

// ParseRegionTemplate checks a KP_REGION_ENDPOINT_TEMPLATE value and returns
// it without a trailing slash; "" stays "". The template must contain
// {region}, and with a region filled in it must pass the checks of
// ParseServiceURL.
func ParseRegionTemplate(template string) (string, error) {
	if template == "" {
		return "", nil
	}
	if !strings.Contains(template, RegionPlaceholder) {
		return "", usermsg.Usage("error.region-template.placeholder", map[string]any{
			"Variable":    EnvRegionTemplate,
			"Value":       usermsg.Quote(template),
			"Placeholder": RegionPlaceholder,
		})
	}

	sample := regionalURL(template, Regions[0], true)
	if _, err := parseBaseURL(EnvRegionTemplate, template, sample, true); err != nil {
		return "", err
	}
	return strings.TrimRight(template, "/"), nil
}

// ParseServiceURL checks the value of variable, a base URL of an IBM Cloud
// service, and returns it without a trailing slash. It has the rules of
// ParseTargetAddr, except that a path is allowed, for gateways that route
// by path.
func ParseServiceURL(variable, value string) (string, error) {
	return parseBaseURL(variable, value, value, true)
}

// ParseTargetAddr checks a KP_TARGET_ADDR value and returns it as a base URL
// without a trailing slash. It must be an absolute https URL, or http to a
// loopback host, with no user info, path, query or fragment: the client
// appends /api/v2/ itself, and the bearer token must not travel in clear text
// to another machine.
func ParseTargetAddr(addr string) (string, error) {
	return parseBaseURL(EnvTargetAddr, addr, addr, false)
}

// parseBaseURL checks value, the setting of variable, by the rules of
// ParseTargetAddr, with a path allowed when allowPath is set. The checks run
// on parsed, which is value with any placeholder filled in. The messages of
// the error.target-addr IDs name the variable, so every variable shares
// them.
func parseBaseURL(variable, value, parsed string, allowPath bool) (string, error) {
	invalid := func(id string) error {
		return usermsg.Usage(id, map[string]any{
			"Variable": variable,
			"Value":    usermsg.Quote(hideUserInfo(value)),
		})
	}

	// The not-URL message of KP_TARGET_ADDR gives a Key Protect URL as its
	// example, so the other variables have their own.
	notURL := invalid("error.target-addr.not-url")
	if variable != EnvTargetAddr {
		notURL = invalid("error.url.not-url")
	}

	u, err := url.Parse(parsed)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "", notURL
	case u.Scheme != "https" && u.Scheme != "http":
		return "", invalid("error.target-addr.scheme")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return "", invalid("error.target-addr.http")
	case u.User != nil:
		return "", invalid("error.target-addr.user-info")
	case !allowPath && u.Path != "" && u.Path != "/":
		return "", invalid("error.target-addr.path")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", invalid("error.target-addr.query")
	case u.Port() != "" && !validPort(u.Port()):
		return "", invalid("error.target-addr.port")
	}
	// URL.String escapes the host again, which keeps the "%25" of an IPv6
	// zone such as [fe80::1%25en0] that url.Parse decoded.
	base := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	if allowPath {
		base += strings.TrimRight(u.EscapedPath(), "/")
	}

	// A host that url.Parse accepts can still come back as a URL it rejects,
	// such as an IPv6 zone with a byte that is not UTF-8. Only a base URL
	// that parses again to the same host is used.
	again, err := url.Parse(base)
	if err != nil || again.Host != u.Host {
		return "", notURL
	}
	return base, nil
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
