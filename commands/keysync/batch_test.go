package keysync

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/models"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin/pluginfakes"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/testhelpers/terminal"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/session"
)

// countingSyncer records the calls made to it and the highest number that ran at
// once. Each call takes delay, then returns errs[key].
type countingSyncer struct {
	delay time.Duration
	errs  map[string]error
	// started, when not nil, receives each key as its call starts.
	started chan string
	// release, when not nil, must be closed before a call returns.
	release chan struct{}

	mu          sync.Mutex
	calls       map[string]int
	inFlight    int
	maxInFlight int
	callCtxErrs []error
}

func (f *countingSyncer) Sync(ctx context.Context, key string) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[key]++
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()

	if f.started != nil {
		f.started <- key
	}
	if f.release != nil {
		<-f.release
	}
	time.Sleep(f.delay)

	f.mu.Lock()
	f.inFlight--
	f.callCtxErrs = append(f.callCtxErrs, ctx.Err())
	f.mu.Unlock()
	return f.errs[key]
}

func testKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%03d", i)
	}
	return keys
}

func plainResult(key string, err error) Result {
	return newResult(request{key: key}, endpoint.Endpoint{}, err)
}

func TestSyncAllBoundsParallelism(t *testing.T) {
	keys := testKeys(60)
	syncer := &countingSyncer{delay: 2 * time.Millisecond}
	var doneOrder []int

	results := syncAll(context.Background(), syncer, keys, 3, plainResult, func(item batchResult) {
		doneOrder = append(doneOrder, item.index)
	})

	if syncer.maxInFlight > 3 {
		t.Errorf("max in flight = %d, want at most 3", syncer.maxInFlight)
	}
	if len(doneOrder) != len(keys) {
		t.Errorf("done called %d times, want %d", len(doneOrder), len(keys))
	}
	for i, key := range keys {
		if results[i].Key != key {
			t.Errorf("result %d is for %s, want %s", i, results[i].Key, key)
		}
		if results[i].Status != StatusSynced {
			t.Errorf("result %d: status %s, want synced", i, results[i].Status)
		}
		if syncer.calls[key] != 1 {
			t.Errorf("%s synced %d times, want once", key, syncer.calls[key])
		}
	}
}

func TestSyncAllCancelLetsCallFinish(t *testing.T) {
	keys := testKeys(5)
	syncer := &countingSyncer{started: make(chan string, len(keys)), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())

	var results []Result
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		results = syncAll(ctx, syncer, keys, 1, plainResult, func(batchResult) {})
	}()

	if first := <-syncer.started; first != keys[0] {
		t.Errorf("first key sent = %s, want %s", first, keys[0])
	}
	cancel()
	close(syncer.release)
	<-finished

	if results[0].Status != StatusSynced {
		t.Errorf("the key in flight ended %s, want synced", results[0].Status)
	}
	for i, result := range results[1:] {
		if result.Status != StatusNotAttempted {
			t.Errorf("key %d ended %s, want not_attempted", i+1, result.Status)
		}
	}
	if len(syncer.calls) != 1 {
		t.Errorf("%d keys sent, want 1: %v", len(syncer.calls), syncer.calls)
	}
	if err := syncer.callCtxErrs[0]; err != nil {
		t.Errorf("the call in flight saw its context end: %v", err)
	}
}

func TestSyncAllEmpty(t *testing.T) {
	results := syncAll(context.Background(), &countingSyncer{}, nil, 4, plainResult, func(batchResult) {})
	if results == nil || len(results) != 0 {
		t.Errorf("results = %#v, want an empty slice", results)
	}
}

// newTestOptions returns Options for a logged-in session whose client is
// syncer.
func newTestOptions(ui *terminal.FakeUI, syncer Syncer) *Options {
	pluginContext := &pluginfakes.FakePluginContext{}
	pluginContext.IsLoggedInReturns(true)
	pluginContext.IAMTokenReturns("Bearer test-token")
	pluginContext.CurrentRegionReturns(models.Region{Name: "us-south"})

	return &Options{
		UI:         ui,
		Session:    session.Session{Context: pluginContext, Getenv: func(string) string { return "" }},
		Now:        time.Now,
		NewClient:  func(keyprotect.Config) (Syncer, error) { return syncer, nil },
		Parallel:   DefaultParallel,
		InstanceID: "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c",
	}
}

func TestRunBatchProgressLine(t *testing.T) {
	ui := terminal.NewFakeUI()
	failure := &keyprotect.Error{Kind: keyprotect.KindNotFound, StatusCode: 404, ReasonCode: "KEY_NOT_FOUND_ERR", CorrelationID: "c-1"}
	opts := newTestOptions(ui, &countingSyncer{errs: map[string]error{"key-b": failure}})
	var progress bytes.Buffer
	opts.Progress = &progress
	opts.Keys = []string{"key-a", "key-b", "key-c"}

	if code := opts.Run(context.Background()); code != commands.ExitFailed {
		t.Errorf("exit status = %d, want %d", code, commands.ExitFailed)
	}
	if !strings.Contains(progress.String(), "3/3 done, 1 failed") {
		t.Errorf("progress output %q lacks the final count", progress.String())
	}
	if !strings.HasSuffix(progress.String(), "\r") {
		t.Errorf("progress output %q does not end by clearing its line", progress.String())
	}
	if strings.Contains(ui.Outputs(), "done,") {
		t.Errorf("the progress line reached stdout:\n%s", ui.Outputs())
	}
}

func TestRunBatchNoProgressWithJSON(t *testing.T) {
	ui := terminal.NewFakeUI()
	opts := newTestOptions(ui, &countingSyncer{})
	var progress bytes.Buffer
	opts.Progress = &progress
	opts.Keys = []string{"key-a", "key-b"}
	opts.Output = "json"

	if code := opts.Run(context.Background()); code != commands.ExitOK {
		t.Errorf("exit status = %d, want %d", code, commands.ExitOK)
	}
	if progress.Len() != 0 {
		t.Errorf("progress printed with -o json: %q", progress.String())
	}
}
