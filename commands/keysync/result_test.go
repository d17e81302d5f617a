package keysync

import (
	"errors"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
)

func TestDescribeSyncFailures(t *testing.T) {
	i18n.Init("en_US")
	req := request{key: "payroll-root", instanceID: "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"}
	inRing := req
	inRing.keyRing = "finance"
	base := keyprotect.Error{Endpoint: "https://us-south.kms.cloud.ibm.com", CorrelationID: "cid-1", Attempts: 5, StatusCode: 503, Message: "Service Unavailable"}

	tests := []struct {
		name string
		req  request
		kind keyprotect.Kind
		want string
	}{
		{"not found", req, keyprotect.KindNotFound, "Key payroll-root was not found in instance 5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10 (correlation ID cid-1). Check the key ID or alias, and that the instance is in the region of https://us-south.kms.cloud.ibm.com. A deleted key can be synced by its ID only."},
		{"not found in ring", inRing, keyprotect.KindNotFound, "Key payroll-root was not found in key ring finance of instance 5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10 (correlation ID cid-1). Check the key ID or alias and the key ring."},
		{"forbidden", req, keyprotect.KindForbidden, "You are not allowed to sync key payroll-root in instance 5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10 (correlation ID cid-1). Ask an administrator of the account for a Key Protect access policy that allows it."},
		{"server", req, keyprotect.KindServer, "Key Protect at https://us-south.kms.cloud.ibm.com failed with status 503 after 5 attempts: Service Unavailable (correlation ID cid-1). Try again later, and give the correlation ID to IBM Cloud support if it persists."},
		{"unauthorized", req, keyprotect.KindUnauthorized, "Key Protect at https://us-south.kms.cloud.ibm.com rejected the access token for instance 5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10 (correlation ID cid-1). Check that the instance ID is right and that the instance is in this region, and that your account has access to it."},
		{"interrupted", req, keyprotect.KindInterrupted, "The sync of key payroll-root was interrupted before Key Protect answered."},
		{"other", req, keyprotect.KindClient, "Key Protect rejected the sync of key payroll-root with status 503: Service Unavailable (correlation ID cid-1)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failure := base
			failure.Kind = tt.kind

			got := describe(tt.req, &failure, time.Now())

			if got != tt.want {
				t.Errorf("describe =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDescribeOtherWithReason(t *testing.T) {
	i18n.Init("en_US")
	req := request{key: "payroll-root", instanceID: "5d5ef2a4-9c19-4b3e-9a6c-6c1d4c4b9a10"}
	failure := keyprotect.Error{Kind: keyprotect.KindClient, CorrelationID: "cid-1", StatusCode: 422, ReasonCode: "KEY_ACTION_INVALID_ERR", Message: "Invalid action"}

	got := describe(req, &failure, time.Now())

	want := "Key Protect rejected the sync of key payroll-root with status 422: Invalid action (reason KEY_ACTION_INVALID_ERR, correlation ID cid-1)."
	if got != want {
		t.Errorf("describe =\n%s\nwant\n%s", got, want)
	}
}

func TestDescribeRefreshFailed(t *testing.T) {
	i18n.Init("en_US")
	failure := &keyprotect.Error{Kind: keyprotect.KindRefreshFailed, Cause: errors.New("invalid_grant")}

	got := describe(request{key: "k1"}, failure, time.Now())

	want := "Key Protect rejected the access token, and refreshing it failed: invalid_grant. Log in again by running 'ibmcloud login'."
	if got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
}
