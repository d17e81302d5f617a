module github.com/key-protect-sync/kp-sync

go 1.26.5

require (
	github.com/IBM-Cloud/ibm-cloud-cli-sdk v1.12.1 // indirect
	github.com/IBM/keyprotect-go-client v0.17.3 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/nicksnyder/go-i18n/v2 v2.7.0 // indirect
	github.com/urfave/cli/v3 v3.14.0 // indirect
)
