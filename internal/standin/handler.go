package standin

import (
	"net/http"
	"strings"
)

// Regions lists the Key Protect regions whose names the stand-in accepts as
// a path prefix, plain or with "private.", as in /eu-de/api/v2/....
var Regions = []string{
	"us-south", "us-east", "eu-gb", "eu-de", "eu-es", "au-syd", "jp-tok",
	"jp-osa", "ca-tor", "ca-mon", "br-sao", "in-che", "in-mum",
}

// splitRegion removes a leading region segment from path and returns it
// with the rest of the path.
func splitRegion(path string) (region, rest string) {
	first, after, found := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !found {
		return "", path
	}
	name := strings.TrimPrefix(first, "private.")
	for _, known := range Regions {
		if name == known {
			return first, "/" + after
		}
	}
	return "", path
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	region, rest := splitRegion(r.URL.Path)
	rec := s.record(r, region)

	var status int
	switch {
	case strings.HasPrefix(rest, "/api/v2/"):
		status = s.serveKeyProtect(w, r, region, strings.TrimPrefix(rest, "/api/v2/"))
	case region == "" && rest == "/identity/token":
		status = s.serveIAMToken(w, r, rec)
	case region == "" && strings.HasPrefix(rest, "/v2/resource_instances/"):
		status = s.serveResourceInstance(w, r, strings.TrimPrefix(rest, "/v2/resource_instances/"))
	default:
		status = http.StatusNotFound
		http.Error(w, "standin: no route for "+r.Method+" "+r.URL.Path, status)
	}
	s.setStatus(rec, status)
}

// bearerToken returns the token of an "Authorization: Bearer T" header, or
// "" when the header is missing or uses another scheme.
func bearerToken(r *http.Request) string {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
