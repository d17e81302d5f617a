// Command kp-standin runs the Key Protect stand-in of package standin as a
// process, for demos and benchmarks of the kp key sync plug-in.
//
//	go run ./internal/standin/cmd/kp-standin -keys 100 -keys-file keys.txt -url-file url.txt
//
// It prints "kp-standin listening on URL" to stderr, serves until SIGINT or
// SIGTERM, then prints its request, connection and in-flight counters.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/key-protect-sync/kp-sync/internal/standin"
)

// demoInstance is the instance ID used when -instance is not given, fixed so
// that demo scripts can hard-code it.
const demoInstance = "8d4f1b2a-5c3e-4f6a-9b7c-0d1e2f3a4b5c"

// keyFlag collects repeated -key values of the form ID or ID=ALIAS.
type keyFlag []standin.Key

func (k *keyFlag) String() string {
	ids := make([]string, len(*k))
	for i, key := range *k {
		ids[i] = key.ID
	}
	return strings.Join(ids, ",")
}

func (k *keyFlag) Set(value string) error {
	id, alias, hasAlias := strings.Cut(value, "=")
	if id == "" {
		return errors.New("key ID is empty: use -key ID or -key ID=ALIAS")
	}
	key := standin.Key{ID: id}
	if hasAlias {
		key.Aliases = []string{alias}
	}
	*k = append(*k, key)
	return nil
}

type options struct {
	addr          string
	instance      string
	region        string
	token         string
	refreshToken  string
	keyCount      int
	keys          keyFlag
	registrations int
	latency       time.Duration
	clockStep     time.Duration
	urlFile       string
	keysFile      string
}

func parseFlags(args []string) (options, error) {
	var opts options
	flags := flag.NewFlagSet("kp-standin", flag.ContinueOnError)
	flags.StringVar(&opts.addr, "addr", "127.0.0.1:0", "loopback `HOST:PORT` to listen on; port 0 picks a free port")
	flags.StringVar(&opts.instance, "instance", demoInstance, "Key Protect instance `ID` to create")
	flags.StringVar(&opts.region, "instance-region", "", "`REGION` of the instance: the Resource Controller then returns it, and Key Protect serves the instance under /REGION/ only")
	flags.StringVar(&opts.token, "token", "", "bearer `TOKEN` to accept; empty generates a JWT-shaped token valid for one hour and prints it")
	flags.StringVar(&opts.refreshToken, "refresh-token", "", "IAM refresh `TOKEN` to accept at /identity/token")
	flags.IntVar(&opts.keyCount, "keys", 0, "number of keys with random IDs to create")
	flags.Var(&opts.keys, "key", "key to create, as `ID` or ID=ALIAS; repeatable")
	flags.IntVar(&opts.registrations, "registrations", 0, "number of registrations to create for each key")
	flags.DurationVar(&opts.latency, "latency", 0, "delay added to every Key Protect request, such as 50ms")
	flags.DurationVar(&opts.clockStep, "clock-step", 0, "advance the stand-in's clock by `DURATION` on every reading; more than 1h lets every sync of a key succeed, as benchmarks need")
	flags.StringVar(&opts.urlFile, "url-file", "", "file to write the base URL to once listening")
	flags.StringVar(&opts.keysFile, "keys-file", "", "file to write the created key IDs to, one per line")

	if err := flags.Parse(args); err != nil {
		return opts, err
	}
	if flags.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q: kp-standin takes flags only", flags.Arg(0))
	}
	if opts.clockStep < 0 {
		return opts, errors.New("-clock-step must be 0 or more")
	}
	if opts.keyCount < 0 || opts.registrations < 0 {
		return opts, errors.New("-keys and -registrations must be 0 or more")
	}
	if opts.region != "" && !slices.Contains(standin.Regions, opts.region) {
		return opts, fmt.Errorf("-instance-region %q is not a Key Protect region; use one of %s", opts.region, strings.Join(standin.Regions, ", "))
	}
	return opts, nil
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kp-standin:", err)
		os.Exit(2)
	}
	if err := run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "kp-standin:", err)
		os.Exit(1)
	}
}

func run(opts options) error {
	srv, err := standin.Listen(opts.addr)
	if err != nil {
		return err
	}
	defer srv.Close()

	keyIDs := populate(srv, opts)

	if opts.keysFile != "" {
		content := strings.Join(keyIDs, "\n")
		if content != "" {
			content += "\n"
		}
		if err := os.WriteFile(opts.keysFile, []byte(content), 0o600); err != nil {
			return fmt.Errorf("write key IDs: %w", err)
		}
	}

	// Signals are caught before the URL is published, so a script that
	// reads the URL file and then stops the server still gets the counters.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)

	if opts.urlFile != "" {
		if err := os.WriteFile(opts.urlFile, []byte(srv.URL+"\n"), 0o600); err != nil {
			return fmt.Errorf("write URL file: %w", err)
		}
	}
	fmt.Fprintf(os.Stderr, "kp-standin listening on %s\n", srv.URL)

	received := <-stop
	fmt.Fprintf(os.Stderr, "kp-standin stopping on %s: requests %d, connections %d, max in flight %d\n",
		received, srv.RequestCount(), srv.ConnectionCount(), srv.MaxInFlight())
	return nil
}

// populate creates the instance, tokens, keys and registrations and returns
// the IDs of all keys created.
func populate(srv *standin.Server, opts options) []string {
	srv.AddInstance(opts.instance)
	if opts.region != "" {
		crn := "crn:v1:bluemix:public:kms:" + opts.region + ":a/" + standin.TokenAccountID + ":" + opts.instance + "::"
		srv.AddResourceInstance(opts.instance, crn, opts.region)
		srv.RestrictInstanceRegion(opts.instance, opts.region)
	}
	srv.SetLatency(opts.latency)
	if opts.clockStep > 0 {
		srv.SetClock(steppingClock(time.Now(), opts.clockStep))
	}

	token := opts.token
	if token == "" {
		token = standin.NewJWT(time.Now().Add(standin.TokenLifetime))
		fmt.Fprintf(os.Stderr, "kp-standin token: %s\n", token)
	}
	srv.AcceptToken(token)
	if opts.refreshToken != "" {
		srv.AddRefreshToken(opts.refreshToken)
	}

	var keyIDs []string
	for _, key := range opts.keys {
		srv.AddKey(opts.instance, key)
		keyIDs = append(keyIDs, key.ID)
	}
	keyIDs = append(keyIDs, srv.AddKeys(opts.instance, opts.keyCount)...)

	for _, keyID := range keyIDs {
		for i := range opts.registrations {
			srv.AddRegistration(opts.instance, standin.Registration{
				KeyID:       keyID,
				ResourceCRN: fmt.Sprintf("crn:v1:bluemix:public:cloud-object-storage:global:a/%s:%s:bucket:standin-%d", standin.TokenAccountID, standin.NewUUID(), i),
				CreatedBy:   standin.TokenIAMID,
			})
		}
	}
	return keyIDs
}

// steppingClock returns a clock that starts at start and moves on by step
// at every reading. The stand-in reads its clock under its own lock, so
// the counter needs none.
func steppingClock(start time.Time, step time.Duration) func() time.Time {
	readings := 0
	return func() time.Time {
		readings++
		return start.Add(time.Duration(readings) * step)
	}
}
