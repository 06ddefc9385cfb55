// Package loadgen measures how many SigV4-signed requests per second an
// AWS-compatible endpoint serves, and with what latency.
//
// A run sends one [Target] request over and over from a fixed number of
// workers, each with its own keep-alive connection, signing every request
// afresh with real credentials (the X-Amz-Date changes) through the AWS SDK's
// signer. A warm-up period comes first and is not counted. Any endpoint can be
// measured the same way: cleanroom, moto's server, or a bare handler.
//
// The generator is meant to share the CPU with the server under test, so the
// per-request path allocates little beyond what the signer and net/http do:
// the request and its headers are reused, the payload hash is computed once,
// and latencies go into a fixed-size histogram per worker.
package loadgen

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Defaults used where a Config leaves a field zero.
const (
	DefaultEndpoint    = "http://127.0.0.1:4566"
	DefaultRegion      = "us-east-1"
	DefaultConnections = 32
	DefaultDuration    = 10 * time.Second
	DefaultTimeout     = 30 * time.Second
	// DefaultWarmup is the warm-up the command uses; a zero Config.Warmup
	// means none.
	DefaultWarmup = time.Second
)

// maxErrorBody bounds how much of the first error response is kept.
const maxErrorBody = 4 << 10

// Config describes one run.
type Config struct {
	// Endpoint is the base URL requests are sent to; empty means
	// DefaultEndpoint.
	Endpoint string
	// Credentials sign every request; a session token, when present, is sent
	// as X-Amz-Security-Token.
	Credentials aws.Credentials
	// Region is the signing region for targets that do not fix their own;
	// empty means DefaultRegion.
	Region string
	// Target is the request to send.
	Target Target
	// Connections is the number of workers, each with one keep-alive
	// connection; zero means DefaultConnections.
	Connections int
	// Requests, when positive, ends the run after that many counted
	// requests; otherwise the run lasts Duration (zero means
	// DefaultDuration).
	Requests int
	Duration time.Duration
	// Warmup is how long requests are sent, and not counted, before
	// measuring starts; zero means no warm-up.
	Warmup time.Duration
	// Timeout bounds connecting and waiting for a response's headers; zero
	// means DefaultTimeout.
	Timeout time.Duration
	// TLSConfig configures HTTPS endpoints; nil means Go's defaults.
	TLSConfig *tls.Config
	// Progress, when not nil, receives a progress line every
	// ProgressInterval (zero means a second): overwritten in place with a
	// carriage return when ProgressTerminal is set, one line each otherwise.
	Progress         io.Writer
	ProgressTerminal bool
	ProgressInterval time.Duration
	// Now is the clock used for signing times, latencies and the run's
	// schedule; nil means time.Now.
	Now func() time.Time
}

// Latency summarises the latencies of the counted requests, from sending a
// signed request to having read its whole response.
type Latency struct {
	P50  time.Duration `json:"p50"`
	P90  time.Duration `json:"p90"`
	P99  time.Duration `json:"p99"`
	P999 time.Duration `json:"p99_9"`
	Max  time.Duration `json:"max"`
	Mean time.Duration `json:"mean"`
}

// A Result is the outcome of a run. Durations are in nanoseconds in its JSON
// form.
type Result struct {
	Target      string `json:"target"`
	Endpoint    string `json:"endpoint"`
	Connections int    `json:"connections"`
	// ConnectionsOpened counts the connections dialled, which exceeds
	// Connections when the server closes connections.
	ConnectionsOpened uint64 `json:"connections_opened"`
	// Requests counts the requests sent after the warm-up, Errors those of
	// them that failed or had a non-2xx status.
	Requests uint64 `json:"requests"`
	Errors   uint64 `json:"errors"`
	// ErrorStatuses counts the counted errors by HTTP status, with 0 for
	// requests that got no response.
	ErrorStatuses map[int]uint64 `json:"error_statuses,omitempty"`
	// FirstError describes the first failure of the run, warm-up included:
	// the status and up to 4 KiB of the body, or the transport error.
	FirstError string `json:"first_error,omitempty"`
	// WarmupRequests counts requests sent and not counted: the first request
	// that checks the endpoint is reachable, and the warm-up's.
	WarmupRequests uint64 `json:"warmup_requests"`
	// Elapsed runs from the end of the warm-up to the last counted response.
	Elapsed           time.Duration `json:"elapsed"`
	RequestsPerSecond float64       `json:"requests_per_second"`
	Latency           Latency       `json:"latency"`
	// Interrupted reports that the context ended the run early.
	Interrupted bool `json:"interrupted,omitempty"`
}

