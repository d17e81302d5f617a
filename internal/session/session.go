// Package session turns the ibmcloud host's session into what the commands
// need: the instance, the login state, the endpoint and a Key Protect client.
package session

import (
	"strconv"
	"strings"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
)

// EnvInstanceID is read when -i/--instance-id is not given, as the IBM Key
// Protect plug-in does.
const EnvInstanceID = "KP_INSTANCE_ID"

// Session is the host context of one command run.
type Session struct {
	Context plugin.PluginContext
	Getenv  func(string) string
}

// InstanceID returns the instance from the flag, else from KP_INSTANCE_ID,
// checked to be a UUID.
func (s Session) InstanceID(flag string) (string, error) {
	instance := flag
	if instance == "" {
		instance = s.Getenv(EnvInstanceID)
	}
	if instance == "" {
		return "", usermsg.Usage("error.instance.missing", map[string]any{"Variable": EnvInstanceID})
	}
	if err := validate.InstanceID(instance); err != nil {
		return "", err
	}
	return instance, nil
}

// Target returns the instance from the flag or KP_INSTANCE_ID, and checks
// the key ring and region flags that every Key Protect command takes. An
// empty key ring or region means none was given.
func (s Session) Target(instanceFlag, keyRing, region string) (string, error) {
	instanceID, err := s.InstanceID(instanceFlag)
	if err != nil {
		return "", err
	}
	if keyRing != "" {
		if err := validate.KeyRing(keyRing); err != nil {
			return "", err
		}
	}
	if region != "" {
		if err := endpoint.CheckRegion(region); err != nil {
			return "", err
		}
	}
	return instanceID, nil
}

// RequireLogin fails unless the host has a usable IAM session. The host
// refreshes an expired access token itself when it has a refresh token, and
// IsLoggedIn returns false without the reason when that refresh fails.
func (s Session) RequireLogin() error {
	hasRefreshToken := s.Context.IAMRefreshToken() != ""
	if s.Context.IsLoggedIn() && s.Context.IAMToken() != "" {
		return nil
	}
	if hasRefreshToken && s.Context.IAMToken() != "" {
		return usermsg.Failure("error.token.refresh-failed", map[string]any{"Endpoint": s.iamEndpoint()}, nil)
	}
	return usermsg.Failure("error.not-logged-in", nil, nil)
}

// iamEndpoint returns the IAM URL the SDK's token refresh posts to:
// IAM_ENDPOINT, else the host config's (RefreshIAMToken in
// ibm-cloud-cli-sdk v1.12.1 bluemix/configuration/core_config).
func (s Session) iamEndpoint() string {
	if endpoint := s.Getenv("IAM_ENDPOINT"); endpoint != "" {
		return endpoint
	}
	return s.Context.IAMEndpoint()
}

// EnvHTTPTimeout is the host's timeout variable, in seconds. SDK v1.12.1's
// PluginContext.HTTPTimeout reads only the config file, so the plug-in reads
// the variable itself.
const EnvHTTPTimeout = "IBMCLOUD_HTTP_TIMEOUT"

// Timeout returns the HTTP timeout per attempt: IBMCLOUD_HTTP_TIMEOUT, else
// the host config's, else keyprotect.DefaultTimeout.
func (s Session) Timeout() (time.Duration, error) {
	if value := s.Getenv(EnvHTTPTimeout); value != "" {
		seconds, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || seconds <= 0 {
			return 0, usermsg.Usage("error.http-timeout.invalid", map[string]any{
				"Variable": EnvHTTPTimeout, "Value": usermsg.Quote(value),
			})
		}
		return time.Duration(seconds) * time.Second, nil
	}
	if seconds := s.Context.HTTPTimeout(); seconds > 0 {
		return time.Duration(seconds) * time.Second, nil
	}
	return keyprotect.DefaultTimeout, nil
}

// ClientConfig returns the Key Protect client settings for the session.
func (s Session) ClientConfig(ep endpoint.Endpoint, instanceID, keyRing string) (keyprotect.Config, error) {
	timeout, err := s.Timeout()
	if err != nil {
		return keyprotect.Config{}, err
	}
	return keyprotect.Config{
		Endpoint:    ep.URL,
		InstanceID:  instanceID,
		KeyRing:     keyRing,
		Token:       s.Context.IAMToken(),
		Refresh:     s.Context.RefreshIAMToken,
		Timeout:     timeout,
		SSLDisabled: s.Context.IsSSLDisabled(),
		Retry:       keyprotect.DefaultRetryPolicy(),
	}, nil
}
