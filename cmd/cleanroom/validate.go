package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [--type identity|resource|trust|scp|rcp|boundary|session] FILE...",
		Short: "Report errors and warnings in policy documents",
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("validate: not yet available")
		},
	}
}
