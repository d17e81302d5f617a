package registrations

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	kp "github.com/IBM/keyprotect-go-client"

	"github.com/key-protect-sync/kp-sync/i18n"
)

// Registration is one element of the array -o json prints. The docs list
// every field; change both together.
type Registration struct {
	KeyID              string     `json:"key_id"`
	ResourceCRN        string     `json:"resource_crn"`
	Service            string     `json:"service"`
	Resource           string     `json:"resource"`
	PreventKeyDeletion bool       `json:"prevent_key_deletion"`
	KeyVersion         KeyVersion `json:"key_version"`
	CreatedBy          string     `json:"created_by"`
	CreationDate       *time.Time `json:"creation_date"`
	UpdatedBy          string     `json:"updated_by"`
	LastUpdated        *time.Time `json:"last_updated"`
	Description        string     `json:"description,omitempty"`
}

// KeyVersion is the version of the key that a registration was made with.
type KeyVersion struct {
	ID           string     `json:"id"`
	CreationDate *time.Time `json:"creation_date"`
}

// toJSON converts the registrations for -o json, with times in UTC. The
// result is never nil, so an empty list prints as [].
func toJSON(regs []kp.Registration) []Registration {
	result := make([]Registration, 0, len(regs))
	for _, reg := range regs {
		result = append(result, Registration{
			KeyID:              reg.KeyID,
			ResourceCRN:        reg.ResourceCrn,
			Service:            serviceOf(reg.ResourceCrn),
			Resource:           resourceOf(reg.ResourceCrn),
			PreventKeyDeletion: reg.PreventKeyDeletion,
			KeyVersion: KeyVersion{
				ID:           reg.KeyVersion.ID,
				CreationDate: utc(reg.KeyVersion.CreationDate),
			},
			CreatedBy:    reg.CreatedBy,
			CreationDate: utc(reg.CreationDate),
			UpdatedBy:    reg.UpdatedBy,
			LastUpdated:  utc(reg.LastUpdateDate),
			Description:  reg.Description,
		})
	}
	return result
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// crnSegments is the number of colon-separated segments of a CRN:
// crn:version:cname:ctype:service-name:location:scope:service-instance:resource-type:resource.
// The resource, the last one, may contain colons.
const crnSegments = 10

// serviceOf returns the service-name segment of a CRN, such as
// cloud-object-storage, and "" for a string that is not a CRN.
func serviceOf(crn string) string {
	segments := strings.SplitN(crn, ":", crnSegments)
	if len(segments) != crnSegments {
		return ""
	}
	return segments[4]
}

// resourceOf returns what a CRN names inside its service: the resource-type
// and resource segments joined by a colon, such as bucket:photos, or the one
// of them that is given. A CRN of a whole service instance leaves both empty,
// and then the service-instance segment is returned. A string that is not a
// CRN is returned unchanged, so that the table still shows something.
func resourceOf(crn string) string {
	segments := strings.SplitN(crn, ":", crnSegments)
	if len(segments) != crnSegments {
		return crn
	}

	resourceType, resource := segments[8], segments[9]
	switch {
	case resourceType != "" && resource != "":
		return resourceType + ":" + resource
	case resourceType != "":
		return resourceType
	case resource != "":
		return resource
	}
	return segments[7]
}

// printTable prints the text output after OK: a table in the SDK's style, or
// a line saying that there is nothing to show.
func (opts *Options) printTable(regs []kp.Registration) {
	if len(regs) == 0 {
		opts.UI.Print("%s", i18n.T("registrations.none"))
		return
	}

	location := opts.Location
	if location == nil {
		location = time.Local
	}

	opts.UI.Print("")
	table := opts.UI.Table([]string{
		i18n.T("registrations.table.key-id"),
		i18n.T("registrations.table.service"),
		i18n.T("registrations.table.resource"),
		i18n.T("registrations.table.prevent-deletion"),
		i18n.T("registrations.table.key-version"),
		i18n.T("registrations.table.last-updated"),
	})
	for _, reg := range regs {
		lastUpdated := ""
		if reg.LastUpdateDate != nil {
			lastUpdated = reg.LastUpdateDate.In(location).Format("2006-01-02 15:04:05 MST")
		}
		table.Add(
			reg.KeyID,
			serviceOf(reg.ResourceCrn),
			resourceOf(reg.ResourceCrn),
			strconv.FormatBool(reg.PreventKeyDeletion),
			reg.KeyVersion.ID,
			lastUpdated,
		)
	}
	table.Print()
}

func writeJSON(w io.Writer, value any) error {
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	encoder.SetEscapeHTML(false)
	return encoder.Encode(value)
}
