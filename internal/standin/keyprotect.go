package standin

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// moreInfo is the link the real service puts in every error reason.
const moreInfo = "https://cloud.ibm.com/apidocs/key-protect"

// SyncWindow is how long after a key's last event Key Protect rejects a sync
// with 409 REQ_TOO_EARLY_ERR.
const SyncWindow = time.Hour

type errorReason struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Status   int    `json:"status"`
	MoreInfo string `json:"moreInfo"`
}

type errorResource struct {
	ErrorMsg string        `json:"errorMsg"`
	Reasons  []errorReason `json:"reasons,omitempty"`
}

type collectionMetadata struct {
	CollectionType  string `json:"collectionType"`
	CollectionTotal int    `json:"collectionTotal"`
	TotalCount      *int   `json:"totalCount,omitempty"`
}

type errorBody struct {
	Metadata  collectionMetadata `json:"metadata"`
	Resources []errorResource    `json:"resources"`
}

// writeKPError writes the Key Protect error body, whose errorMsg ends with
// the reason code in brackets as the service's messages do.
func writeKPError(w http.ResponseWriter, status int, summary, code, message string) int {
	body := errorBody{
		Metadata: collectionMetadata{
			CollectionType:  "application/vnd.ibm.kms.error+json",
			CollectionTotal: 1,
		},
		Resources: []errorResource{{
			ErrorMsg: summary + ": Please see 'reasons' for more details (" + code + ")",
			Reasons: []errorReason{{
				Code:     code,
				Message:  message,
				Status:   status,
				MoreInfo: moreInfo,
			}},
		}},
	}
	return writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
	return status
}

func writeUnauthorized(w http.ResponseWriter) int {
	return writeKPError(w, http.StatusUnauthorized,
		"Unauthorized: The user does not have access to the specified resource",
		"UNAUTHORIZED_ERR", "The user does not have access to the specified resource")
}

// serveKeyProtect handles a request below /api/v2/ after latency and
// faults, checking the token, then the instance, then the key, as the
// real service reports them in that order.
func (s *Server) serveKeyProtect(w http.ResponseWriter, r *http.Request, region, route string) int {
	s.enterKeyProtect()
	defer s.leaveKeyProtect()

	if id := r.Header.Get("correlation-id"); id != "" {
		w.Header().Set("correlation-id", id)
	}

	if !s.wait(r) {
		return 0
	}

	segments := strings.Split(route, "/")
	keyRef := ""
	if len(segments) >= 3 && segments[0] == "keys" {
		keyRef = segments[1]
	}
	if fault, ok := s.nextFault(keyRef); ok {
		return s.serveFault(w, r, fault)
	}

	if !s.tokenAccepted(bearerToken(r)) {
		return writeUnauthorized(w)
	}
	instanceID := r.Header.Get("bluemix-instance")
	if !s.instanceReachable(instanceID, region) {
		return writeUnauthorized(w)
	}

	ring := r.Header.Get("x-kms-key-ring")
	switch {
	case route == "keys/registrations":
		return s.requireGet(w, r, func() int { return s.serveRegistrations(w, r, instanceID, nil) })

	case len(segments) == 3 && segments[0] == "keys" && segments[2] == "registrations":
		return s.requireGet(w, r, func() int {
			key, found := s.findKey(instanceID, keyRef, ring)
			if !found {
				return writeKeyNotFound(w, "Registrations could not be retrieved")
			}
			return s.serveRegistrations(w, r, instanceID, &key)
		})

	case len(segments) == 4 && segments[0] == "keys" && segments[2] == "actions" && segments[3] == "sync":
		if r.Method != http.MethodPost {
			return writeMethodNotAllowed(w, r)
		}
		return s.serveSync(w, instanceID, keyRef, ring)
	}

	// NOTE: the stand-in serves only the sync and registrations routes. The
	// real service has many more, so a 404 here may be a gap of the stand-in.
	return writeKPError(w, http.StatusNotFound, "Not Found: The requested resource could not be found",
		"NOT_FOUND_ERR", "The stand-in does not serve "+r.Method+" /api/v2/"+route)
}

func (s *Server) requireGet(w http.ResponseWriter, r *http.Request, serve func() int) int {
	if r.Method != http.MethodGet {
		return writeMethodNotAllowed(w, r)
	}
	return serve()
}

func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request) int {
	return writeKPError(w, http.StatusMethodNotAllowed, "Method Not Allowed: The method is not supported",
		"METHOD_NOT_ALLOWED_ERR", "The stand-in does not serve "+r.Method+" on this path")
}

// NOTE: the summaries of errors other than 409 REQ_TOO_EARLY_ERR follow the
// pattern of messages in keyprotect-go-client v0.17.3 tests. Their exact
// wording was not checked against the live service.
func writeKeyNotFound(w http.ResponseWriter, summary string) int {
	return writeKPError(w, http.StatusNotFound, "Not Found: "+summary, "KEY_NOT_FOUND_ERR", "Key does not exist")
}

func (s *Server) instanceReachable(instanceID, region string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.instances[instanceID] == nil {
		return false
	}
	want, restricted := s.instanceRegions[instanceID]
	if !restricted || region == "" {
		return true
	}
	return strings.TrimPrefix(region, "private.") == want
}

// findKey returns a copy of the key named by ID, or by alias unless it is
// deleted, in the ring when ring is not "".
func (s *Server) findKey(instanceID, idOrAlias, ring string) (Key, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.findKeyLocked(instanceID, idOrAlias, ring)
	if k == nil {
		return Key{}, false
	}
	return *k, true
}

func (s *Server) findKeyLocked(instanceID, idOrAlias, ring string) *Key {
	inst := s.instances[instanceID]
	if inst == nil || idOrAlias == "" {
		return nil
	}
	for _, k := range inst.keys {
		if ring != "" && k.KeyRing != ring {
			continue
		}
		if k.ID == idOrAlias {
			return k
		}
		if k.Deleted {
			continue
		}
		for _, alias := range k.Aliases {
			if alias == idOrAlias {
				return k
			}
		}
	}
	return nil
}

// serveSync checks and updates the key under one lock, so that of two
// concurrent syncs of one key exactly one gets 204.
func (s *Server) serveSync(w http.ResponseWriter, instanceID, idOrAlias, ring string) int {
	s.mu.Lock()
	key := s.findKeyLocked(instanceID, idOrAlias, ring)
	if key == nil {
		s.mu.Unlock()
		return writeKeyNotFound(w, "Could not initiate sync requests to associated resources")
	}

	now := s.clock()
	if !key.LastEvent.IsZero() && now.Before(key.LastEvent.Add(SyncWindow)) {
		allowedAt := key.LastEvent.Add(SyncWindow).UTC().Format(time.RFC3339)
		s.mu.Unlock()
		return writeKPError(w, http.StatusConflict,
			"Conflict: Could not initiate sync requests to associated resources",
			"REQ_TOO_EARLY_ERR",
			"The key was updated recently: Please wait and try again: Sync cannot be performed until at least "+allowedAt)
	}

	key.LastEvent = now
	s.mu.Unlock()

	w.WriteHeader(http.StatusNoContent)
	return http.StatusNoContent
}
