package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDemoScript runs `make demo`'s script, so that a change to the
// plug-in, the stand-in or the config writer cannot break it unnoticed.
func TestDemoScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	output, err := exec.CommandContext(ctx, "bash", "bin/demo.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("bin/demo.sh: %v\n%s", err, output)
	}
	text := string(output)

	if got := strings.Count(text, "(exit status 0)"); got != 1 {
		t.Errorf("demo shows %d runs with exit status 0, want 1 (the first sync)", got)
	}
	if got := strings.Count(text, "(exit status 3)"); got != 2 {
		t.Errorf("demo shows %d runs with exit status 3, want 2 (the too-early syncs)", got)
	}
	if !strings.Contains(text, `"status": "too_early"`) {
		t.Error(`demo's JSON run lacks "status": "too_early"`)
	}
	if !strings.Contains(text, "The stand-in has stopped") {
		t.Error("demo did not report that it stopped the stand-in")
	}
	if strings.Contains(text, "cloud.ibm.com") {
		t.Error("demo output names an IBM Cloud host; every request must go to the stand-in")
	}
	if t.Failed() {
		t.Logf("demo output:\n%s", text)
	}
}
