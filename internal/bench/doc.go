// Package bench holds the benchmarks that need the built plug-in and the
// kp-standin process, run by hand or from the Makefile:
//
//	go test ./internal/bench -run '^$' -bench BatchSync -benchtime 1x -v
//
// BenchmarkBatchSync syncs 1,000 keys with 20 ms of stand-in latency in one
// `kp key sync --file FILE --parallel 8` run, and then the same number of
// keys with a shell loop of 1,000 single-key runs. It logs the wall times,
// the ratio to the ideal 1000 x 20 ms / 8, the speed-up over the loop and
// the connections per worker, and reports them as benchmark metrics.
package bench
