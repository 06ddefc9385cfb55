// Package server wires cleanroom together: it opens the store, bootstraps the
// first account, and serves the AWS wire APIs over HTTP. A request goes
// through SigV4 authentication, is routed by the service in its credential
// scope, decoded by the service's protocol, authorized by the policy engine,
// handled, and encoded; every response carries a request id.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cleanroom-dev/cleanroom/internal/account"
	"github.com/cleanroom-dev/cleanroom/internal/audit"
	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/secretbox"
	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

// Config configures a Server. Zero values take the documented defaults.
type Config struct {
	// Addr is the listen address; default 127.0.0.1:4566 (loopback).
	Addr string
	// DataDir holds the database, the master key (unless
	// CLEANROOM_MASTER_KEY is set) and the aws/ files.
	DataDir string
	// Region is the default region written to aws/config; default us-east-1.
	Region string
	// TLSCert and TLSKey, when both set, make the server speak HTTPS.
	TLSCert, TLSKey string
	// MaxBodyBytes bounds a request body; default 10 MiB.
	MaxBodyBytes int64
	Logger       *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Getenv reads the environment; default os.Getenv.
	Getenv func(string) string
	// Rand is the source of randomness; default crypto/rand.Reader.
	Rand io.Reader
	// Store, when set, is used instead of the SQLite database in DataDir.
	Store store.Store
	// OIDCKeySets maps OpenID Connect issuers (https://host/path) to JWKS
	// files, read at start: AssumeRoleWithWebIdentity verifies the tokens of
	// a listed issuer with those keys instead of fetching the issuer's
	// (for use offline). Other issuers' keys are fetched through discovery.
	OIDCKeySets map[string]string
	// AuditRetention is how long audit events are kept; default 90 days
	// (CloudTrail's event history).
	AuditRetention time.Duration
	// CacheCheckInterval is how often the request-path caches (access
	// keys, principals and their compiled policies, SCP levels) compare
	// the store's generation with theirs: a change committed by another
	// node is enforced here within this interval. 0 means 1 s, which suits
	// one node on SQLite (its own writes clear the caches at once); a
	// negative value compares on every request, for stores whose
	// Generation is an in-memory read (PostgreSQL: LISTEN/NOTIFY).
	CacheCheckInterval time.Duration
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:4566"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AuditRetention == 0 {
		c.AuditRetention = 90 * 24 * time.Hour
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 10 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
}

// Server is one cleanroom node.
type Server struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	store    store.Store
	box      *secretbox.Box
	catalog  *catalog.Catalog
	accounts *account.Registry
	boot     bootstrapState
	metrics  *metrics
	registry *prometheus.Registry
	audit    *audit.Builder
	recorder *audit.Recorder
	trail    *audit.Trail

	api *api // the AWS services

	listenAddr string
	httpServer *http.Server
}

// New opens the data directory (creating it and bootstrapping on first
// start) and returns a Server ready to serve.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg.defaults()
	if cfg.DataDir == "" {
		return nil, errors.New("server: no data directory")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: data directory: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, catalog: catalog.Default()}
	key, err := secretbox.LoadKey(cfg.DataDir, cfg.Getenv)
	if err != nil {
		return nil, fmt.Errorf("server: master key: %w", err)
	}
	if s.box, err = secretbox.New(key); err != nil {
		return nil, fmt.Errorf("server: master key: %w", err)
	}
	s.store = cfg.Store
	if s.store == nil {
		s.store, err = sqlite.Open(ctx, filepath.Join(cfg.DataDir, "cleanroom.db"), sqlite.Options{Now: cfg.Now, Logger: cfg.Logger})
		if err != nil {
			return nil, fmt.Errorf("server: opening the store: %w", err)
		}
	}
	s.accounts = account.New(s.store, s.box, cfg.Now, cfg.Rand)
	s.audit = audit.NewBuilder(audit.BuilderOptions{Now: cfg.Now, Catalog: s.catalog, Rand: cfg.Rand})
	// Reads and refusals are recorded in batches (a write records its event
	// in its own transaction): an acknowledged read does not wait for an
	// fsync, and a crash may lose the last 50 ms of them.
	s.recorder = audit.NewRecorder(audit.RecorderOptions{Store: s.store, Logger: cfg.Logger})
	s.trail = audit.NewTrail(audit.TrailOptions{Store: s.store, Now: cfg.Now, Retention: cfg.AuditRetention,
		TokenKey: s.box.DeriveKey("cleanroom/cloudtrail/next-token")})
	if err := s.checkKey(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.boot, err = s.bootstrap(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	s.registry = prometheus.NewRegistry()
	s.metrics = newMetrics(s.registry)
	if s.api, err = newAPI(s); err != nil {
		s.store.Close()
		return nil, err
	}
	if err := s.ensureOrganization(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	return s, nil
}

// checkKey refuses to start with a master key that cannot open the secrets
// already in the database.
func (s *Server) checkKey(ctx context.Context) error {
	var st bootstrapState
	var found bool
	err := s.store.View(ctx, func(r store.Reader) error {
		rec, err := r.Get(ctx, store.Key{Kind: kindServer, ID: idBootstrap})
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return json.Unmarshal(rec.Data, &st)
	})
	if err != nil || !found {
		return err
	}
	if _, err := s.accounts.RootKey(ctx, st.RootAccessKeyID); err != nil {
		if errors.Is(err, secretbox.ErrDecrypt) {
			return errors.New("server: the master key cannot decrypt the secrets in the database (is CLEANROOM_MASTER_KEY or DIR/master.key the one it was created with?)")
		}
		return fmt.Errorf("server: checking the master key: %w", err)
	}
	return nil
}

// FlushAudit stores the audit events of reads and refusals still batched in
// memory (they are otherwise stored within 50 ms).
func (s *Server) FlushAudit(ctx context.Context) error { return s.recorder.Flush(ctx) }

// ManagementAccount returns the id of the account made at first start.
func (s *Server) ManagementAccount() string { return s.boot.ManagementAccount }

// Handler returns the HTTP handler of the server.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Listen binds the listen address and writes the aws/ files of the first
// start if they are missing (their endpoint_url is the bound address); Serve
// then serves on it. Split so that callers (and tests) learn the bound
// address of ":0" before serving.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, err
	}
	s.listenAddr = ln.Addr().String()
	if err := s.writeAWSFiles(context.Background(), s.boot); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// Serve serves on ln until ctx is done, then shuts down gracefully, letting
// requests in flight finish (for up to 10 seconds).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.httpServer = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("server: TLS: %w", err)
		}
		s.httpServer.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, s.httpServer.TLSConfig)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.httpServer.Serve(ln) }()
	go s.pruneEvents(ctx)
	s.log.Info("serving", "endpoint", s.EndpointURL(), "managementAccount", s.boot.ManagementAccount, "data", s.cfg.DataDir)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.httpServer.Shutdown(sctx)
	<-errc
	return err
}

// pruneEvents deletes the audit events past their retention at start and
// then every hour, until ctx is done.
func (s *Server) pruneEvents(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.trail.Prune(ctx, s.store); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("pruning audit events", "err", err)
			}
		} else if n > 0 {
			s.log.Info("pruned audit events past their retention", "deleted", n, "retention", s.cfg.AuditRetention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close flushes the audit events not yet stored and releases the store.
func (s *Server) Close() error {
	if s.api != nil {
		s.api.close()
	}
	if err := s.recorder.Close(); err != nil {
		s.log.Warn("closing the audit recorder", "err", err)
	}
	return s.store.Close()
}
