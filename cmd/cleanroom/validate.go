package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/policy"
	"github.com/cleanroom-dev/cleanroom/internal/policycheck"
)

// fileFindings is one file's result in the JSON output.
type fileFindings struct {
	File     string                `json:"file"`
	Findings []policycheck.Finding `json:"findings"`
}

func newValidateCommand() *cobra.Command {
	var typ, format string
	cmd := &cobra.Command{
		Use:   "validate [--type identity|resource|trust|scp|rcp|boundary|session] [--format text|json] FILE...",
		Short: "Report errors and warnings in policy documents",
		Long: `Check policy documents against the policy grammar, the rules and size quota
of their policy type, the actions, resource types and condition keys of the
services in the catalog, and security best practice. "-" reads standard input.

Each finding has a type (ERROR, SECURITY_WARNING, WARNING, SUGGESTION), an
issue code and the statement it is about. The text format prints one line per
finding, FILE: TYPE CODE statement N (Sid X): message; the json format prints
one array of {"file", "findings"}. The exit status is 1 when any document has
an ERROR, 2 when a file cannot be read, 0 otherwise.`,
		Args:                  cobra.MinimumNArgs(1),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := policy.ParseType(typ)
			if err != nil {
				return err
			}
			if format != "text" && format != "json" {
				return fmt.Errorf("unknown format %q (want text or json)", format)
			}
			// Read every file first, so that an unreadable one stops the
			// command before anything is printed.
			docs := make([][]byte, len(args))
			for i, name := range args {
				if name == "-" {
					docs[i], err = io.ReadAll(cmd.InOrStdin())
				} else {
					docs[i], err = os.ReadFile(name)
				}
				if err != nil {
					return err
				}
			}
			cat, err := catalog.Load()
			if err != nil {
				return err
			}
			chk := policycheck.New(cat)
			results := make([]fileFindings, len(args))
			failed := false
			for i, name := range args {
				fs := chk.Check(docs[i], t)
				if fs == nil {
					fs = []policycheck.Finding{}
				}
				results[i] = fileFindings{File: name, Findings: fs}
				failed = failed || policycheck.HasErrors(fs)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					for _, f := range r.Findings {
						if _, err := fmt.Fprintf(out, "%s: %s\n", r.File, f); err != nil {
							return err
						}
					}
				}
			}
			if failed {
				return exitCode(1)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&typ, "type", string(policy.TypeIdentity), "how the policy is used: identity, resource, trust, scp, rcp, boundary or session")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
