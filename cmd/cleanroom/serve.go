package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cleanroom-dev/cleanroom/internal/server"
	"github.com/cleanroom-dev/cleanroom/internal/store/postgres"
)

func newServeCommand() *cobra.Command {
	var (
		cfg       server.Config
		logFormat string
		logLevel  string
		oidcJWKS  []string
		storeURL  string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the AWS APIs (IAM, STS, ...) on a local endpoint",
		Long: `Serve the AWS wire APIs with SigV4 authentication and IAM authorization.

On first start with an empty data directory it creates the management account
and its root access key, and writes DIR/aws/credentials and DIR/aws/config so that

  AWS_CONFIG_FILE=DIR/aws/config AWS_SHARED_CREDENTIALS_FILE=DIR/aws/credentials aws sts get-caller-identity

works. Existing state is never overwritten. Secrets are encrypted with the key in
CLEANROOM_MASTER_KEY (32 bytes, base64) or DIR/master.key (created on first start).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("--log-level: %w", err)
			}
			opts := &slog.HandlerOptions{Level: level}
			switch logFormat {
			case "text":
				cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts))
			case "json":
				cfg.Logger = slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts))
			default:
				return fmt.Errorf("--log-format must be text or json, not %q", logFormat)
			}
			if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
				return fmt.Errorf("--tls-cert and --tls-key go together")
			}
			sets, err := parseOIDCJWKS(oidcJWKS)
			if err != nil {
				return err
			}
			cfg.OIDCKeySets = sets
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if storeURL != "" {
				if !strings.HasPrefix(storeURL, "postgres://") && !strings.HasPrefix(storeURL, "postgresql://") {
					return fmt.Errorf("--store must be a postgres:// URL (the default is SQLite in the data directory)")
				}
				st, err := postgres.Open(ctx, storeURL, postgres.Options{Logger: cfg.Logger})
				if err != nil {
					return fmt.Errorf("opening the PostgreSQL store: %w", err)
				}
				cfg.Store = st
				// Its Generation is kept in memory from LISTEN/NOTIFY:
				// caches compare it on every request, so another node's
				// change is enforced as soon as its notification arrives.
				cfg.CacheCheckInterval = -1
			}
			return serve(ctx, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:4566", "listen address (loopback by default)")
	f.StringVar(&cfg.DataDir, "data", envOr("CLEANROOM_DATA", "cleanroom-data"), "data directory (env CLEANROOM_DATA)")
	f.StringVar(&cfg.Region, "region", "us-east-1", "default region written to aws/config")
	f.StringVar(&storeURL, "store", os.Getenv("CLEANROOM_STORE"), "postgres://... to keep state in PostgreSQL (shared by several nodes) instead of SQLite in --data (env CLEANROOM_STORE)")
	f.StringVar(&cfg.TLSCert, "tls-cert", "", "TLS certificate file (PEM): serve HTTPS")
	f.StringVar(&cfg.TLSKey, "tls-key", "", "TLS private key file (PEM)")
	f.StringArrayVar(&oidcJWKS, "oidc-jwks", nil, "ISSUER=FILE: verify web identity tokens of the OIDC issuer (https://host/path) with the JWKS in FILE instead of fetching its keys (repeatable)")
	f.DurationVar(&cfg.AuditRetention, "audit-retention", 90*24*time.Hour, "how long audit events are kept (CloudTrail's event history: 90 days)")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

func serve(ctx context.Context, cfg server.Config) error {
	if os.Getenv("GOGC") == "" {
		// The server's live heap is small (compiled policies, caches) and
		// each request allocates a few kilobytes that die at once; letting
		// the heap grow to 5x the live data before collecting halves the GC
		// work per request (about +25% requests per second measured with
		// `cleanroom bench`, BENCHMARKS.md). GOGC and GOMEMLIMIT still rule
		// when set.
		debug.SetGCPercent(400)
	}
	s, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// parseOIDCJWKS reads --oidc-jwks ISSUER=FILE values. The issuer is an
// https URL (which itself contains no "="), so the value splits at the first
// "=".
func parseOIDCJWKS(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	sets := make(map[string]string, len(vals))
	for _, v := range vals {
		iss, file, ok := strings.Cut(v, "=")
		if !ok || iss == "" || file == "" {
			return nil, fmt.Errorf("--oidc-jwks %q: want ISSUER=FILE", v)
		}
		if _, dup := sets[iss]; dup {
			return nil, fmt.Errorf("--oidc-jwks: issuer %s given twice", iss)
		}
		sets[iss] = file
	}
	return sets, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
