package keysync

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
	kp "github.com/IBM/keyprotect-go-client"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/kpmessage"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
)

// RegistrationLister lists the registrations of an instance, every page of
// them; *keyprotect.Client implements it.
type RegistrationLister interface {
	ListRegistrations(ctx context.Context, query keyprotect.RegistrationQuery) ([]kp.Registration, error)
}

// listRegistered sets req.keys to the registered keys of the instance, and
// req.registered to the number of registrations of each. A
// cached region that turns out to be stale is looked up again once, as for
// a single key. It returns the endpoint that served the listing and its
// client.
func (opts *Options) listRegistered(ctx context.Context, req *request, ep endpoint.Endpoint, config keyprotect.Config) (endpoint.Endpoint, Syncer, error) {
	var client Syncer
	at, err := opts.Session.RetryStale(ctx, req.instanceID, ep, func(at endpoint.Endpoint) error {
		if at.StaleRegion != "" && !req.json {
			commands.AnnounceEndpoint(opts.UI, at)
		}
		atClient, err := opts.newClient(config, at)
		if err != nil {
			return err
		}
		client = atClient
		req.keys, req.registered, err = opts.registeredKeys(ctx, *req, atClient)
		return err
	})
	return at, client, err
}

// registeredKeys returns the ID of every key of the instance that has a
// registration, in the order of first appearance in the listing, and the
// number of registrations of each.
func (opts *Options) registeredKeys(ctx context.Context, req request, client Syncer) ([]string, map[string]int, error) {
	lister, ok := client.(RegistrationLister)
	if !ok {
		return nil, nil, fmt.Errorf("the Key Protect client %T cannot list registrations", client)
	}
	if !req.json {
		opts.UI.Print("%s", i18n.T("batch.listing", map[string]any{"Instance": req.instanceID}))
	}

	registrations, err := lister.ListRegistrations(ctx, keyprotect.RegistrationQuery{})
	if err != nil {
		return nil, nil, fmt.Errorf("list the registrations of instance %s: %w", req.instanceID, err)
	}

	ids := make([]string, 0, len(registrations))
	counts := make(map[string]int)
	for _, registration := range registrations {
		// The IDs go into URL paths unescaped, so even IDs from the
		// service's own response are checked first.
		if !validate.IsUUID(registration.KeyID) {
			return nil, nil, usermsg.Failure("batch.listing.error.bad-key-id", map[string]any{
				"Value": usermsg.Quote(registration.KeyID), "Instance": req.instanceID,
			}, nil)
		}
		ids = append(ids, registration.KeyID)
		counts[registration.KeyID]++
	}
	keys, _ := uniqueKeys(ids)
	return keys, counts, nil
}

// failListing reports a failed registrations listing, after which no key
// was synced, and returns the exit status.
func (opts *Options) failListing(command plugin.Command, req request, err error) int {
	var failure *keyprotect.Error
	if !errors.As(err, &failure) {
		return commands.Fail(opts.UI, command, err)
	}

	if failure.Kind == keyprotect.KindInterrupted {
		if req.json {
			_ = writeJSON(opts.UI.Writer(), []Result{})
		}
		opts.UI.Failed("%s", i18n.T("batch.listing.error.interrupted"))
		return commands.ExitInterrupted
	}

	opts.UI.Failed("%s\n%s", describeListing(req, failure), i18n.T("batch.listing.error.nothing-synced"))
	return commands.ExitFailed
}

// describeListing explains a failed registrations listing in the words of
// kp registrations, since the listing is the same request.
func describeListing(req request, failure *keyprotect.Error) string {
	data := kpmessage.Data(failure, req.instanceID)
	if message, ok := kpmessage.Describe(failure, data); ok {
		return message
	}

	switch {
	case failure.Kind == keyprotect.KindForbidden:
		return i18n.T("registrations.error.forbidden", data)
	case failure.StatusCode == 0:
		return i18n.T("registrations.error.failed", data)
	}
	return i18n.T("registrations.error.other", data)
}
