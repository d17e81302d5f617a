package session

import (
	"context"
	"errors"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/endpoints"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"

	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/instance"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

// EnvResourceController replaces the Resource Controller endpoint, for
// gateways and tests. IBM's Terraform provider reads the same variable for
// the same purpose.
const EnvResourceController = "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT"

// Endpoint resolves the Key Protect endpoint of the instance. region is the
// value of -r, --region, "" when the flag was not given. Without the flag
// and KP_TARGET_ADDR, the instance's region comes from the cache or from a
// Resource Controller lookup, which the cache then keeps.
func (s Session) Endpoint(ctx context.Context, instanceID, region string) (endpoint.Endpoint, error) {
	return endpoint.Resolve(ctx, s.endpointRequest(instanceID, region), s.Getenv, s.locate)
}

func (s Session) endpointRequest(instanceID, region string) endpoint.Request {
	return endpoint.Request{
		InstanceID:    instanceID,
		Region:        region,
		SessionRegion: s.Context.CurrentRegion().Name,
		Private:       s.Context.IsPrivateEndpointEnabled(),
	}
}

// RetryStale runs call at ep and returns the endpoint of the last call with
// its error. When ep's region came from the cache and call fails with 401 or
// 404, the cached region may be out of date. RetryStale then drops the
// entry and looks the instance up once more. If the instance's region
// differs, it runs call once again at the new endpoint.
func (s Session) RetryStale(ctx context.Context, instanceID string, ep endpoint.Endpoint, call func(endpoint.Endpoint) error) (endpoint.Endpoint, error) {
	err := call(ep)
	if ep.Source != endpoint.SourceCache || !regionMayBeStale(err) {
		return ep, err
	}

	trace.Logger.Printf("Key Protect returned status %d at the cached region %s of instance %s; dropping the cache entry and looking the instance up again", statusOf(err), ep.Region, instanceID)
	s.cache().Drop(instanceID)
	fresh, lookupErr := endpoint.Resolve(ctx, s.endpointRequest(instanceID, ""), s.Getenv, s.locate)
	switch {
	case lookupErr != nil:
		trace.Logger.Printf("The new lookup of instance %s failed (%v); keeping the Key Protect error", instanceID, lookupErr)
		return ep, err
	case fresh.Source != endpoint.SourceLookup:
		trace.Logger.Printf("The new lookup of instance %s found no region; keeping the Key Protect error", instanceID)
		return ep, err
	case fresh.Region == ep.Region:
		trace.Logger.Printf("Instance %s is still in region %s; keeping the Key Protect error", instanceID, ep.Region)
		return ep, err
	}

	fresh.StaleRegion = ep.Region
	return fresh, call(fresh)
}

func regionMayBeStale(err error) bool {
	var failure *keyprotect.Error
	if !errors.As(err, &failure) {
		return false
	}
	return failure.Kind == keyprotect.KindUnauthorized || failure.Kind == keyprotect.KindNotFound
}

func statusOf(err error) int {
	var failure *keyprotect.Error
	if errors.As(err, &failure) {
		return failure.StatusCode
	}
	return 0
}

func (s Session) cache() instance.Cache {
	return instance.Cache{Config: s.Context.PluginConfig()}
}

// locate returns the instance's region from the cache, else from a
// Resource Controller lookup.
func (s Session) locate(ctx context.Context, instanceID string) (endpoint.Location, error) {
	// An invalid override is rejected on a cache hit too, so that the same
	// input always gets the same result.
	if override := s.Getenv(EnvResourceController); override != "" {
		if _, err := endpoint.ParseServiceURL(EnvResourceController, override); err != nil {
			return endpoint.Location{}, err
		}
	}

	cache := s.cache()
	if region, found := cache.Region(instanceID); found && endpoint.IsRegion(region) {
		return endpoint.Location{Region: region, Source: endpoint.SourceCache}, nil
	}

	client, err := s.resourceController()
	if err != nil {
		return endpoint.Location{}, err
	}
	if client.Endpoint == "" {
		return endpoint.Location{Warning: usermsg.Failure("endpoint.lookup.no-endpoint", map[string]any{
			"Instance": instanceID,
			"Variable": EnvResourceController,
		}, nil)}, nil
	}

	info, err := client.Lookup(ctx, instanceID)
	if err != nil {
		return lookupFailure(instanceID, err)
	}
	if err := checkInstance(info); err != nil {
		return endpoint.Location{}, err
	}
	if info.Region == "" {
		return endpoint.Location{Warning: usermsg.Failure("endpoint.lookup.no-region", map[string]any{
			"Instance": instanceID,
			"Endpoint": client.Endpoint,
		}, nil)}, nil
	}

	trace.Logger.Printf("Instance %s is in region %s (CRN %s)", instanceID, info.Region, info.CRN)
	cache.Store(instanceID, info.Region)
	return endpoint.Location{Region: info.Region, Source: endpoint.SourceLookup}, nil
}

// checkInstance rejects an instance that is not Key Protect, or whose region
// is not in endpoint.Regions, before any Key Protect call goes to a host
// that cannot serve it.
func checkInstance(info instance.Info) error {
	if info.Service != instance.ServiceKeyProtect {
		return usermsg.Failure("error.instance.not-key-protect", map[string]any{
			"Instance": info.GUID,
			"Service":  info.Service,
			"CRN":      info.CRN,
			"Variable": endpoint.EnvTargetAddr,
		}, nil)
	}
	if info.Region != "" && !endpoint.IsRegion(info.Region) {
		return usermsg.Failure("error.instance.unsupported-region", map[string]any{
			"Instance": info.GUID,
			"Region":   info.Region,
			"Variable": endpoint.EnvTargetAddr,
		}, nil)
	}
	return nil
}

// lookupFailure turns a failed lookup into an error when the instance does
// not exist. Any other failure (denied, unreachable, an unexpected response)
// becomes a warning, and the session's region is used in place of the
// instance's.
func lookupFailure(instanceID string, err error) (endpoint.Location, error) {
	var failure *instance.LookupError
	if !errors.As(err, &failure) {
		return endpoint.Location{}, err
	}
	trace.Logger.Printf("%v", failure)

	data := map[string]any{
		"Instance": instanceID,
		"Endpoint": failure.Endpoint,
		"Status":   failure.StatusCode,
		"Message":  failure.Message,
	}
	switch failure.Kind {
	case instance.LookupNotFound:
		return endpoint.Location{}, usermsg.Failure("error.instance.not-found", data, failure)
	case instance.LookupDenied:
		return endpoint.Location{Warning: usermsg.Failure("endpoint.lookup.denied", data, failure)}, nil
	case instance.LookupUnreachable:
		return endpoint.Location{Warning: usermsg.Failure("endpoint.lookup.unreachable", data, failure)}, nil
	}
	return endpoint.Location{Warning: usermsg.Failure("endpoint.lookup.failed", data, failure)}, nil
}

// resourceController returns the Resource Controller client of the
// session: at IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT when set, else at
// the host's endpoint for the session, which is the private one in a
// session that uses private endpoints. Its Endpoint is "" when neither is
// known.
func (s Session) resourceController() (*instance.Client, error) {
	timeout, err := s.Timeout()
	if err != nil {
		return nil, err
	}
	client := &instance.Client{
		Token: s.Context.IAMToken(),
		HTTP: keyprotect.NewHTTPClient(keyprotect.TransportOptions{
			Timeout:     timeout,
			SSLDisabled: s.Context.IsSSLDisabled(),
		}),
	}

	hostEndpoint, hostErr := s.Context.GetEndpoint(endpoints.ResourceController)
	if override := s.Getenv(EnvResourceController); override != "" {
		client.Endpoint, err = endpoint.ParseServiceURL(EnvResourceController, override)
		if err != nil {
			return nil, err
		}
		trace.Logger.Printf("Resource Controller endpoint: %s from %s, in place of the session's %s", client.Endpoint, EnvResourceController, describeHostEndpoint(hostEndpoint, hostErr))
		return client, nil
	}

	if hostErr != nil {
		trace.Logger.Printf("The session has no Resource Controller endpoint: %v", hostErr)
		return client, nil
	}
	client.Endpoint = hostEndpoint
	trace.Logger.Printf("Resource Controller endpoint: %s", client.Endpoint)
	return client, nil
}

func describeHostEndpoint(hostEndpoint string, err error) string {
	switch {
	case err != nil:
		return "(none: " + err.Error() + ")"
	case hostEndpoint == "":
		return "(none)"
	}
	return hostEndpoint
}
