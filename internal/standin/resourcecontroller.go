package standin

import (
	"net/http"
	"strings"
)

// KeyProtectResourceID is the catalog service ID put in resource_id.
//
// NOTE: taken from public Key Protect examples, not checked against the
// live catalog.
const KeyProtectResourceID = "ee41347f-b18e-4ca6-bf80-b5467c63f9a6"

type resourceInstance struct {
	ID         string `json:"id"`
	GUID       string `json:"guid"`
	CRN        string `json:"crn"`
	RegionID   string `json:"region_id"`
	Name       string `json:"name"`
	ResourceID string `json:"resource_id"`
	State      string `json:"state"`
	Type       string `json:"type"`
}

type resourceControllerError struct {
	Message    string `json:"message"`
	StatusCode int    `json:"status_code"`
}

// AddResourceInstance makes GET /v2/resource_instances/{guid} return an
// active Key Protect instance with the CRN and region.
func (s *Server) AddResourceInstance(guid, crn, regionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resourceInstances[guid] = resourceInstance{
		ID:         crn,
		GUID:       guid,
		CRN:        crn,
		RegionID:   regionID,
		Name:       "Key Protect " + guid,
		ResourceID: KeyProtectResourceID,
		State:      "active",
		Type:       "service_instance",
	}
}

// DenyResourceController makes the Resource Controller return 403 to every
// request while deny is true, as it does for a user without access.
func (s *Server) DenyResourceController(deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denyRC = deny
}

func (s *Server) serveResourceInstance(w http.ResponseWriter, r *http.Request, guid string) int {
	if r.Method != http.MethodGet || strings.Contains(guid, "/") {
		return writeJSON(w, http.StatusNotFound, resourceControllerError{"The stand-in serves only GET /v2/resource_instances/{guid}", http.StatusNotFound})
	}
	if !s.tokenAccepted(bearerToken(r)) {
		return writeJSON(w, http.StatusUnauthorized, resourceControllerError{"The token is missing, invalid or expired", http.StatusUnauthorized})
	}

	s.mu.Lock()
	deny := s.denyRC
	inst, found := s.resourceInstances[guid]
	s.mu.Unlock()

	if deny {
		return writeJSON(w, http.StatusForbidden, resourceControllerError{"You are not authorized to view the instance " + guid, http.StatusForbidden})
	}
	if !found {
		return writeJSON(w, http.StatusNotFound, resourceControllerError{"Instance " + guid + " not found", http.StatusNotFound})
	}
	return writeJSON(w, http.StatusOK, inst)
}
