// Command ceiling is the ceiling a load generator measures cleanroom
// against: a bare net/http server that verifies each request's SigV4
// signature with internal/sigv4 (one static credential) and answers with an
// STS GetCallerIdentity response, doing nothing else.
//
//	go run ./bench/ceiling -addr 127.0.0.1:4599 -key AKID -secret SECRET
package main

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/sigv4"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4599", "listen address")
	key := flag.String("key", "AKID", "access key id")
	secret := flag.String("secret", "SECRET", "secret access key")
	account := flag.String("account", "000000000000", "account id in the response")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := &http.Server{Addr: *addr, Handler: newHandler(*key, *secret, *account, time.Now), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Info("ceiling listening", "addr", *addr, "key", *key)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}

const maxBody = 1 << 20

// handler verifies SigV4 and answers GetCallerIdentity's shape.
type handler struct {
	v            *sigv4.Verifier
	head, tail   string // the response around its request id
	requestCount atomic.Uint64
}

func newHandler(key, secret, account string, now func() time.Time) *handler {
	cred := sigv4.Credential{AccessKeyID: key, SecretKey: secret, Active: true}
	lookup := sigv4.LookupFunc(func(_ context.Context, id string) (sigv4.Credential, error) {
		if id != key {
			return sigv4.Credential{}, sigv4.ErrUnknownKey
		}
		return cred, nil
	})
	v := sigv4.New(lookup, sigv4.Options{Now: now, GlobalServices: map[string]string{"iam": "us-east-1"}})
	return &handler{
		v: v,
		head: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
			"<Arn>" + escape("arn:aws:iam::"+account+":user/ceiling") + "</Arn><UserId>" + escape(key) + "</UserId>" +
			"<Account>" + escape(account) + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>",
		tail: "</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
	}
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	id := "ceiling-" + strconv.FormatUint(h.requestCount.Add(1), 10)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", id)
	if _, err := h.v.Verify(r.Context(), r, body); err != nil {
		var e *sigv4.Error
		if !errors.As(err, &e) {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(e.Status(sigv4.ProtocolQuery))
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			escape(e.Code(sigv4.ProtocolQuery)), escape(e.Text(sigv4.ProtocolQuery)), id)
		return
	}
	io.WriteString(w, h.head+id+h.tail)
}
