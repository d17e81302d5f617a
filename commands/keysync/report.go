package keysync

import (
	"fmt"
	"io"
	"strings"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
)

// timeLayout shows the next allowed sync time in the user's time zone.
const timeLayout = "2006-01-02 15:04:05 MST"

// batchOutput prints a batch as it runs: a line per key in text mode, and a
// progress line on a terminal. All its methods run on one goroutine.
type batchOutput struct {
	opts      *Options
	req       request
	progress  io.Writer // nil when no progress line is shown
	lineWidth int       // columns to blank when clearing the progress line
	done      int
	failed    int
}

func newBatchOutput(opts *Options, req request) *batchOutput {
	out := &batchOutput{opts: opts, req: req}
	if !req.json {
		out.progress = opts.Progress
	}
	return out
}

func (o *batchOutput) start() {
	if o.req.json {
		return
	}
	if o.req.duplicates > 0 {
		o.opts.UI.Info("%s", i18n.T("batch.duplicates", map[string]any{"Count": o.req.duplicates}))
	}
	o.opts.UI.Verbose("%s", i18n.T("batch.start", map[string]any{
		"Count": len(o.req.keys), "Parallel": min(o.req.parallel, len(o.req.keys)),
	}))
}

// finished records a key that has its result and prints its line.
func (o *batchOutput) finished(item batchResult) {
	o.done++
	if item.result.Status == StatusFailed {
		o.failed++
	}
	if o.req.json {
		return
	}

	o.clearProgress()
	o.opts.UI.Print("%s", resultLine(item.result))
	o.drawProgress()
}

func (o *batchOutput) drawProgress() {
	if o.progress == nil {
		return
	}
	line := i18n.T("batch.progress-line", map[string]any{
		"Done": o.done, "Total": len(o.req.keys), "Failed": o.failed,
	})
	fmt.Fprint(o.progress, "\r"+line)
	// The byte length is never less than the columns the line takes on
	// screen. A character of a Chinese, Japanese or Korean translation
	// takes two columns and three bytes, so a count of runes would leave
	// part of the line behind when it is cleared.
	o.lineWidth = len(line)
}

// clearProgress blanks the progress line, so that the next output starts on
// an empty line even when stdout and stderr are the same terminal.
func (o *batchOutput) clearProgress() {
	if o.progress == nil || o.lineWidth == 0 {
		return
	}
	fmt.Fprint(o.progress, "\r"+strings.Repeat(" ", o.lineWidth)+"\r")
	o.lineWidth = 0
}

func (o *batchOutput) stopProgress() {
	o.clearProgress()
	o.progress = nil
}

// summary prints the table of every key's result and the counts.
func (o *batchOutput) summary(results []Result) {
	o.opts.UI.Print("")
	table := o.opts.UI.Table([]string{
		i18n.T("batch.table.key"), i18n.T("batch.table.result"), i18n.T("batch.table.detail"),
	})
	for _, result := range results {
		table.Add(result.Key, statusLabel(result.Status), resultDetail(result))
	}
	table.Print()

	counts := countResults(results)
	o.opts.UI.Print("")
	o.opts.UI.Print("%s", i18n.T("batch.counts", map[string]any{
		"Total":        len(results),
		"Synced":       counts[StatusSynced],
		"TooEarly":     counts[StatusTooEarly],
		"Failed":       counts[StatusFailed],
		"NotAttempted": counts[StatusNotAttempted],
	}))
}