// run is the state the workers of one run share.
type run struct {
	now         func() time.Time
	signer      *v4.Signer
	creds       aws.Credentials
	service     string
	region      string
	body        []byte
	payloadHash string

	countMode    bool
	tickets      atomic.Int64
	measureStart time.Time
	end          time.Time

	firstErrSet atomic.Bool
	mu          sync.Mutex
	firstErr    string
}

func (r *run) setFirstError(s string) {
	r.mu.Lock()
	if !r.firstErrSet.Load() {
		r.firstErr = s
		r.firstErrSet.Store(true)
	}
	r.mu.Unlock()
}

// Run sends cfg's target until the run's duration or request count is
// reached, or ctx ends (the result then says Interrupted). It fails before
// measuring when the configuration is invalid or a first request cannot reach
// the endpoint at all; error responses do not stop a run.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg, base, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	t := cfg.Target
	sum := sha256.Sum256(t.Body)
	r := &run{
		now:         cfg.Now,
		signer:      v4.NewSigner(),
		creds:       cfg.Credentials,
		service:     t.Service,
		region:      cmp.Or(t.Region, cfg.Region),
		body:        t.Body,
		payloadHash: hex.EncodeToString(sum[:]),
		countMode:   cfg.Requests > 0,
	}
	r.tickets.Store(int64(cfg.Requests))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*worker, cfg.Connections)
	for i := range workers {
		w, err := newWorker(runCtx, r, &cfg, base)
		if err != nil {
			return nil, err
		}
		workers[i] = w
		defer w.tr.CloseIdleConnections()
	}

	// One request first, so that an unreachable endpoint is an error rather
	// than a run of failures.
	t0 := r.now()
	if _, _, _, err := workers[0].do(runCtx, t0); err != nil {
		return nil, fmt.Errorf("loadgen: %s unreachable: %w", cfg.Endpoint, err)
	}
	workers[0].warmup++
	workers[0].completed.Add(1)

	start := r.now()
	r.measureStart = start.Add(cfg.Warmup)
	r.end = r.measureStart.Add(cfg.Duration)

	stop := make(chan struct{})
	var progressDone sync.WaitGroup
	if cfg.Progress != nil {
		progressDone.Add(1)
		go func() {
			defer progressDone.Done()
			r.progress(&cfg, start, workers, stop)
		}()
	}
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.loop(runCtx)
		}()
	}
	wg.Wait()
	close(stop)
	progressDone.Wait()

	res := &Result{
		Target:      t.Name,
		Endpoint:    cfg.Endpoint,
		Connections: cfg.Connections,
		Interrupted: ctx.Err() != nil,
	}
	hist := new(Histogram)
	var last time.Time
	for _, w := range workers {
		hist.Merge(&w.hist)
		res.Errors += w.errors
		res.WarmupRequests += w.warmup
		res.ConnectionsOpened += w.dials.Load()
		for status, n := range w.errStatus {
			if res.ErrorStatuses == nil {
				res.ErrorStatuses = make(map[int]uint64)
			}
			res.ErrorStatuses[status] += n
		}
		if w.last.After(last) {
			last = w.last
		}
	}
	res.Requests = hist.Count()
	if res.Requests > 0 {
		res.Elapsed = last.Sub(r.measureStart)
		if res.Elapsed > 0 {
			res.RequestsPerSecond = float64(res.Requests) / res.Elapsed.Seconds()
		}
	}
	res.Latency = Latency{
		P50:  hist.Quantile(0.50),
		P90:  hist.Quantile(0.90),
		P99:  hist.Quantile(0.99),
		P999: hist.Quantile(0.999),
		Max:  hist.Max(),
		Mean: hist.Mean(),
	}
	r.mu.Lock()
	res.FirstError = r.firstErr
	r.mu.Unlock()
	return res, nil
}

