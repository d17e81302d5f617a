package validate

import (
	"errors"
	"testing"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestCRNPattern(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		allKeys bool
		wantID  string // "" for valid
	}{
		{"full CRN", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:photos", true, ""},
		{"wildcard resource for all keys", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:*", true, ""},
		{"wildcard resource type for all keys", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:*:*", true, ""},
		{"empty resource segments", "crn:v1:bluemix:public:databases-for-postgresql:eu-de:a/acct:inst::", true, ""},
		{"colon inside the resource", "crn:v1:bluemix:public:containers-kubernetes:us-south:a/acct:cluster:worker:pool:a", true, ""},
		{"global scope", "crn:v1:bluemix:public:iam:global:global:inst::", true, ""},
		{"wildcard service for one key", "crn:v1:bluemix:public:*:*:a/acct:*:*:*", false, ""},
		{"wildcard scope for one key", "crn:v1:bluemix:public:cloud-object-storage:global:*:inst:bucket:*", false, ""},
		{"wildcard service for all keys", "crn:v1:bluemix:public:*:global:a/acct:inst:bucket:*", true, "error.crn-query.wildcard-all-keys"},
		{"wildcard instance for all keys", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:*:bucket:x", true, "error.crn-query.wildcard-all-keys"},
		{"too few segments", "crn:v1:bluemix:public:cloud-object-storage:*", false, "error.crn-query.shape"},
		{"not a CRN", "cloud-object-storage", false, "error.crn-query.shape"},
		{"wrong scheme", "urn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:x", false, "error.crn-query.shape"},
		{"upper case scheme", "CRN:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:x", false, "error.crn-query.shape"},
		{"empty service name", "crn:v1:bluemix:public::global:a/acct:inst:bucket:x", false, "error.crn-query.empty-segment"},
		{"empty location", "crn:v1:bluemix:public:cloud-object-storage::a/acct:inst:bucket:x", false, "error.crn-query.empty-segment"},
		{"space", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:my photos", false, "error.crn-query.character"},
		{"newline", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:x\n", false, "error.crn-query.character"},
		{"escape character", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:\x1b[31m", false, "error.crn-query.character"},
		{"invalid UTF-8", "crn:v1:bluemix:public:cloud-object-storage:global:a/acct:inst:bucket:\xff", false, "error.crn-query.encoding"},
		{"scope without type", "crn:v1:bluemix:public:cloud-object-storage:global:acct:inst:bucket:x", true, "error.crn-query.scope"},
		{"scope with two slashes", "crn:v1:bluemix:public:cloud-object-storage:global:a/b/c:inst:bucket:x", false, "error.crn-query.scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CRNPattern(tt.pattern, tt.allKeys)

			if tt.wantID == "" {
				if err != nil {
					t.Fatalf("CRNPattern(%q) = %v, want nil", tt.pattern, err)
				}
				return
			}
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) {
				t.Fatalf("CRNPattern(%q) = %v, want a *usermsg.Error", tt.pattern, err)
			}
			if userErr.ID != tt.wantID {
				t.Errorf("message ID = %s, want %s", userErr.ID, tt.wantID)
			}
			if !userErr.Usage {
				t.Error("error is not marked as incorrect usage")
			}
			if userErr.Data["Value"] != usermsg.Quote(tt.pattern) {
				t.Errorf("Value = %v, want the quoted pattern", userErr.Data["Value"])
			}
		})
	}
}
