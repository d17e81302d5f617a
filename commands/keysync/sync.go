// Package keysync implements "ibmcloud kp key sync": it requests that Key Protect
// notify the cloud services associated with a root key of the key's last
// lifecycle event again, for one key or for a batch of keys.
package keysync

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/session"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
	"github.com/key-protect-sync/kp-sync/metadata"
)

func init() {
	commands.Register(metadata.NamespaceKPKey, metadata.CommandSync, Run)
}

// Syncer is the Key Protect call the command makes; *keyprotect.Client
// implements it, and unit tests replace it.
type Syncer interface {
	Sync(ctx context.Context, key string) error
}

// Options holds the parsed command line and the command's dependencies.
type Options struct {
	UI      terminal.UI
	Session session.Session
	Now     func() time.Time

	// NewClient builds the Key Protect client; nil means keyprotect.New.
	NewClient func(keyprotect.Config) (Syncer, error)

	// Stdin is read for --file -; nil means os.Stdin.
	Stdin io.Reader
	// Progress receives the progress line of a batch; nil prints none. Run
	// sets it to os.Stderr when that is a terminal.
	Progress io.Writer

	Keys          []string
	Files         []string // --file, in the order given; "-" is stdin
	AllRegistered bool
	Parallel      int    // --parallel; 0 means DefaultParallel
	InstanceID    string // from -i; KP_INSTANCE_ID is read later
	KeyRing       string
	Region        string // from -r; "" lets the instance lookup decide
	Output        string
	Help          bool
}

// Limits of --parallel.
const (
	DefaultParallel = 4
	MinParallel     = 1
	MaxParallel     = 32
)

// Run parses args and runs the command; it returns the exit status.
func Run(ctx context.Context, env commands.Env, args []string) int {
	opts, err := Parse(args)
	command, _ := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)
	if code, done := commands.Prelude(env.UI, command, err == nil && opts.Help, err); done {
		return code
	}

	opts.UI = env.UI
	opts.Session = session.Session{Context: env.Context, Getenv: env.Getenv}
	opts.Now = time.Now
	if term.IsTerminal(int(os.Stderr.Fd())) {
		opts.Progress = os.Stderr
	}
	return opts.Run(ctx)
}

// Parse reads the command line of "kp key sync" into Options. It checks the
// syntax only; Run validates the values.
func Parse(args []string) (*Options, error) {
	opts := &Options{}
	if commands.WantsHelp(args) {
		opts.Help = true
		return opts, nil
	}

	var parallel string
	parser := &cli.Command{
		Name:      metadata.CommandSync,
		HideHelp:  true,
		Writer:    io.Discard,
		ErrWriter: io.Discard,
		// A file name may contain commas, so --file is never split on them.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: metadata.FlagInstanceID, Aliases: []string{"i"}},
			&cli.StringFlag{Name: metadata.FlagKeyRing},
			&cli.StringFlag{Name: metadata.FlagRegion, Aliases: []string{metadata.ShortFlagRegion}},
			&cli.StringFlag{Name: metadata.FlagOutput, Aliases: []string{"o"}},
			&cli.StringSliceFlag{Name: metadata.FlagFile},
			&cli.BoolFlag{Name: metadata.FlagAllRegistered},
			&cli.StringFlag{Name: metadata.FlagParallel},
		},
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return err
		},
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if keys := cmd.Args().Slice(); len(keys) > 0 {
				opts.Keys = keys
			}
			opts.InstanceID = cmd.String(metadata.FlagInstanceID)
			opts.KeyRing = cmd.String(metadata.FlagKeyRing)
			opts.Region = cmd.String(metadata.FlagRegion)
			opts.Output = cmd.String(metadata.FlagOutput)
			if files := cmd.StringSlice(metadata.FlagFile); len(files) > 0 {
				opts.Files = files
			}
			opts.AllRegistered = cmd.Bool(metadata.FlagAllRegistered)
			if cmd.IsSet(metadata.FlagParallel) {
				parallel = cmd.String(metadata.FlagParallel)
			}
			return nil
		},
	}
	if err := parser.Run(context.Background(), append([]string{metadata.CommandSync}, args...)); err != nil {
		return nil, commands.ParseError(err)
	}

	if parallel != "" {
		n, err := strconv.Atoi(strings.TrimSpace(parallel))
		if err != nil || n < MinParallel || n > MaxParallel {
			return nil, parallelError(parallel)
		}
		opts.Parallel = n
	}
	if err := opts.checkSources(); err != nil {
		return nil, err
	}
	return opts, nil
}

