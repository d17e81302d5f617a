// Package registrations implements "ibmcloud kp registrations": it lists the
// resources registered with the keys of an instance, which are the resources
// that "kp key sync" notifies.
package registrations

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/IBM-Cloud/ibm-cloud-cli-sdk/bluemix/terminal"
	kp "github.com/IBM/keyprotect-go-client"
	"github.com/urfave/cli/v3"

	"github.com/key-protect-sync/kp-sync/commands"
	"github.com/key-protect-sync/kp-sync/i18n"
	"github.com/key-protect-sync/kp-sync/internal/endpoint"
	"github.com/key-protect-sync/kp-sync/internal/keyprotect"
	"github.com/key-protect-sync/kp-sync/internal/kpmessage"
	"github.com/key-protect-sync/kp-sync/internal/session"
	"github.com/key-protect-sync/kp-sync/internal/usermsg"
	"github.com/key-protect-sync/kp-sync/internal/validate"
	"github.com/key-protect-sync/kp-sync/metadata"
)

func init() {
	commands.Register(metadata.NamespaceKP, metadata.CommandRegistrations, Run)
}

// Lister is the Key Protect call the command makes; *keyprotect.Client
// implements it, and unit tests replace it.
type Lister interface {
	ListRegistrations(ctx context.Context, q keyprotect.RegistrationQuery) ([]kp.Registration, error)
}

// Options holds the parsed command line and the command's dependencies.
type Options struct {
	UI      terminal.UI
	Session session.Session

	// NewClient builds the Key Protect client; nil means keyprotect.New.
	NewClient func(keyprotect.Config) (Lister, error)

	// Location is the time zone of the Last Updated column; nil means
	// time.Local, the user's.
	Location *time.Location

	Key        string // from -k; "" lists the registrations of every key
	CRNQuery   string
	InstanceID string // from -i; KP_INSTANCE_ID is read later
	KeyRing    string
	Region     string // from --region; "" lets the instance lookup decide
	Output     string
	Help       bool
}

// Run parses args and runs the command; it returns the exit status.
func Run(ctx context.Context, env commands.Env, args []string) int {
	opts, err := Parse(args)
	command, _ := metadata.Find(metadata.NamespaceKP, metadata.CommandRegistrations)
	if code, done := commands.Prelude(env.UI, command, err == nil && opts.Help, err); done {
		return code
	}

	opts.UI = env.UI
	opts.Session = session.Session{Context: env.Context, Getenv: env.Getenv}
	return opts.Run(ctx)
}

// Parse reads the command line of "kp registrations" into Options. It checks
// the syntax only; Run validates the values.
func Parse(args []string) (*Options, error) {
	opts := &Options{}
	if commands.WantsHelp(args) {
		opts.Help = true
		return opts, nil
	}

	var positional []string
	parser := &cli.Command{
		Name:      metadata.CommandRegistrations,
		HideHelp:  true,
		Writer:    io.Discard,
		ErrWriter: io.Discard,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: metadata.FlagKeyID, Aliases: []string{"k"}},
			&cli.StringFlag{Name: metadata.FlagCRNQuery, Aliases: []string{"c"}},
			&cli.StringFlag{Name: metadata.FlagKeyRing, Aliases: []string{"r"}},
			&cli.StringFlag{Name: metadata.FlagInstanceID, Aliases: []string{"i"}},
			&cli.StringFlag{Name: metadata.FlagRegion},
			&cli.StringFlag{Name: metadata.FlagOutput, Aliases: []string{"o"}},
		},
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return err
		},
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Action: func(_ context.Context, cmd *cli.Command) error {
			positional = cmd.Args().Slice()
			opts.Key = cmd.String(metadata.FlagKeyID)
			opts.CRNQuery = cmd.String(metadata.FlagCRNQuery)
			opts.KeyRing = cmd.String(metadata.FlagKeyRing)
			opts.InstanceID = cmd.String(metadata.FlagInstanceID)
			opts.Region = cmd.String(metadata.FlagRegion)
			opts.Output = cmd.String(metadata.FlagOutput)

			// An empty -k or -c, say from an unset shell variable, would
			// silently widen the list to every key or every resource.
			for _, name := range []string{metadata.FlagKeyID, metadata.FlagCRNQuery} {
				if cmd.IsSet(name) && cmd.String(name) == "" {
					return usermsg.Usage("error.flag.empty", map[string]any{"Flag": name})
				}
			}
			return nil
		},
	}
	err := parser.Run(context.Background(), append([]string{metadata.CommandRegistrations}, args...))
	var userErr *usermsg.Error
	if errors.As(err, &userErr) {
		return nil, userErr
	}
	if err != nil {
		return nil, commands.ParseError(err)
	}

	if len(positional) > 0 {
		return nil, usermsg.Usage("error.registrations.arguments", map[string]any{
			"Value": usermsg.Quote(positional[0]),
		})
	}
	return opts, nil
}

