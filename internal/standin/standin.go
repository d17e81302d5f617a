// Package standin runs an in-process stand-in for the IBM Cloud services
// that the kp key sync plug-in calls: the Key Protect sync and registrations
// API, the IAM token endpoint and the Resource Controller instance lookup.
//
// It is modelled on net/http/httptest: New starts a server on a loopback
// port, URL is its base address, Close stops it, and tests read back the
// requests it recorded. All methods are safe for concurrent use.
package standin

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultKeyRing is the ring of a key that was created without the
// x-kms-key-ring header.
const DefaultKeyRing = "default"

// Key is a Key Protect key as the stand-in stores it.
type Key struct {
	ID      string
	Aliases []string
	// KeyRing is the key ring ID; "" means DefaultKeyRing.
	KeyRing string
	// Deleted marks a key in the deleted state (5). A deleted key is found
	// by ID only, because its aliases go away with it.
	Deleted bool
	// LastEvent is the time of the key's last creation, lifecycle action or
	// sync. The zero value means long ago, so a sync is allowed at once.
	LastEvent time.Time
}

// Server is a running stand-in. Create it with New, NewTLS or Listen.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT or https://127.0.0.1:PORT,
	// with no trailing slash.
	URL string

	httpServer *httptest.Server
	closed     chan struct{}
	closeOnce  sync.Once

	connections atomic.Int64

	mu                sync.Mutex
	clock             func() time.Time
	instances         map[string]*instance
	instanceRegions   map[string]string
	tokens            map[string]bool
	refreshTokens     map[string]bool
	resourceInstances map[string]resourceInstance
	denyRC            bool
	latency           time.Duration
	faults            []Fault
	keyFaults         map[string][]Fault
	records           []*Request
	inFlight          int
	maxInFlight       int
}

type instance struct {
	keys          []*Key
	registrations []Registration
}

// New starts a plain HTTP stand-in on 127.0.0.1 at a free port. It panics
// if it cannot listen, as httptest.NewServer does.
func New() *Server {
	s := newUnstarted()
	s.httpServer.Start()
	s.URL = s.httpServer.URL
	return s
}

// NewTLS starts an HTTPS stand-in on 127.0.0.1 with httptest's self-signed
// certificate, which clients reject unless they trust
// Certificate(). Tests use it for TLS failures.
func NewTLS() *Server {
	s := newUnstarted()
	s.httpServer.StartTLS()
	s.URL = s.httpServer.URL
	return s
}

// Listen starts a plain HTTP stand-in on addr, which must name a loopback
// host such as 127.0.0.1:8080 or [::1]:0, because the stand-in has no
// authentication worth exposing to a network.
func Listen(addr string) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("invalid listen address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("listen address %q is not on loopback: use 127.0.0.1 or [::1]", addr)
	}

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}

	s := newUnstarted()
	s.httpServer.Listener.Close()
	s.httpServer.Listener = listener
	s.httpServer.Start()
	s.URL = s.httpServer.URL
	return s, nil
}

func newUnstarted() *Server {
	s := &Server{
		closed:            make(chan struct{}),
		clock:             time.Now,
		instances:         map[string]*instance{},
		instanceRegions:   map[string]string{},
		tokens:            map[string]bool{},
		refreshTokens:     map[string]bool{},
		resourceInstances: map[string]resourceInstance{},
		keyFaults:         map[string][]Fault{},
	}
	s.httpServer = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	// httptest keeps this hook and calls it from its own ConnState wrapper.
	s.httpServer.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
	}
	return s
}

// Close releases requests that hang on a fault or a latency, then shuts the
// server down and waits for its handlers to return.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.httpServer.CloseClientConnections()
		s.httpServer.Close()
	})
}

// Client returns an HTTP client that trusts the server's certificate, like
// httptest.Server.Client.
func (s *Server) Client() *http.Client {
	return s.httpServer.Client()
}

// Certificate returns the self-signed certificate of a server started with
// NewTLS, and nil for a plain HTTP server.
func (s *Server) Certificate() *x509.Certificate {
	if s.httpServer.TLS == nil {
		return nil
	}
	return s.httpServer.Certificate()
}

// SetClock replaces time.Now as the source of the current time for the
// one-hour sync window and for default registration dates.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// AddInstance creates an empty Key Protect instance. Adding an instance that
// exists keeps its keys.
func (s *Server) AddInstance(instanceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instanceLocked(instanceID)
}

func (s *Server) instanceLocked(instanceID string) *instance {
	inst := s.instances[instanceID]
	if inst == nil {
		inst = &instance{}
		s.instances[instanceID] = inst
	}
	return inst
}

// AddKey stores a copy of k in the instance, creating the instance when it
// does not exist.
func (s *Server) AddKey(instanceID string, k Key) {
	k.Aliases = append([]string(nil), k.Aliases...)
	if k.KeyRing == "" {
		k.KeyRing = DefaultKeyRing
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instanceLocked(instanceID)
	inst.keys = append(inst.keys, &k)
}

// AddKeys creates n keys with random UUIDs in the default ring, whose last
// event is long ago, and returns their IDs.
func (s *Server) AddKeys(instanceID string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = NewUUID()
		s.AddKey(instanceID, Key{ID: ids[i]})
	}
	return ids
}

// KeyLastEvent returns the last event time of the key with the given ID, and
// false when the instance has no such key.
func (s *Server) KeyLastEvent(instanceID, keyID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instances[instanceID]
	if inst == nil {
		return time.Time{}, false
	}
	for _, k := range inst.keys {
		if k.ID == keyID {
			return k.LastEvent, true
		}
	}
	return time.Time{}, false
}

// RestrictInstanceRegion makes Key Protect requests for the instance that
// arrive under another region prefix fail with 401, as the real service
// does when the region does not match. A "private." prefix counts as its
// region, and requests without a region prefix are not checked.
func (s *Server) RestrictInstanceRegion(instanceID, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instanceRegions[instanceID] = region
}

// AcceptToken makes Key Protect and the Resource Controller accept the
// bearer token, given without its "Bearer " prefix.
func (s *Server) AcceptToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}

// RevokeToken makes the bearer token fail with 401 from now on.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

func (s *Server) tokenAccepted(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[token]
}

// NewUUID returns a random version 4 UUID in its canonical text form.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("standin: read random bytes: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
