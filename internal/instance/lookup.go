// Package instance finds the region of a Key Protect instance: it looks the
// instance up in the IBM Cloud Resource Controller and caches the region in
// the plug-in's own config.
package instance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/crn"

	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
)

// ServiceKeyProtect is the service name in the CRN of a Key Protect
// instance. Hyper Protect Crypto Services instances have "hs-crypto".
const ServiceKeyProtect = "kms"

// Info is the Resource Controller's record of an instance, reduced to the
// fields the plug-in reads.
type Info struct {
	GUID    string
	CRN     string
	Service string // the CRN's service name, such as kms or hs-crypto
	// Region is region_id, else the CRN's location; "" when neither is set.
	Region string
}

// LookupKind sorts a failed lookup by what the caller can do about it.
type LookupKind int

// The kinds of failed lookup.
const (
	LookupFailed      LookupKind = iota // any other status, or a body that is not an instance
	LookupDenied                        // 403: no access to the instance in the Resource Controller
	LookupNotFound                      // 404: no instance with this GUID
	LookupUnreachable                   // no response: DNS, connection, TLS or timeout
)

// LookupError is a failed Resource Controller lookup.
type LookupError struct {
	Kind       LookupKind
	Endpoint   string // the Resource Controller base URL
	StatusCode int    // 0 when no response arrived
	Message    string // the Resource Controller's message, or the network error
	Err        error
}

func (e *LookupError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("Resource Controller lookup at %s failed with status %d: %s", e.Endpoint, e.StatusCode, e.Message)
	}
	return fmt.Sprintf("Resource Controller lookup at %s failed: %s", e.Endpoint, e.Message)
}

func (e *LookupError) Unwrap() error {
	return e.Err
}

// Client looks instances up in the Resource Controller.
type Client struct {
	Endpoint string // base URL without /v2, such as https://resource-controller.cloud.ibm.com
	Token    string // the IAM access token with its "Bearer " prefix
	HTTP     *http.Client
}

// resourceInstance holds the fields of a Resource Controller instance that
// the lookup reads.
type resourceInstance struct {
	GUID     string `json:"guid"`
	CRN      string `json:"crn"`
	RegionID string `json:"region_id"`
}

// Lookup returns the instance with the given GUID
// (GET /v2/resource_instances/GUID). A failure is a *LookupError.
func (c *Client) Lookup(ctx context.Context, guid string) (Info, error) {
	target := strings.TrimSuffix(c.Endpoint, "/") + "/v2/resource_instances/" + url.PathEscape(guid)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return Info{}, c.failure(LookupFailed, 0, err.Error(), err)
	}
	req.Header.Set("Authorization", c.Token)
	req.Header.Set("Accept", "application/json")

	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Info{}, ctx.Err()
		}
		return Info{}, c.failure(LookupUnreachable, 0, rootCause(err).Error(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Info{}, c.failure(LookupUnreachable, 0, err.Error(), err)
	}

	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusForbidden:
		return Info{}, c.failure(LookupDenied, resp.StatusCode, errorMessage(body, resp.StatusCode), nil)
	case http.StatusNotFound:
		return Info{}, c.failure(LookupNotFound, resp.StatusCode, errorMessage(body, resp.StatusCode), nil)
	default:
		return Info{}, c.failure(LookupFailed, resp.StatusCode, errorMessage(body, resp.StatusCode), nil)
	}

	var instance resourceInstance
	if err := json.Unmarshal(body, &instance); err != nil {
		return Info{}, c.failure(LookupFailed, resp.StatusCode, "the response is not a resource instance: "+err.Error(), err)
	}
	return c.newInfo(guid, instance)
}

// newInfo reads the service name and region of an instance from its CRN,
// crn:v1:CNAME:CTYPE:SERVICE:LOCATION:SCOPE:INSTANCE::, and region_id.
func (c *Client) newInfo(guid string, instance resourceInstance) (Info, error) {
	parsed, err := crn.Parse(instance.CRN)
	if err != nil || instance.CRN == "" {
		message := fmt.Sprintf("the instance has no valid CRN (%q)", instance.CRN)
		return Info{}, c.failure(LookupFailed, http.StatusOK, message, err)
	}

	region := instance.RegionID
	if region == "" {
		region = parsed.Region
	}
	return Info{GUID: guid, CRN: instance.CRN, Service: parsed.ServiceName, Region: region}, nil
}

func (c *Client) failure(kind LookupKind, status int, message string, err error) *LookupError {
	return &LookupError{Kind: kind, Endpoint: c.Endpoint, StatusCode: status, Message: message, Err: err}
}

// errorMessage returns the message of a Resource Controller error body,
// {"message": "...", "status_code": N}, else the body, as one printable
// line of bounded length.
func errorMessage(body []byte, status int) string {
	var decoded struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &decoded) == nil && decoded.Message != "" {
		return keyprotect.ReadableMessage(decoded.Message, status)
	}
	return keyprotect.ReadableMessage(string(body), status)
}

// rootCause drops the "Get URL:" layer of a *url.Error, whose URL the
// message already names as the endpoint.
func rootCause(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		return urlErr.Err
	}
	return err
}
