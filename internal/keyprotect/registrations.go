package keyprotect

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	kp "github.com/IBM/keyprotect-go-client"
)

// MaxRegistrationPageSize is the largest limit Key Protect accepts on a
// registration list request.
const MaxRegistrationPageSize = 5000

// RegistrationQuery selects the registrations that ListRegistrations returns.
type RegistrationQuery struct {
	// KeyIDOrAlias limits the list to one key, and "" lists the
	// registrations of every key in the instance. It must have passed
	// validate.KeyIDOrAlias, because the client puts it into the URL path
	// unescaped.
	KeyIDOrAlias string

	// CRNPattern is sent as urlEncodedResourceCRNQuery, and "" matches
	// every resource. Key Protect accepts `*` wildcards in it, but not in
	// the first eight segments when KeyIDOrAlias is "".
	CRNPattern string

	// PreventKeyDeletion, when set, keeps only the registrations whose
	// preventKeyDeletion flag has that value.
	PreventKeyDeletion *bool

	// PageSize is the limit of each request. Zero means
	// MaxRegistrationPageSize, and larger values are cut to it.
	PageSize int
}

// ListRegistrations lists the registrations that q selects (GET
// /api/v2/keys/registrations, or /api/v2/keys/KEY/registrations with a key),
// fetching page after page until Key Protect returns a short one. Each page
// is one call with the retry, token and rate-limit policy of Sync. The
// result is never nil, so it encodes as [] when empty. A failure is a *Error.
func (c *Client) ListRegistrations(ctx context.Context, q RegistrationQuery) ([]kp.Registration, error) {
	pageSize := q.PageSize
	if pageSize <= 0 || pageSize > MaxRegistrationPageSize {
		pageSize = MaxRegistrationPageSize
	}

	what := "list the registrations of every key"
	if q.KeyIDOrAlias != "" {
		what = "list the registrations of key " + q.KeyIDOrAlias
	}

	all := []kp.Registration{}
	seen := map[registrationID]bool{}
	for offset := 0; ; {
		params := url.Values{
			"limit":  {strconv.Itoa(pageSize)},
			"offset": {strconv.Itoa(offset)},
		}
		if q.PreventKeyDeletion != nil {
			params.Set("preventKeyDeletion", strconv.FormatBool(*q.PreventKeyDeletion))
		}

		var page []kp.Registration
		err := c.call(ctx, what, func(ctx context.Context) error {
			list, err := c.kp.ListRegistrations(withQueryParams(ctx, params), q.KeyIDOrAlias, q.CRNPattern)
			if err != nil {
				return err
			}
			page = list.Registrations
			return nil
		})
		if err != nil {
			return nil, err
		}

		added := 0
		for _, reg := range page {
			// A registration added or removed between two requests shifts
			// the offsets, so one may come back on the next page too.
			id := registrationID{reg.KeyID, reg.ResourceCrn}
			if seen[id] {
				continue
			}
			seen[id] = true
			all = append(all, reg)
			added++
		}
		if len(page) < pageSize {
			return all, nil
		}

		// A full page of nothing new means the server ignores the offset,
		// so requesting more would loop for ever.
		if added == 0 {
			return nil, &Error{
				Kind:     KindOther,
				Endpoint: c.endpoint,
				Message:  "Key Protect returned the same registrations again at offset " + strconv.Itoa(offset),
			}
		}
		offset += len(page)
	}
}

// registrationID identifies a registration by the key and the resource CRN,
// the pair that Key Protect's create-registration path is made of.
type registrationID struct {
	keyID       string
	resourceCRN string
}

type queryParamsKey struct{}

// withQueryParams makes the request sent with ctx carry params in its query
// as well. keyprotect-go-client's ListRegistrations sets only the CRN query
// and its request builder is not exported, so paging and filters reach the
// request through its context.
func withQueryParams(ctx context.Context, params url.Values) context.Context {
	return context.WithValue(ctx, queryParamsKey{}, params)
}

// queryParams is the outermost transport, so that the trace shows the URL
// with the parameters it adds.
type queryParams struct {
	next http.RoundTripper
}

func (t *queryParams) RoundTrip(req *http.Request) (*http.Response, error) {
	params, _ := req.Context().Value(queryParamsKey{}).(url.Values)
	if len(params) == 0 {
		return t.next.RoundTrip(req)
	}

	// A RoundTripper must not change the request it is given.
	req = req.Clone(req.Context())
	query := req.URL.Query()
	for name, values := range params {
		query[name] = values
	}
	req.URL.RawQuery = query.Encode()
	return t.next.RoundTrip(req)
}
