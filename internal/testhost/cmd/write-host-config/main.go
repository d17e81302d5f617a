// Command write-host-config writes the ibmcloud config.json of a logged-in
// session into a throw-away IBMCLOUD_HOME, with the SDK's own config writer
// through package testhost, the same file the end-to-end tests use. Demo
// and benchmark scripts run the plug-in against the local stand-in with it.
//
//	write-host-config -home DIR -iam http://127.0.0.1:PORT -token TOKEN
//
// It writes DIR/.ibmcloud/config.json and prints that path. The IAM
// endpoint should be the stand-in, so that a token refresh never reaches a
// real IBM Cloud host.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/key-protect-sync/kp-sync/internal/testhost"
)

func main() {
	var opts testhost.HostOptions
	var home string
	flags := flag.NewFlagSet("write-host-config", flag.ContinueOnError)
	flags.StringVar(&home, "home", "", "IBMCLOUD_HOME `DIR` to write .ibmcloud/config.json into")
	flags.StringVar(&opts.IAMEndpoint, "iam", "", "IAM endpoint `URL` for token refreshes, normally the stand-in")
	flags.StringVar(&opts.Token, "token", "", "IAM access `TOKEN`, without \"Bearer \"")
	flags.StringVar(&opts.RefreshToken, "refresh-token", "", "IAM refresh `TOKEN`")
	flags.StringVar(&opts.Region, "region", "us-south", "targeted `REGION`")
	flags.StringVar(&opts.Locale, "locale", "", "locale such as fr_FR; empty leaves it unset")

	err := flags.Parse(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		err = check(home, opts, flags.NArg())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "write-host-config:", err)
		os.Exit(2)
	}

	path := filepath.Join(home, ".ibmcloud", "config.json")
	if err := testhost.WriteConfig(path, opts); err != nil {
		fmt.Fprintf(os.Stderr, "write-host-config: write %s: %v\n", path, err)
		os.Exit(1)
	}
	fmt.Println(path)
}

func check(home string, opts testhost.HostOptions, extra int) error {
	switch {
	case extra > 0:
		return errors.New("it takes flags only")
	case home == "":
		return errors.New("-home is required")
	case opts.IAMEndpoint == "":
		return errors.New("-iam is required: give the stand-in URL, so that a token refresh stays local")
	case opts.Token == "":
		return errors.New("-token is required: give the token the stand-in accepts")
	}
	return nil
}
