package standin

import (
	"net/http"
	"time"
)

// Fault replaces the normal response to one Key Protect request.
type Fault struct {
	Status int
	// RetryAfter is the Retry-After header value; "" sends none.
	RetryAfter string
	// Location is the Location header value, for redirects; "" sends none.
	Location    string
	Body        string
	ContentType string
	// Drop closes the connection without a response.
	Drop bool
	// Hang sends no response until the client gives up or the server closes.
	Hang bool
}

// SetLatency delays every Key Protect request by d before it is handled.
// Close ends a pending delay early.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// InjectFaults queues faults that the next Key Protect requests get, one per
// request in arrival order. Requests after the queue is empty are handled
// normally.
func (s *Server) InjectFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// InjectKeyFaults queues faults for requests whose path names idOrAlias
// exactly as given. They are consumed before the faults of InjectFaults.
func (s *Server) InjectKeyFaults(idOrAlias string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyFaults[idOrAlias] = append(s.keyFaults[idOrAlias], faults...)
}

// PendingFaults returns the number of queued faults not yet consumed, for
// all keys and for every key together.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.faults)
	for _, queue := range s.keyFaults {
		n += len(queue)
	}
	return n
}

func (s *Server) nextFault(idOrAlias string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if queue := s.keyFaults[idOrAlias]; idOrAlias != "" && len(queue) > 0 {
		s.keyFaults[idOrAlias] = queue[1:]
		return queue[0], true
	}
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		return f, true
	}
	return Fault{}, false
}

// wait sleeps for the latency and reports false when the client gave up or
// the server closed first.
func (s *Server) wait(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}

	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closed:
		return false
	}
}

// serveFault writes the fault and returns the status recorded for it.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Fault) int {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return 0

	case f.Drop:
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, _, err := hijacker.Hijack()
		if err == nil {
			conn.Close()
		}
		return 0
	}

	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	if f.ContentType != "" {
		w.Header().Set("Content-Type", f.ContentType)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
	return status
}