// withDefaults fills cfg's zero fields, checks it, and parses its endpoint.
func withDefaults(cfg Config) (Config, *url.URL, error) {
	cfg.Endpoint = cmp.Or(cfg.Endpoint, DefaultEndpoint)
	cfg.Region = cmp.Or(cfg.Region, DefaultRegion)
	if cfg.Connections == 0 {
		cfg.Connections = DefaultConnections
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Target.Method = cmp.Or(cfg.Target.Method, http.MethodPost)
	cfg.Target.Path = cmp.Or(cfg.Target.Path, "/")
	cfg.Target.Name = cmp.Or(cfg.Target.Name, cfg.Target.Service)
	switch {
	case cfg.Connections < 0:
		return cfg, nil, errors.New("loadgen: connections must be positive")
	case cfg.Requests < 0:
		return cfg, nil, errors.New("loadgen: requests must not be negative")
	case cfg.Duration < 0 || cfg.Warmup < 0 || cfg.Timeout < 0:
		return cfg, nil, errors.New("loadgen: durations must not be negative")
	case cfg.Credentials.AccessKeyID == "" || cfg.Credentials.SecretAccessKey == "":
		return cfg, nil, errors.New("loadgen: credentials need an access key id and a secret access key")
	case !strings.HasPrefix(cfg.Target.Path, "/"):
		return cfg, nil, fmt.Errorf("loadgen: target path %q does not start with /", cfg.Target.Path)
	}
	if err := cfg.Target.validate(); err != nil {
		return cfg, nil, err
	}
	base, err := url.Parse(cfg.Endpoint)
	if err != nil {
		return cfg, nil, fmt.Errorf("loadgen: endpoint: %w", err)
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return cfg, nil, fmt.Errorf("loadgen: endpoint %q is not an http:// or https:// URL", cfg.Endpoint)
	}
	if base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return cfg, nil, fmt.Errorf("loadgen: endpoint %q has a query, fragment or user", cfg.Endpoint)
	}
	return cfg, base, nil
}

// targetURL joins the endpoint's path and the target's path and query.
func targetURL(base *url.URL, path string) (string, error) {
	p, q, _ := strings.Cut(path, "?")
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + p
	u.RawPath = ""
	u.RawQuery = q
	if _, err := url.ParseQuery(q); err != nil {
		return "", fmt.Errorf("loadgen: target query: %w", err)
	}
	return u.String(), nil
}

// A worker sends requests one after another over its own connection.
type worker struct {
	r   *run
	tr  *http.Transport
	req *http.Request
	buf []byte

	// completed and failed count every request, warm-up included, for the
	// progress line; dials counts connections opened.
	completed atomic.Uint64
	failed    atomic.Uint64
	dials     atomic.Uint64

	hist      Histogram
	errors    uint64
	errStatus map[int]uint64
	warmup    uint64
	last      time.Time
}

func newWorker(ctx context.Context, r *run, cfg *Config, base *url.URL) (*worker, error) {
	w := &worker{r: r, buf: make([]byte, 16<<10)}
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	w.tr = &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			w.dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:       cfg.TLSConfig,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		// One connection per worker, kept alive between its requests.
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		MaxIdleConns:        1,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	u, err := targetURL(base, cfg.Target.Path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, cfg.Target.Method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	for k, vs := range cfg.Target.Header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "cleanroom-bench")
	}
	req.ContentLength = int64(len(r.body))
	if len(r.body) > 0 {
		body := r.body
		// Used by the transport to resend on a stale keep-alive connection.
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
	} else {
		req.Body = http.NoBody
	}
	w.req = req
	return w, nil
}