// checkSources requires exactly one source of keys: positional keys,
// --file or --all-registered.
func (opts *Options) checkSources() error {
	sources := 0
	for _, given := range []bool{len(opts.Keys) > 0, len(opts.Files) > 0, opts.AllRegistered} {
		if given {
			sources++
		}
	}
	switch {
	case sources == 0:
		return usermsg.Usage("error.key.missing", nil)
	case sources > 1:
		return usermsg.Usage("error.key.sources-conflict", nil)
	}

	stdinReads := 0
	for _, name := range opts.Files {
		if name == "" {
			return usermsg.Usage("error.file.empty-name", nil)
		}
		if name == StdinName {
			stdinReads++
		}
	}
	if stdinReads > 1 {
		return usermsg.Usage("error.file.stdin-twice", nil)
	}
	return nil
}

func parallelError(value string) error {
	return usermsg.Usage("error.parallel.invalid", map[string]any{
		"Value": usermsg.Quote(value), "Min": MinParallel, "Max": MaxParallel,
	})
}

// Batch reports whether the command line syncs a batch of keys, whose
// results -o json prints as an array: several positional keys, --file or
// --all-registered. A single positional key prints one object.
func (opts *Options) Batch() bool {
	return len(opts.Keys) != 1 || len(opts.Files) > 0 || opts.AllRegistered
}

// request is the validated input of one run.
type request struct {
	key        string // the key of a single-key run, or of one batch result
	keys       []string
	duplicates int // keys given more than once, not counted in keys
	instanceID string
	keyRing    string
	json       bool
	parallel   int

	// registered counts the registrations of each key ID, when
	// --all-registered listed them; nil otherwise.
	registered map[string]int
}

// forKey returns req for the result of one key of a batch.
func (req request) forKey(key string) request {
	req.key = key
	return req
}

// Run validates the options, syncs the key and prints the result.
func (opts *Options) Run(ctx context.Context) int {
	command, _ := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)

	req, err := opts.validate()
	var fileErr *KeyFileError
	if errors.As(err, &fileErr) {
		err = fileErr.UsageError()
	}
	if err != nil {
		return commands.Fail(opts.UI, command, err)
	}
	if err := opts.Session.RequireLogin(); err != nil {
		return commands.Fail(opts.UI, command, err)
	}
	ep, err := opts.Session.Endpoint(ctx, req.instanceID, opts.Region)
	if err != nil && ctx.Err() != nil && opts.Batch() {
		return opts.interruptedBeforeBatch(req)
	}
	if err != nil && ctx.Err() != nil {
		// The instance lookup was cut short by SIGINT or SIGTERM.
		opts.UI.Failed("%s", i18n.T("sync.error.interrupted", map[string]any{"Key": req.key}))
		return commands.ExitInterrupted
	}
	if err != nil {
		return commands.Fail(opts.UI, command, err)
	}
	config, err := opts.Session.ClientConfig(ep, req.instanceID, req.keyRing)
	if err != nil {
		return commands.Fail(opts.UI, command, err)
	}

	if opts.Batch() {
		// Every worker of a batch keeps its idle connection for the next key.
		config.MaxConns = req.parallel
		return opts.runBatch(ctx, command, req, ep, config)
	}

	if !req.json {
		commands.AnnounceEndpoint(opts.UI, ep)
		opts.UI.Verbose("%s", i18n.T("sync.progress", map[string]any{
			"Key": terminal.EntityNameColor(req.key),
		}))
	}

	// A retry at a new endpoint follows a cached region that failed, and
	// gets its own endpoint line.
	ep, syncErr := opts.Session.RetryStale(ctx, req.instanceID, ep, func(at endpoint.Endpoint) error {
		if at.StaleRegion != "" && !req.json {
			commands.AnnounceEndpoint(opts.UI, at)
		}
		return opts.syncAt(ctx, config, at, req.key)
	})
	result := newResult(req, ep, syncErr)

	if req.json {
		if err := writeJSON(opts.UI.Writer(), result); err != nil {
			opts.UI.Failed("%s", i18n.T("error.output.write", map[string]any{"Error": err.Error()}))
			return commands.ExitFailed
		}
	}
	return opts.report(req, result, syncErr)
}

