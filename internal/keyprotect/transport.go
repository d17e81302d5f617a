package keyprotect

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	bhttp "github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/http"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"
)

// TransportOptions are the connection settings of the plug-in's HTTP calls.
type TransportOptions struct {
	Timeout     time.Duration // per attempt; 0 means DefaultTimeout
	SSLDisabled bool          // the host's "skip SSL validation" setting
	MaxConns    int           // connections kept per host; 0 means 2
}

func (o TransportOptions) withDefaults() TransportOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 2
	}
	return o
}

// newTransport returns the round tripper of every call the plug-in makes:
// the SDK's trace transport when tracing is on, over the guard, over a keep-alive transport
// with the timeout applied to dialing, the TLS handshake and the response
// headers.
func newTransport(opts TransportOptions) http.RoundTripper {
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: opts.SSLDisabled, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConns:          opts.MaxConns,
		MaxIdleConnsPerHost:   opts.MaxConns,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}

	// The SDK's TraceLoggingTransport dumps and sanitizes every request and
	// response even when tracing is off, compiling three regular expressions
	// each time (ibm-cloud-cli-sdk v1.12.1, bluemix/http/transport.go and
	// bluemix/trace/trace.go:100), which was an eighth of the CPU time of
	// BenchmarkSyncInProcess. It is put in front only when the trace logger
	// prints somewhere.
	var transport http.RoundTripper = &guard{next: base}
	if _, off := trace.Logger.(*trace.NullLogger); !off {
		transport = bhttp.NewTraceLoggingTransport(transport)
	}
	return transport
}

// NewHTTPClient returns an HTTP client for IBM Cloud calls other than Key
// Protect's, such as the Resource Controller lookup. It has the transport,
// timeout and redirect rule of a Client: requests and responses are traced,
// bodies are cut at 1 MiB, and redirects are not followed.
func NewHTTPClient(opts TransportOptions) *http.Client {
	opts = opts.withDefaults()
	return &http.Client{
		Transport:     newTransport(opts),
		Timeout:       opts.Timeout,
		CheckRedirect: stopAtRedirect,
	}
}

// stopAtRedirect keeps the bearer token from following a Location header to
// another host. The caller gets the redirect as the response.
func stopAtRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}
