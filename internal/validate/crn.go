package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/crn"
)

// crnSegmentNames are the colon-separated segments of a CRN, in order. The
// resource, the last one, may itself contain colons.
var crnSegmentNames = []string{
	"crn", "version", "cname", "ctype", "service-name", "location",
	"scope", "service-instance", "resource-type", "resource",
}

// requiredCRNSegments is how many leading segments a CRN cannot leave empty:
// "crn" through the location, which is "global" for global resources.
const requiredCRNSegments = 6

// fixedCRNSegments is how many leading segments of a CRN query Key Protect
// rejects a wildcard in when the query lists the registrations of every key.
const fixedCRNSegments = 8

// CRNPattern checks a CRN query for the registrations list: a CRN of the
// form crn:version:cname:ctype:service-name:location:scope:service-instance:resource-type:resource
// in which `*` stands for any run of characters. allKeys is true when the
// query covers every key, where Key Protect accepts `*` only in the
// resource-type and resource segments.
func CRNPattern(s string, allKeys bool) error {
	if !utf8.ValidString(s) {
		return newError("error.crn-query.encoding", s, nil)
	}
	position := 0
	for _, r := range s {
		position++
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return newError("error.crn-query.character", s, map[string]any{"Position": position})
		}
	}

	segments := strings.SplitN(s, ":", len(crnSegmentNames))
	if len(segments) != len(crnSegmentNames) || segments[0] != "crn" {
		return newError("error.crn-query.shape", s, map[string]any{"Count": len(crnSegmentNames)})
	}
	for i := 1; i < requiredCRNSegments; i++ {
		if segments[i] == "" {
			return newError("error.crn-query.empty-segment", s, map[string]any{"Segment": crnSegmentNames[i]})
		}
	}

	fixed := segments[:fixedCRNSegments]
	for i, segment := range fixed {
		if allKeys && strings.Contains(segment, "*") {
			return newError("error.crn-query.wildcard-all-keys", s, map[string]any{"Segment": crnSegmentNames[i]})
		}
	}

	// The SDK's parser checks the scope, "global" or TYPE/ID. It rejects a
	// scope of "*", so it gets only a query whose first segments have no
	// wildcard.
	if !strings.Contains(strings.Join(fixed, ":"), "*") {
		if _, err := crn.Parse(strings.Join(fixed, ":") + "::"); err != nil {
			return newError("error.crn-query.scope", s, map[string]any{"Scope": segments[6]})
		}
	}
	return nil
}
