package keysync

import (
	"context"
	"sync"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/trace"
	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/plugin"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
)

// batchResult is the result of the key at index in the batch's input.
type batchResult struct {
	index  int
	result Result
}

// syncAll syncs keys with at most parallel requests in flight, all through
// one client, so that a 429 pauses every worker together. It calls done
// from the calling goroutine as each key finishes, and returns the results
// in input order, with every key that was never sent as not_attempted.
//
// Once ctx is done, no new key is started. A request in flight is not
// cancelled: it finishes or times out, and its key reports what Key Protect
// returned, because the sync may have started.
func syncAll(ctx context.Context, client Syncer, keys []string, parallel int,
	result func(key string, err error) Result, done func(batchResult)) []Result {
	results := make([]Result, len(keys))
	for i, key := range keys {
		results[i] = result(key, &keyprotect.Error{Kind: keyprotect.KindInterrupted})
	}

	callCtx := keyprotect.WithStop(ctx, ctx)
	jobs := make(chan int)
	finished := make(chan batchResult)

	go func() {
		defer close(jobs)
		for i := range keys {
			select {
			case <-ctx.Done():
				return
			case jobs <- i:
			}
		}
	}()

	var workers sync.WaitGroup
	for range min(parallel, len(keys)) {
		workers.Go(func() {
			for i := range jobs {
				// The dispatcher may hand out one more key after ctx is
				// done, because select picks among ready cases at random.
				if ctx.Err() != nil {
					continue
				}
				err := client.Sync(callCtx, keys[i])
				finished <- batchResult{index: i, result: result(keys[i], err)}
			}
		})
	}
	go func() {
		workers.Wait()
		close(finished)
	}()

	for item := range finished {
		results[item.index] = item.result
		done(item)
	}
	return results
}

// runBatch syncs the keys of req, or every registered key with
// --all-registered, and reports the results; it returns the exit status.
func (opts *Options) runBatch(ctx context.Context, command plugin.Command, req request, ep endpoint.Endpoint, client Syncer) int {
	if !req.json {
		opts.UI.Info("%s", i18n.T("endpoint.using", map[string]any{"URL": ep.URL}))
	}

	if opts.AllRegistered {
		keys, err := opts.registeredKeys(ctx, req, client)
		if err != nil {
			return opts.failListing(command, req, err)
		}
		req.keys = keys
	}
	if len(req.keys) == 0 {
		return opts.reportNoRegistrations(req)
	}

	trace.Logger.Printf("Syncing %d keys with at most %d requests in flight", len(req.keys), req.parallel)
	stopped := context.AfterFunc(ctx, func() {
		trace.Logger.Println("Interrupted: starting no new sync; requests in flight finish or time out")
	})
	defer stopped()

	out := newBatchOutput(opts, req)
	out.start()
	results := syncAll(ctx, client, req.keys, req.parallel,
		func(key string, err error) Result { return newResult(req.forKey(key), ep, err) },
		out.finished)
	out.stopProgress()

	if req.json {
		if err := writeJSON(opts.UI.Writer(), results); err != nil {
			opts.UI.Failed("%s", err.Error())
			return commands.ExitFailed
		}
	} else {
		out.summary(results)
	}
	return out.conclude(results, ctx.Err() != nil)
}

// reportNoRegistrations reports an instance without registrations, which
// leaves --all-registered nothing to sync.
func (opts *Options) reportNoRegistrations(req request) int {
	if req.json {
		if err := writeJSON(opts.UI.Writer(), []Result{}); err != nil {
			opts.UI.Failed("%s", err.Error())
			return commands.ExitFailed
		}
		return commands.ExitOK
	}
	opts.UI.Ok()
	opts.UI.Say("%s", i18n.T("batch.no-registrations", map[string]any{"Instance": req.instanceID}))
	return commands.ExitOK
}
