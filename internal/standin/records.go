package standin

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request is one request the stand-in received.
type Request struct {
	Method   string
	Path     string // the full path as received, region prefix included
	RawQuery string
	Header   http.Header
	// Region is the region prefix the request reached, such as "eu-de" or
	// "private.eu-de", and "" when the path had none.
	Region string
	// Status is the status code sent, 0 for a dropped connection or while
	// the request is still being handled.
	Status int
	// Form is the parsed form body of an IAM token request, nil otherwise.
	Form url.Values
	// Time is the arrival time from time.Now, not from SetClock, so that
	// tests can measure waits between requests.
	Time time.Time
}

func (s *Server) record(r *http.Request, region string) *Request {
	rec := &Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Region:   region,
		Time:     time.Now(),
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, rec)
	return rec
}

func (s *Server) setStatus(rec *Request, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status = status
}

// Requests returns copies of the recorded requests in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.records))
	for i, rec := range s.records {
		out[i] = *rec
		out[i].Header = rec.Header.Clone()
		out[i].Form = url.Values(maps.Clone(rec.Form))
	}
	return out
}

// RequestsTo returns the recorded requests whose path ends with pathSuffix,
// such as "/actions/sync" or "/identity/token".
func (s *Server) RequestsTo(pathSuffix string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, pathSuffix) {
			out = append(out, r)
		}
	}
	return out
}

// RequestCount returns the number of requests of any kind recorded since
// the start or the last Reset.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// ConnectionCount returns the number of TCP connections accepted since the
// start or the last Reset.
func (s *Server) ConnectionCount() int {
	return int(s.connections.Load())
}

// MaxInFlight returns the highest number of Key Protect requests that were
// being handled at once since the start or the last Reset. Latency and hung
// faults count as being handled.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Reset clears the recorded requests and the counters. Keys, tokens, faults
// and other setup stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = nil
	s.maxInFlight = s.inFlight
	s.connections.Store(0)
}

func (s *Server) enterKeyProtect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
}

func (s *Server) leaveKeyProtect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}