// request is the validated input of one run.
type request struct {
	key        string
	crnQuery   string
	instanceID string
	keyRing    string
	json       bool
}

// Run validates the options, lists the registrations and prints them.
func (opts *Options) Run(ctx context.Context) int {
	command, _ := metadata.Find(metadata.NamespaceKP, metadata.CommandRegistrations)

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
		return opts.fail(req, &keyprotect.Error{Kind: keyprotect.KindInterrupted, Cause: ctx.Err()})
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
		opts.sayProgress(req)
	}

	// A retry at a new endpoint follows a cached region that failed, and
	// gets its own endpoint line.
	var regs []kp.Registration
	_, err = opts.Session.RetryStale(ctx, req.instanceID, ep, func(at endpoint.Endpoint) error {
		if at.StaleRegion != "" && !req.json {
			commands.AnnounceEndpoint(opts.UI, at)
		}
		client, err := opts.client(config, at)
		if err != nil {
			return err
		}
		regs, err = client.ListRegistrations(ctx, keyprotect.RegistrationQuery{
			KeyIDOrAlias: req.key,
			CRNPattern:   req.crnQuery,
		})
		return err
	})
	if err != nil {
		return opts.fail(req, err)
	}

	if req.json {
		if err := writeJSON(opts.UI.Writer(), toJSON(regs)); err != nil {
			opts.UI.Failed("%s", i18n.T("error.output.write", map[string]any{"Error": err.Error()}))
			return commands.ExitFailed
		}
		return commands.ExitOK
	}
	opts.UI.Ok()
	opts.printTable(regs)
	return commands.ExitOK
}

func (opts *Options) validate() (request, error) {
	format, err := validate.OutputFormat(opts.Output)
	if err != nil {
		return request{}, err
	}
	if opts.Key != "" {
		if err := validate.KeyIDOrAlias(opts.Key); err != nil {
			return request{}, err
		}
	}
	if opts.CRNQuery != "" {
		if err := validate.CRNPattern(opts.CRNQuery, opts.Key == ""); err != nil {
			return request{}, err
		}
	}
	instanceID, err := opts.Session.Target(opts.InstanceID, opts.KeyRing, opts.Region)
	if err != nil {
		return request{}, err
	}
	return request{
		key:        opts.Key,
		crnQuery:   opts.CRNQuery,
		instanceID: instanceID,
		keyRing:    opts.KeyRing,
		json:       format == "json",
	}, nil
}

// client returns the Key Protect client for the endpoint ep.
func (opts *Options) client(config keyprotect.Config, ep endpoint.Endpoint) (Lister, error) {
	config.Endpoint = ep.URL
	if opts.NewClient != nil {
		return opts.NewClient(config)
	}
	return keyprotect.New(config)
}

func (opts *Options) sayProgress(req request) {
	if req.key != "" {
		opts.UI.Verbose("%s", i18n.T("registrations.progress.key", map[string]any{
			"Key": terminal.EntityNameColor(req.key),
		}))
		return
	}
	opts.UI.Verbose("%s", i18n.T("registrations.progress.all", map[string]any{
		"Instance": terminal.EntityNameColor(req.instanceID),
	}))
}

// fail prints the FAILED message of a failed listing, in both output modes,
// and returns the exit status. -o json prints nothing on stdout then.
func (opts *Options) fail(req request, err error) int {
	var failure *keyprotect.Error
	if !errors.As(err, &failure) {
		command, _ := metadata.Find(metadata.NamespaceKP, metadata.CommandRegistrations)
		return commands.Fail(opts.UI, command, err)
	}
	opts.UI.Failed("%s", describe(req, failure))
	if failure.Kind == keyprotect.KindInterrupted {
		return commands.ExitInterrupted
	}
	return commands.ExitFailed
}

// describe explains a failed listing to the user. kpmessage covers the
// failures that read the same for every command.
func describe(req request, failure *keyprotect.Error) string {
	data := kpmessage.Data(failure, req.instanceID)
	data["Key"] = req.key
	data["KeyRing"] = req.keyRing
	if message, ok := kpmessage.Describe(failure, data); ok {
		return message
	}

	switch {
	case failure.Kind == keyprotect.KindNotFound && req.key != "" && req.keyRing != "":
		return i18n.T("registrations.error.not-found-in-ring", data)
	case failure.Kind == keyprotect.KindNotFound && req.key != "":
		return i18n.T("registrations.error.not-found", data)
	case failure.Kind == keyprotect.KindForbidden:
		return i18n.T("registrations.error.forbidden", data)
	case failure.Kind == keyprotect.KindInterrupted:
		return i18n.T("registrations.error.interrupted", data)
	case failure.StatusCode == 0:
		return i18n.T("registrations.error.failed", data)
	case failure.ReasonCode == "":
		return i18n.T("registrations.error.other-no-reason", data)
	}
	return i18n.T("registrations.error.other", data)
}
