// Package keysync implements "ibmcloud kp key sync": it requests that Key Protect
// notify the cloud services associated with a root key of the key's last
// lifecycle event again.
package keysync

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"
	"github.com/urfave/cli/v3"

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

	Keys       []string
	InstanceID string // from -i; KP_INSTANCE_ID is read later
	KeyRing    string
	Region     string // from -r; "" lets the instance lookup decide
	Output     string
	Help       bool
}

// Run parses args and runs the command; it returns the exit status.
func Run(ctx context.Context, env commands.Env, args []string) int {
	opts, err := Parse(args)
	command, _ := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)
	if err != nil {
		return commands.Fail(env.UI, command, err)
	}
	if opts.Help {
		commands.PrintHelp(env.UI, command)
		return commands.ExitOK
	}

	opts.UI = env.UI
	opts.Session = session.Session{Context: env.Context, Getenv: env.Getenv}
	opts.Now = time.Now
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

	parser := &cli.Command{
		Name:      metadata.CommandSync,
		HideHelp:  true,
		Writer:    io.Discard,
		ErrWriter: io.Discard,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: metadata.FlagInstanceID, Aliases: []string{"i"}},
			&cli.StringFlag{Name: metadata.FlagKeyRing},
			&cli.StringFlag{Name: metadata.FlagRegion, Aliases: []string{metadata.ShortFlagRegion}},
			&cli.StringFlag{Name: metadata.FlagOutput, Aliases: []string{"o"}},
		},
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return err
		},
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Action: func(_ context.Context, cmd *cli.Command) error {
			opts.Keys = cmd.Args().Slice()
			opts.InstanceID = cmd.String(metadata.FlagInstanceID)
			opts.KeyRing = cmd.String(metadata.FlagKeyRing)
			opts.Region = cmd.String(metadata.FlagRegion)
			opts.Output = cmd.String(metadata.FlagOutput)
			return nil
		},
	}
	if err := parser.Run(context.Background(), append([]string{metadata.CommandSync}, args...)); err != nil {
		return nil, usermsg.Usage("error.arguments", map[string]any{"Error": err.Error()})
	}

	switch len(opts.Keys) {
	case 0:
		return nil, usermsg.Usage("error.key.missing", nil)
	case 1:
	default:
		return nil, usermsg.Usage("error.key.too-many", map[string]any{"Count": len(opts.Keys)})
	}
	return opts, nil
}

// request is the validated input of one run.
type request struct {
	key        string
	instanceID string
	keyRing    string
	json       bool
}

// Run validates the options, syncs the key and prints the result.
func (opts *Options) Run(ctx context.Context) int {
	command, _ := metadata.Find(metadata.NamespaceKPKey, metadata.CommandSync)

	req, err := opts.validate()
	if err != nil {
		return commands.Fail(opts.UI, command, err)
	}
	if err := opts.Session.RequireLogin(); err != nil {
		return commands.Fail(opts.UI, command, err)
	}
	ep, err := opts.Session.Endpoint(ctx, req.instanceID, opts.Region)
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

	if !req.json {
		commands.AnnounceEndpoint(opts.UI, ep)
		opts.UI.Print("%s", i18n.T("sync.progress", map[string]any{
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
			opts.UI.Failed("%s", err.Error())
			return commands.ExitFailed
		}
	}
	return opts.report(req, result, syncErr)
}

func (opts *Options) validate() (request, error) {
	format, err := validate.OutputFormat(opts.Output)
	if err != nil {
		return request{}, err
	}
	key := opts.Keys[0]
	if err := validate.KeyIDOrAlias(key); err != nil {
		return request{}, err
	}
	instanceID, err := opts.Session.InstanceID(opts.InstanceID)
	if err != nil {
		return request{}, err
	}
	if opts.KeyRing != "" {
		if err := validate.KeyRing(opts.KeyRing); err != nil {
			return request{}, err
		}
	}
	if opts.Region != "" {
		if err := endpoint.CheckRegion(opts.Region); err != nil {
			return request{}, err
		}
	}
	return request{key: key, instanceID: instanceID, keyRing: opts.KeyRing, json: format == "json"}, nil
}

// syncAt syncs the key at the endpoint ep.
func (opts *Options) syncAt(ctx context.Context, config keyprotect.Config, ep endpoint.Endpoint, key string) error {
	config.Endpoint = ep.URL
	var client Syncer
	var err error
	if opts.NewClient != nil {
		client, err = opts.NewClient(config)
	} else {
		client, err = keyprotect.New(config)
	}
	if err != nil {
		return err
	}
	return client.Sync(ctx, key)
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
		opts.UI.Failed("%s", syncErr.Error())
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
