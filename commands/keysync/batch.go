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
func (opts *Options) runBatch(ctx context.Context, command plugin.Command, req request, ep endpoint.Endpoint, config keyprotect.Config) int {
	if !req.json {
		commands.AnnounceEndpoint(opts.UI, ep)
	}

	var client Syncer
	if opts.AllRegistered {
		var err error
		ep, client, err = opts.listRegistered(ctx, &req, ep, config)
		if err != nil {
			return opts.failListing(command, req, err)
		}
		if len(req.keys) == 0 {
			return opts.reportNoRegistrations(req)
		}
	}

	trace.Logger.Printf("Syncing %d keys with at most %d requests in flight", len(req.keys), req.parallel)
	stopped := context.AfterFunc(ctx, func() {
		trace.Logger.Println("Interrupted: starting no new sync; requests in flight finish or time out")
	})
	defer stopped()

	out := newBatchOutput(opts, req)
	out.start()

	keys := req.keys
	results := make([]Result, 0, len(keys))
	if client == nil {
		var first *Result
		var err error
		ep, client, first, err = opts.syncFirst(ctx, req, ep, config)
		if err != nil {
			out.stopProgress()
			return commands.Fail(opts.UI, command, err)
		}
		if first != nil {
			out.finished(batchResult{index: 0, result: *first})
			results = append(results, *first)
			keys = keys[1:]
		}
	}

	results = append(results, syncAll(ctx, client, keys, req.parallel,
		func(key string, err error) Result { return newResult(req.forKey(key), ep, err) },
		out.finished)...)
	out.stopProgress()

	if req.json {
		if err := writeJSON(opts.UI.Writer(), results); err != nil {
			opts.UI.Failed("%s", i18n.T("error.output.write", map[string]any{"Error": err.Error()}))
			return commands.ExitFailed
		}
	} else {
		out.summary(results)
	}
	return out.conclude(results, ctx.Err() != nil)
}

// syncFirst syncs the first key of the batch on its own, so that a cached
// region that turns out to be stale is looked up again once, and the other
// keys go to the instance's current endpoint. It returns the endpoint and
// client for the rest of the batch, and the first key's result, which is
// nil when ctx was done before the key was sent.
func (opts *Options) syncFirst(ctx context.Context, req request, ep endpoint.Endpoint, config keyprotect.Config) (endpoint.Endpoint, Syncer, *Result, error) {
	client, err := opts.newClient(config, ep)
	if err != nil || ctx.Err() != nil {
		return ep, client, nil, err
	}

	key := req.keys[0]
	callCtx := keyprotect.WithStop(ctx, ctx)
	at, syncErr := opts.Session.RetryStale(ctx, req.instanceID, ep, func(at endpoint.Endpoint) error {
		target := client
		if at.StaleRegion != "" {
			if !req.json {
				commands.AnnounceEndpoint(opts.UI, at)
			}
			fresh, err := opts.newClient(config, at)
			if err != nil {
				return err
			}
			client, target = fresh, fresh
		}
		return target.Sync(callCtx, key)
	})
	result := newResult(req.forKey(key), at, syncErr)
	return at, client, &result, nil
}

// interruptedBeforeBatch reports a batch whose endpoint lookup was cut
// short by SIGINT or SIGTERM: no key was sent.
func (opts *Options) interruptedBeforeBatch(req request) int {
	if req.json {
		results := make([]Result, len(req.keys))
		for i, key := range req.keys {
			results[i] = newResult(req.forKey(key), endpoint.Endpoint{}, &keyprotect.Error{Kind: keyprotect.KindInterrupted})
		}
		if err := writeJSON(opts.UI.Writer(), results); err != nil {
			opts.UI.Failed("%s", i18n.T("error.output.write", map[string]any{"Error": err.Error()}))
		}
	}
	opts.UI.Failed("%s", i18n.T("batch.interrupted-lookup"))
	return commands.ExitInterrupted
}

// reportNoRegistrations reports an instance without registrations, which
// leaves --all-registered nothing to sync.
func (opts *Options) reportNoRegistrations(req request) int {
	if req.json {
		if err := writeJSON(opts.UI.Writer(), []Result{}); err != nil {
			opts.UI.Failed("%s", i18n.T("error.output.write", map[string]any{"Error": err.Error()}))
			return commands.ExitFailed
		}
		return commands.ExitOK
	}
	opts.UI.Ok()
	opts.UI.Print("%s", i18n.T("batch.no-registrations", map[string]any{"Instance": req.instanceID}))
	return commands.ExitOK
}