// do signs and sends one request at signing time signAt and reads its whole
// response. It returns the status and the times the request was handed to
// the transport and its response finished.
func (w *worker) do(ctx context.Context, signAt time.Time) (status int, sent, done time.Time, err error) {
	r := w.r
	if len(r.body) > 0 {
		// A fresh reader over the shared bytes, in io.NopCloser: net/http
		// sends the headers and a body it knows to be in memory in one
		// write, but flushes the headers apart, a second system call and
		// packet, for a reader of any other type. (Nor could a reader be
		// reused safely: the transport may finish with a body after
		// RoundTrip returns.)
		w.req.Body = io.NopCloser(bytes.NewReader(r.body))
	}
	if err := r.signer.SignHTTP(ctx, r.creds, w.req, r.payloadHash, r.service, r.region, signAt); err != nil {
		now := r.now()
		return 0, now, now, fmt.Errorf("loadgen: signing: %w", err)
	}
	sent = r.now()
	resp, err := w.tr.RoundTrip(w.req)
	if err != nil {
		if !r.firstErrSet.Load() && ctx.Err() == nil {
			r.setFirstError(err.Error())
		}
		return 0, sent, r.now(), err
	}
	status = resp.StatusCode
	if status/100 != 2 && !r.firstErrSet.Load() {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		r.setFirstError(resp.Status + ": " + strings.TrimSpace(string(b)))
	}
	for {
		if _, err := resp.Body.Read(w.buf); err != nil {
			break
		}
	}
	resp.Body.Close()
	return status, sent, r.now(), nil
}

// loop sends requests until the run is over: its duration has passed or its
// requests have all been taken, or ctx is done.
func (w *worker) loop(ctx context.Context) {
	r := w.r
	for ctx.Err() == nil {
		t0 := r.now()
		measured := !t0.Before(r.measureStart)
		if measured {
			if r.countMode {
				if r.tickets.Add(-1) < 0 {
					return
				}
			} else if !t0.Before(r.end) {
				return
			}
		}
		status, sent, done, err := w.do(ctx, t0)
		if err != nil && ctx.Err() != nil {
			return // interrupted mid-request: not a failure of the server
		}
		failed := err != nil || status/100 != 2
		w.completed.Add(1)
		if failed {
			w.failed.Add(1)
		}
		if !measured {
			w.warmup++
			continue
		}
		w.hist.Record(done.Sub(sent))
		w.last = done
		if failed {
			w.errors++
			if w.errStatus == nil {
				w.errStatus = make(map[int]uint64)
			}
			w.errStatus[status]++
		}
	}
}

// progress writes a progress line every interval until stop is closed.
func (r *run) progress(cfg *Config, start time.Time, workers []*worker, stop <-chan struct{}) {
	tick := time.NewTicker(cfg.ProgressInterval)
	defer tick.Stop()
	out := cfg.Progress
	var prevDone uint64
	prevAt := start
	wrote := false
	for {
		select {
		case <-stop:
			if wrote && cfg.ProgressTerminal {
				io.WriteString(out, "\n")
			}
			return
		case <-tick.C:
		}
		now := r.now()
		var done, failed uint64
		for _, w := range workers {
			done += w.completed.Load()
			failed += w.failed.Load()
		}
		rate := 0.0
		if d := now.Sub(prevAt).Seconds(); d > 0 {
			rate = float64(done-prevDone) / d
		}
		// The line describes the interval just ended, labelled by the
		// phase it began in.
		phase := "run"
		if prevAt.Before(r.measureStart) {
			phase = "warm-up"
		}
		prevDone, prevAt = done, now
		line := fmt.Sprintf("%5.1fs %-7s %d requests, %d errors, %.0f req/s",
			now.Sub(start).Seconds(), phase, done, failed, rate)
		if cfg.ProgressTerminal {
			fmt.Fprintf(out, "\r%s\x1b[K", line)
		} else {
			fmt.Fprintln(out, line)
		}
		wrote = true
	}
}
