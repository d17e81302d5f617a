package session

import (
	"errors"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin/pluginfakes"

	"github.com/key-protect-sync/kp-sync/internal/usermsg"
)

func TestTimeout(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		config  int
		want    time.Duration
		invalid bool
	}{
		{name: "default", want: 30 * time.Second},
		{name: "config", config: 10, want: 10 * time.Second},
		{name: "variable", env: "1", config: 10, want: time.Second},
		{name: "variable with spaces", env: " 5 ", want: 5 * time.Second},
		{name: "zero", env: "0", invalid: true},
		{name: "negative", env: "-3", invalid: true},
		{name: "fraction", env: "1.5", invalid: true},
		{name: "unit", env: "30s", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			context := &pluginfakes.FakePluginContext{}
			context.HTTPTimeoutReturns(tt.config)
			s := Session{Context: context, Getenv: func(name string) string {
				if name == EnvHTTPTimeout {
					return tt.env
				}
				return ""
			}}

			got, err := s.Timeout()

			if tt.invalid {
				var userErr *usermsg.Error
				if !errors.As(err, &userErr) || !userErr.Usage {
					t.Errorf("Timeout() = %s, %v; want an incorrect-usage error", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Timeout() = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestRequireLogin(t *testing.T) {
	tests := []struct {
		name     string
		loggedIn bool
		token    string
		refresh  string
		wantID   string
	}{
		{name: "logged in", loggedIn: true, token: "Bearer t", refresh: "r"},
		{name: "logged out", wantID: "error.not-logged-in"},
		{name: "expired without refresh token", token: "Bearer t", wantID: "error.not-logged-in"},
		{name: "expired and refresh failed", token: "Bearer t", refresh: "r", wantID: "error.token.refresh-failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			context := &pluginfakes.FakePluginContext{}
			context.IsLoggedInReturns(tt.loggedIn)
			context.IAMTokenReturns(tt.token)
			context.IAMRefreshTokenReturns(tt.refresh)
			context.IAMEndpointReturns("https://iam.cloud.ibm.com")
			s := Session{Context: context, Getenv: func(string) string { return "" }}

			err := s.RequireLogin()

			if tt.wantID == "" {
				if err != nil {
					t.Errorf("RequireLogin() = %v, want nil", err)
				}
				return
			}
			var userErr *usermsg.Error
			if !errors.As(err, &userErr) || userErr.ID != tt.wantID {
				t.Errorf("RequireLogin() = %v, want message %s", err, tt.wantID)
			}
		})
	}
}
