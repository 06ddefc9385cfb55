package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"
)

// exitCode is returned by a command that has already reported its outcome and
// only needs the process to exit with a status (validate's findings).
type exitCode int

func (e exitCode) Error() string { return "exit status" }

func asExit(err error, ec *exitCode) bool { return errors.As(err, ec) }

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "cleanroom",
		Short:         "A self-hosted AWS Clean Rooms identity and access management service",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newPolicyCommand(), newServeCommand(), newBenchCommand())
	return root
}
