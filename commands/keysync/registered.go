package keysync

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"
	kp "github.com/IBM/keyprotect-go-client"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
)

// registrationPageSize keeps each page of the listing well below the 1 MiB
// that the client reads of a response: a registration takes about 400 bytes
// of JSON, so a full page of 5000 would be cut and fail to decode.
const registrationPageSize = 500

// RegistrationLister lists the registrations of an instance, every page of
// them; *keyprotect.Client implements it.
type RegistrationLister interface {
	ListRegistrations(ctx context.Context, query keyprotect.RegistrationQuery) ([]kp.Registration, error)
}

// registeredKeys returns the ID of every key of the instance that has a
// registration, in the order of first appearance in the listing.
func (opts *Options) registeredKeys(ctx context.Context, req request, client Syncer) ([]string, error) {
	lister, ok := client.(RegistrationLister)
	if !ok {
		return nil, fmt.Errorf("the Key Protect client %T cannot list registrations", client)
	}
	if !req.json {
		opts.UI.Say("%s", i18n.T("batch.listing", map[string]any{"Instance": req.instanceID}))
	}

	registrations, err := lister.ListRegistrations(ctx, keyprotect.RegistrationQuery{PageSize: registrationPageSize})
	if err != nil {
		return nil, fmt.Errorf("list the registrations of instance %s: %w", req.instanceID, err)
	}

	ids := make([]string, 0, len(registrations))
	for _, registration := range registrations {
		// The IDs go into URL paths unescaped, so even IDs from the
		// service's own response are checked first.
		if !validate.IsUUID(registration.KeyID) {
			return nil, usermsg.Failure("registrations.error.bad-key-id", map[string]any{
				"Value": usermsg.Quote(registration.KeyID), "Instance": req.instanceID,
			}, nil)
		}
		ids = append(ids, registration.KeyID)
	}
	keys, _ := uniqueKeys(ids)
	return keys, nil
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
		opts.UI.Failed("%s", i18n.T("registrations.error.interrupted"))
		return commands.ExitInterrupted
	}

	opts.UI.Failed("%s\n%s", describeListing(req, failure, opts), i18n.T("registrations.error.nothing-synced"))
	return commands.ExitFailed
}

// describeListing explains a failed registrations listing. Failures that
// name no key, such as a rejected token or a server error, read as they do
// for a sync.
func describeListing(req request, failure *keyprotect.Error, opts *Options) string {
	data := map[string]any{
		"Instance":      req.instanceID,
		"Status":        failure.StatusCode,
		"Reason":        failure.ReasonCode,
		"Message":       failure.Message,
		"CorrelationID": failure.CorrelationID,
	}
	switch failure.Kind {
	case keyprotect.KindForbidden:
		return i18n.T("registrations.error.forbidden", data)
	case keyprotect.KindNotFound, keyprotect.KindTooEarly, keyprotect.KindClient, keyprotect.KindOther:
		if failure.StatusCode == 0 {
			return i18n.T("registrations.error.message", data)
		}
		return i18n.T("registrations.error.other", data)
	}
	return describe(req, failure, opts.Now())
}