// validate checks every input, key files included, before anything is sent.
func (opts *Options) validate() (request, error) {
	if err := opts.checkSources(); err != nil {
		return request{}, err
	}
	format, err := validate.OutputFormat(opts.Output)
	if err != nil {
		return request{}, err
	}
	parallel := opts.Parallel
	if parallel == 0 {
		parallel = DefaultParallel
	}
	if parallel < MinParallel || parallel > MaxParallel {
		return request{}, parallelError(strconv.Itoa(parallel))
	}
	for _, key := range opts.Keys {
		if err := validate.KeyIDOrAlias(key); err != nil {
			return request{}, err
		}
	}
	keys := opts.Keys
	if len(opts.Files) > 0 {
		if keys, err = opts.readFiles(); err != nil {
			return request{}, err
		}
	}
	instanceID, err := opts.Session.Target(opts.InstanceID, opts.KeyRing, opts.Region)
	if err != nil {
		return request{}, err
	}

	req := request{instanceID: instanceID, keyRing: opts.KeyRing, json: format == "json", parallel: parallel}
	req.keys, req.duplicates = uniqueKeys(keys)
	if !opts.Batch() {
		req.key = req.keys[0]
	}
	return req, nil
}

func (opts *Options) readFiles() ([]string, error) {
	stdin := opts.Stdin
	if stdin == nil {
		stdin = os.Stdin
	}
	keys, err := readKeyFiles(opts.Files, stdin)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		names := make([]string, len(opts.Files))
		for i, name := range opts.Files {
			names[i] = displayName(name)
		}
		return nil, usermsg.Usage("error.file.no-keys", map[string]any{"Files": strings.Join(names, ", ")})
	}
	return keys, nil
}

// uniqueKeys drops repeats of a key, keeping the order of first appearance,
// and returns how many it dropped. Keys match only when they are the same
// string: a key given by ID and by alias cannot be recognised, because the
// sync API does not return the ID of the key an alias names.
func uniqueKeys(keys []string) ([]string, int) {
	seen := make(map[string]bool, len(keys))
	unique := make([]string, 0, len(keys))
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		unique = append(unique, key)
	}
	return unique, len(keys) - len(unique)
}

// syncAt syncs the key at the endpoint ep.
func (opts *Options) syncAt(ctx context.Context, config keyprotect.Config, ep endpoint.Endpoint, key string) error {
	client, err := opts.newClient(config, ep)
	if err != nil {
		return err
	}
	return client.Sync(ctx, key)
}

// newClient builds the client for config at the endpoint ep.
func (opts *Options) newClient(config keyprotect.Config, ep endpoint.Endpoint) (Syncer, error) {
	config.Endpoint = ep.URL
	if opts.NewClient != nil {
		return opts.NewClient(config)
	}
	return keyprotect.New(config)
}

// report prints the outcome in text mode, and the FAILED message in both
// modes, and returns the exit status.
func (opts *Options) report(req request, result Result, syncErr error) int {
	if syncErr == nil {
		if !req.json {
			opts.UI.Ok()
			opts.UI.Print("%s", i18n.T("sync.done", map[string]any{
				"Key": terminal.EntityNameColor(req.key),
			}))
		}
		return commands.ExitOK
	}

	var failure *keyprotect.Error
	if !errors.As(syncErr, &failure) {
		opts.UI.Failed("%s", i18n.T("error.internal", map[string]any{"Error": syncErr.Error()}))
		return commands.ExitFailed
	}
	opts.UI.Failed("%s", describe(req, failure, opts.Now()))
	switch failure.Kind {
	case keyprotect.KindTooEarly:
		return commands.ExitTooEarly
	case keyprotect.KindInterrupted:
		return commands.ExitInterrupted
	}
	return commands.ExitFailed
}

func writeJSON(w io.Writer, value any) error {
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	encoder.SetEscapeHTML(false)
	return encoder.Encode(value)
}