// conclude prints the verdict and returns the exit status: 130 when the run
// was interrupted, else 1 when a key failed, else 3 when a key was synced
// too early, else 0.
func (o *batchOutput) conclude(results []Result, interrupted bool) int {
	counts := countResults(results)
	data := map[string]any{
		"Total":        len(results),
		"Failed":       counts[StatusFailed],
		"TooEarly":     counts[StatusTooEarly],
		"NotAttempted": counts[StatusNotAttempted],
	}

	switch {
	case interrupted:
		o.opts.UI.Failed("%s", i18n.T("batch.interrupted", data))
		return commands.ExitInterrupted
	case counts[StatusFailed] > 0:
		o.opts.UI.Failed("%s", i18n.T("batch.failed", data))
		return commands.ExitFailed
	case counts[StatusTooEarly] > 0:
		o.opts.UI.Warn("%s", i18n.T("batch.too-early", data))
		return commands.ExitTooEarly
	}
	if !o.req.json {
		o.opts.UI.Ok()
		o.opts.UI.Print("%s", i18n.T("batch.done", data))
	}
	return commands.ExitOK
}

func countResults(results []Result) map[Status]int {
	counts := map[Status]int{}
	for _, result := range results {
		counts[result.Status]++
	}
	return counts
}

// resultLine is the line printed for a key as soon as it has its result.
func resultLine(result Result) string {
	data := map[string]any{
		"Key":    terminal.EntityNameColor(result.Key),
		"Result": statusColor(result.Status, statusLabel(result.Status)),
	}
	detail := resultDetail(result)
	if detail == "" {
		return i18n.T("batch.line", data)
	}
	data["Detail"] = detail
	return i18n.T("batch.line.detail", data)
}

func statusLabel(status Status) string {
	switch status {
	case StatusSynced:
		return i18n.T("batch.status.synced")
	case StatusTooEarly:
		return i18n.T("batch.status.too-early")
	case StatusNotAttempted:
		return i18n.T("batch.status.not-attempted")
	}
	return i18n.T("batch.status.failed")
}

func statusColor(status Status, label string) string {
	switch status {
	case StatusSynced:
		return terminal.SuccessColor(label)
	case StatusFailed:
		return terminal.FailureColor(label)
	}
	return terminal.WarningColor(label)
}

// resultDetail explains a result in one line for the per-key line and the
// Detail column: when a too-early key may be synced again, and the status,
// reason code, message and correlation ID of a failure. With
// --all-registered it also gives the number of registered resources.
func resultDetail(result Result) string {
	detail := statusDetail(result)
	if result.Registrations == nil {
		return detail
	}
	data := map[string]any{"Count": *result.Registrations, "Detail": detail}
	if detail == "" {
		return i18n.T("batch.detail.registrations", data)
	}
	return i18n.T("batch.detail.with-registrations", data)
}

// statusDetail is the part of resultDetail that depends on the status.
func statusDetail(result Result) string {
	switch result.Status {
	case StatusSynced:
		return ""
	case StatusNotAttempted:
		return i18n.T("batch.detail.not-attempted")
	case StatusTooEarly:
		return tooEarlyDetail(result)
	}
	if result.Error == nil {
		return ""
	}

	failure := result.Error
	data := map[string]any{
		"Status":        failure.StatusCode,
		"Reason":        failure.ReasonCode,
		"Message":       failure.Message,
		"CorrelationID": result.CorrelationID,
		"Attempts":      failure.Attempts,
	}
	switch {
	case result.CorrelationID == "":
		return i18n.T("batch.detail.failed-other", data)
	case failure.StatusCode == 0:
		return i18n.T("batch.detail.failed-no-response", data)
	case failure.ReasonCode == "":
		return i18n.T("batch.detail.failed-status", data)
	}
	return i18n.T("batch.detail.failed-status-reason", data)
}

func tooEarlyDetail(result Result) string {
	detail := i18n.T("batch.detail.too-early")
	if result.NextAllowed != nil {
		detail = i18n.T("batch.detail.too-early-until", map[string]any{
			"Time": result.NextAllowed.Local().Format(timeLayout),
		})
	}
	if result.Error != nil && result.Error.EarlierAttemptMayHaveSucceeded {
		detail += " " + i18n.T("batch.detail.too-early-after-retry")
	}
	return detail
}
