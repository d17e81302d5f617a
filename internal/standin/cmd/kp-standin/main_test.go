package main

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

func TestSteppingClockAdvancesEachReading(t *testing.T) {
	start := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	clock := steppingClock(start, 2*time.Hour)

	for i := 1; i <= 3; i++ {
		want := start.Add(time.Duration(i) * 2 * time.Hour)
		if got := clock(); !got.Equal(want) {
			t.Errorf("reading %d = %s, want %s", i, got, want)
		}
	}
}

func TestParseFlagsClockStep(t *testing.T) {
	opts, err := parseFlags([]string{"-clock-step", "2h"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.clockStep != 2*time.Hour {
		t.Errorf("clockStep = %s, want 2h", opts.clockStep)
	}

	if _, err := parseFlags([]string{"-clock-step", "-1s"}); err == nil {
		t.Error("parseFlags accepted a negative -clock-step")
	}
}

func TestClockStepAllowsRepeatedSyncs(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	keyID := standin.NewUUID()
	opts, err := parseFlags([]string{"-token", token, "-key", keyID, "-clock-step", "2h"})
	if err != nil {
		t.Fatal(err)
	}
	populate(srv, opts)

	for attempt := 1; attempt <= 3; attempt++ {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/keys/"+keyID+"/actions/sync", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("authorization", "Bearer "+token)
		req.Header.Set("bluemix-instance", demoInstance)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("sync %d got status %d, want 204", attempt, resp.StatusCode)
		}
	}
}

func TestInstanceRegionServesLookup(t *testing.T) {
	srv := standin.New()
	t.Cleanup(srv.Close)
	token := standin.NewJWT(time.Now().Add(time.Hour))
	opts, err := parseFlags([]string{"-token", token, "-instance-region", "eu-de"})
	if err != nil {
		t.Fatal(err)
	}
	populate(srv, opts)

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2/resource_instances/"+demoInstance, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var instance struct {
		RegionID string `json:"region_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&instance); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || instance.RegionID != "eu-de" {
		t.Errorf("lookup = %d, region %q; want 200, eu-de", resp.StatusCode, instance.RegionID)
	}
}

func TestParseFlagsRejectsUnknownRegion(t *testing.T) {
	if _, err := parseFlags([]string{"-instance-region", "mars-north"}); err == nil {
		t.Error("parseFlags accepted -instance-region mars-north")
	}
}
