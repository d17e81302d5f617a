//lint:file-ignore ST1005 The stand-in returns errors with Key Protect's own capitalized message text.

package standin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Registration limits of GET /api/v2/keys/registrations.
const (
	DefaultRegistrationLimit = 200
	MaxRegistrationLimit     = 5000
)

// Registration links a key to a resource of another service (an associated
// resource). Its JSON form is the one of the Key Protect API.
type Registration struct {
	KeyID              string     `json:"keyId"`
	ResourceCRN        string     `json:"resourceCrn"`
	CreatedBy          string     `json:"createdBy,omitempty"`
	CreationDate       time.Time  `json:"creationDate"`
	UpdatedBy          string     `json:"updatedBy,omitempty"`
	LastUpdated        time.Time  `json:"lastUpdated"`
	Description        string     `json:"description,omitempty"`
	PreventKeyDeletion bool       `json:"preventKeyDeletion"`
	KeyVersion         KeyVersion `json:"keyVersion"`
}

// KeyVersion identifies the key version a registration was made with.
type KeyVersion struct {
	ID           string    `json:"id"`
	CreationDate time.Time `json:"creationDate"`
}

// AddRegistration stores a registration in the instance, creating the
// instance when it does not exist. Zero dates become the current time and an
// empty key version ID becomes the key ID, as for a key never rotated.
func (s *Server) AddRegistration(instanceID string, reg Registration) {
	s.mu.Lock()
	defer s.mu.Unlock()

	now := s.clock().UTC().Truncate(time.Second)
	if reg.CreationDate.IsZero() {
		reg.CreationDate = now
	}
	if reg.LastUpdated.IsZero() {
		reg.LastUpdated = reg.CreationDate
	}
	if reg.KeyVersion.ID == "" {
		reg.KeyVersion.ID = reg.KeyID
	}
	if reg.KeyVersion.CreationDate.IsZero() {
		reg.KeyVersion.CreationDate = reg.CreationDate
	}

	inst := s.instanceLocked(instanceID)
	inst.registrations = append(inst.registrations, reg)
}

type registrationQuery struct {
	limit              int
	offset             int
	crnPattern         []string
	preventKeyDeletion *bool
	totalCount         bool
}

type registrationList struct {
	Metadata  collectionMetadata `json:"metadata"`
	Resources []Registration     `json:"resources"`
}

// serveRegistrations lists the registrations of the instance, or of key
// when it is not nil, filtered and then paged.
func (s *Server) serveRegistrations(w http.ResponseWriter, r *http.Request, instanceID string, key *Key) int {
	query, err := parseRegistrationQuery(r, key == nil)
	if err != nil {
		return writeKPError(w, http.StatusBadRequest, "Bad Request: Registrations could not be retrieved",
			"INVALID_QUERY_PARAM_ERR", err.Error())
	}

	s.mu.Lock()
	var matched []Registration
	for _, reg := range s.instances[instanceID].registrations {
		if query.matches(reg, key) {
			matched = append(matched, reg)
		}
	}
	s.mu.Unlock()

	page := []Registration{}
	if query.offset < len(matched) {
		end := min(query.offset+query.limit, len(matched))
		page = matched[query.offset:end]
	}

	list := registrationList{
		Metadata: collectionMetadata{
			CollectionType:  "application/vnd.ibm.kms.registration+json",
			CollectionTotal: len(page),
		},
		Resources: page,
	}
	if query.totalCount {
		total := len(matched)
		list.Metadata.TotalCount = &total
	}
	return writeJSON(w, http.StatusOK, list)
}

func (q registrationQuery) matches(reg Registration, key *Key) bool {
	if key != nil && reg.KeyID != key.ID {
		return false
	}
	if q.preventKeyDeletion != nil && reg.PreventKeyDeletion != *q.preventKeyDeletion {
		return false
	}
	return q.crnPattern == nil || crnMatches(q.crnPattern, reg.ResourceCRN)
}

// NOTE: the reason code INVALID_QUERY_PARAM_ERR and the bounds checked here
// (limit 1 to 5000, offset from 0) follow the API reference, but the
// service's exact messages were not checked.
func parseRegistrationQuery(r *http.Request, allKeys bool) (registrationQuery, error) {
	values := r.URL.Query()
	query := registrationQuery{limit: DefaultRegistrationLimit}

	if v := values.Get("limit"); v != "" {
		limit, err := strconv.Atoi(v)
		if err != nil || limit < 1 || limit > MaxRegistrationLimit {
			return query, fmt.Errorf("The query parameter 'limit' must be an integer from 1 to %d, not %q", MaxRegistrationLimit, v)
		}
		query.limit = limit
	}

	if v := values.Get("offset"); v != "" {
		offset, err := strconv.Atoi(v)
		if err != nil || offset < 0 {
			return query, fmt.Errorf("The query parameter 'offset' must be an integer of at least 0, not %q", v)
		}
		query.offset = offset
	}

	if v := values.Get("preventKeyDeletion"); v != "" {
		prevent, err := strconv.ParseBool(v)
		if err != nil {
			return query, fmt.Errorf("The query parameter 'preventKeyDeletion' must be true or false, not %q", v)
		}
		query.preventKeyDeletion = &prevent
	}

	if v := values.Get("totalCount"); v != "" {
		total, err := strconv.ParseBool(v)
		if err != nil {
			return query, fmt.Errorf("The query parameter 'totalCount' must be true or false, not %q", v)
		}
		query.totalCount = total
	}

	if v := values.Get("urlEncodedResourceCRNQuery"); v != "" {
		pattern, err := parseCRNPattern(v, allKeys)
		if err != nil {
			return query, err
		}
		query.crnPattern = pattern
	}
	return query, nil
}

// crnSegments is the number of colon-separated segments of a CRN:
// crn:version:cname:ctype:service-name:location:scope:service-instance:resource-type:resource.
const crnSegments = 10

// fixedCRNSegments is how many leading segments of a CRN query for all keys
// must be given without a wildcard.
const fixedCRNSegments = 8

func splitCRN(crn string) []string {
	// A resource may contain colons, so they stay in the last segment.
	return strings.SplitN(crn, ":", crnSegments)
}

func parseCRNPattern(pattern string, allKeys bool) ([]string, error) {
	segments := splitCRN(pattern)
	if len(segments) != crnSegments || segments[0] != "crn" {
		return nil, fmt.Errorf("The query parameter 'urlEncodedResourceCRNQuery' must be a CRN of %d segments starting with 'crn:', not %q", crnSegments, pattern)
	}
	if allKeys {
		for _, segment := range segments[:fixedCRNSegments] {
			if strings.Contains(segment, "*") {
				return nil, fmt.Errorf("The query parameter 'urlEncodedResourceCRNQuery' must not have '*' in its first %d segments when it lists the registrations of all keys, not %q", fixedCRNSegments, pattern)
			}
		}
	}
	return segments, nil
}

func crnMatches(pattern []string, crn string) bool {
	segments := splitCRN(crn)
	if len(segments) != len(pattern) {
		return false
	}
	for i := range pattern {
		if !globMatches(pattern[i], segments[i]) {
			return false
		}
	}
	return true
}

// globMatches reports whether s matches pattern, where each '*' stands for
// any run of characters and every other character for itself.
func globMatches(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	last := parts[len(parts)-1]
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
