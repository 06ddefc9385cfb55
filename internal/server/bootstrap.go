package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// The bootstrap record says that first-start set-up is done, and which
// account and root key it made.
const (
	kindServer  = "server"
	idBootstrap = "bootstrap"
)

type bootstrapState struct {
	ManagementAccount string    `json:"managementAccount"`
	RootAccessKeyID   string    `json:"rootAccessKeyId"`
	Created           time.Time `json:"created"`
}

// bootstrap makes the management account and its root access key on first
// start, in one transaction (whichever node commits first wins; the others
// read its result). Listen then writes the aws/ files if they are missing.
// It never overwrites existing state.
func (s *Server) bootstrap(ctx context.Context) (bootstrapState, error) {
	var st bootstrapState
	err := s.store.Update(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, store.Key{Kind: kindServer, ID: idBootstrap})
		if err == nil {
			return json.Unmarshal(rec.Data, &st)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		acct, err := s.accounts.Create(ctx, tx, "management", "management@cleanroom.invalid", true)
		if err != nil {
			return fmt.Errorf("creating the management account: %w", err)
		}
		key, err := s.accounts.CreateRootKey(ctx, tx, acct.ID)
		if err != nil {
			return fmt.Errorf("creating the root access key: %w", err)
		}
		st = bootstrapState{ManagementAccount: acct.ID, RootAccessKeyID: key.AccessKeyID, Created: s.now().UTC()}
		data, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return tx.Create(ctx, store.Record{Key: store.Key{Kind: kindServer, ID: idBootstrap}, Data: data})
	})
	if err != nil {
		return st, fmt.Errorf("bootstrap: %w", err)
	}
	return st, nil
}

// writeAWSFiles writes DIR/aws/credentials and DIR/aws/config for the root
// key, each only if it does not exist yet.
func (s *Server) writeAWSFiles(ctx context.Context, st bootstrapState) error {
	dir := filepath.Join(s.cfg.DataDir, "aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	credPath := filepath.Join(dir, "credentials")
	if _, err := os.Stat(credPath); errors.Is(err, os.ErrNotExist) {
		key, err := s.accounts.RootKey(ctx, st.RootAccessKeyID)
		if err != nil {
			return fmt.Errorf("bootstrap: reading the root key: %w", err)
		}
		content := "[default]\naws_access_key_id = " + key.AccessKeyID + "\naws_secret_access_key = " + key.Secret + "\n"
		if err := writeFileAtomic(credPath, []byte(content), 0o600); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
	}
	cfgPath := filepath.Join(dir, "config")
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		content := "[default]\nregion = " + s.cfg.Region + "\nendpoint_url = " + s.EndpointURL() + "\n"
		if err := writeFileAtomic(cfgPath, []byte(content), 0o600); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
	}
	return nil
}

// EndpointURL is the URL clients reach the server at: the listen address,
// with an unspecified host replaced by loopback.
func (s *Server) EndpointURL() string {
	scheme := "http"
	if s.cfg.TLSCert != "" {
		scheme = "https"
	}
	addr := s.cfg.Addr
	if s.listenAddr != "" {
		addr = s.listenAddr
	}
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	addr = strings.Replace(addr, "0.0.0.0:", "127.0.0.1:", 1)
	addr = strings.Replace(addr, "[::]:", "127.0.0.1:", 1)
	return scheme + "://" + addr
}

// writeFileAtomic writes a file through a temporary file, fsync and rename,
// so that a crash leaves either no file or the whole file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
