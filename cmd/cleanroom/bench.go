package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/spf13/cobra"

	"github.com/cleanroom-dev/cleanroom/internal/loadgen"
)

// benchOptions are the flags of `cleanroom bench`.
type benchOptions struct {
	endpoint, region, profile          string
	accessKey, secretKey, sessionToken string

	connections, requests       int
	duration, warmup, timeout   time.Duration
	target, userName            string
	service, method, path, body string
	contentType                 string
	headers                     []string
	insecure, jsonOut, quiet    bool
}

func newBenchCommand() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the signed requests per second and latency an endpoint serves",
		Long: `Send one AWS API request over and over, signed afresh with SigV4 each time, from
a fixed number of keep-alive connections, and report the requests per second and
the latency percentiles. A warm-up comes first and is not counted.

Targets:
  sts:GetCallerIdentity   (default) signed for --region
  iam:GetUser             with --user-name, or the caller; signed for us-east-1
  custom                  --service, and --method, --path, --body,
                          --content-type, --header as needed

Credentials come from --access-key/--secret-key (and --session-token), or else
from the AWS shared config and credentials files (AWS_CONFIG_FILE,
AWS_SHARED_CREDENTIALS_FILE), the environment, and --profile. Without
--endpoint or --region, the profile's endpoint_url and region are used.

Any endpoint can be measured the same way: cleanroom, moto_server, or a bare
handler. Progress goes to standard error; --json prints the result as JSON
(durations in nanoseconds).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flags := cmd.Flags()
			return runBench(cmd.Context(), o, flags.Changed("endpoint"), flags.Changed("region"), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", loadgen.DefaultEndpoint, "base URL of the endpoint under test")
	f.StringVar(&o.region, "region", loadgen.DefaultRegion, "signing region of regional targets")
	f.StringVar(&o.profile, "profile", "", "profile of the AWS shared config files to take credentials from")
	f.StringVar(&o.accessKey, "access-key", "", "access key id to sign with (instead of a profile)")
	f.StringVar(&o.secretKey, "secret-key", "", "secret access key to sign with")
	f.StringVar(&o.sessionToken, "session-token", "", "session token of temporary credentials")
	f.IntVar(&o.connections, "connections", loadgen.DefaultConnections, "number of workers, each with one keep-alive connection")
	f.DurationVar(&o.duration, "duration", loadgen.DefaultDuration, "how long to measure")
	f.IntVar(&o.requests, "requests", 0, "measure this many requests instead of a duration")
	f.DurationVar(&o.warmup, "warmup", loadgen.DefaultWarmup, "how long to send requests before measuring")
	f.DurationVar(&o.timeout, "timeout", loadgen.DefaultTimeout, "limit on connecting and on waiting for a response")
	f.StringVar(&o.target, "target", "sts:GetCallerIdentity", "request to send: sts:GetCallerIdentity, iam:GetUser or custom")
	f.StringVar(&o.userName, "user-name", "", "iam:GetUser's UserName (default: the caller)")
	f.StringVar(&o.service, "service", "", "custom target: signing service name, e.g. organizations")
	f.StringVar(&o.method, "method", http.MethodPost, "custom target: HTTP method")
	f.StringVar(&o.path, "path", "/", "custom target: path and query")
	f.StringVar(&o.body, "body", "", "custom target: request body")
	f.StringVar(&o.contentType, "content-type", "", "custom target: Content-Type")
	f.StringArrayVar(&o.headers, "header", nil, `custom target: extra header "Name: value" (repeatable)`)
	f.BoolVar(&o.insecure, "insecure", false, "do not verify the endpoint's TLS certificate")
	f.BoolVar(&o.jsonOut, "json", false, "print the result as JSON")
	f.BoolVar(&o.quiet, "quiet", false, "do not print progress")
	return cmd
}

func runBench(ctx context.Context, o benchOptions, endpointSet, regionSet bool, stdout, stderr io.Writer) error {
	target, err := benchTarget(o)
	if err != nil {
		return err
	}
	creds, profEndpoint, profRegion, err := benchCredentials(ctx, o)
	if err != nil {
		return err
	}
	cfg := loadgen.Config{
		Endpoint:    o.endpoint,
		Region:      o.region,
		Credentials: creds,
		Target:      target,
		Connections: o.connections,
		Duration:    o.duration,
		Requests:    o.requests,
		Warmup:      o.warmup,
		Timeout:     o.timeout,
	}
	if !endpointSet && profEndpoint != "" {
		cfg.Endpoint = profEndpoint
	}
	if !regionSet && profRegion != "" {
		cfg.Region = profRegion
	}
	switch {
	case o.connections <= 0:
		return errors.New("--connections must be positive")
	case o.duration <= 0 && o.requests <= 0:
		return errors.New("--duration must be positive")
	case o.requests < 0:
		return errors.New("--requests must not be negative")
	}
	if o.insecure {
		cfg.TLSConfig = &tls.Config{InsecureSkipVerify: true}
	}
	if !o.quiet {
		cfg.Progress = stderr
		cfg.ProgressTerminal = isTerminal(stderr)
	}
	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeBenchText(stdout, res)
}

// benchTarget builds the request the flags describe.
func benchTarget(o benchOptions) (loadgen.Target, error) {
	custom := o.service != "" || o.body != "" || o.contentType != "" || len(o.headers) > 0 ||
		o.method != http.MethodPost || o.path != "/"
	switch strings.ToLower(o.target) {
	case "sts:getcalleridentity":
		if custom || o.userName != "" {
			return loadgen.Target{}, errors.New("--service, --method, --path, --body, --content-type, --header and --user-name need another --target")
		}
		return loadgen.STSGetCallerIdentity(), nil
	case "iam:getuser":
		if custom {
			return loadgen.Target{}, errors.New("--service, --method, --path, --body, --content-type and --header need --target custom")
		}
		return loadgen.IAMGetUser(o.userName), nil
	case "custom":
	default:
		return loadgen.Target{}, fmt.Errorf("unknown --target %q: want sts:GetCallerIdentity, iam:GetUser or custom", o.target)
	}
	if o.service == "" {
		return loadgen.Target{}, errors.New("--target custom needs --service")
	}
	if o.userName != "" {
		return loadgen.Target{}, errors.New("--user-name is for --target iam:GetUser")
	}
	t := loadgen.Target{
		Name:    o.service + " " + strings.ToUpper(o.method) + " " + o.path,
		Method:  strings.ToUpper(o.method),
		Path:    o.path,
		Header:  http.Header{},
		Body:    []byte(o.body),
		Service: o.service,
	}
	if o.contentType != "" {
		t.Header.Set("Content-Type", o.contentType)
	}
	for _, h := range o.headers {
		name, value, err := parseHeader(h)
		if err != nil {
			return loadgen.Target{}, err
		}
		t.Header.Add(name, value)
	}
	return t, nil
}

// parseHeader splits a "Name: value" flag. The name must be an HTTP token
// (RFC 9110, section 5.6.2) and the value free of control characters.
func parseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("--header %q: want \"Name: value\"", s)
	}
	if name == "" {
		return "", "", fmt.Errorf("--header %q: empty name", s)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return "", "", fmt.Errorf("--header %q: invalid character in name", s)
		}
	}
	value = strings.Trim(value, " \t")
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return "", "", fmt.Errorf("--header %q: control character in value", s)
		}
	}
	return http.CanonicalHeaderKey(name), value, nil
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// benchCredentials returns the credentials to sign with, and the endpoint
// and region of the shared-config profile when the credentials come from
// one.
func benchCredentials(ctx context.Context, o benchOptions) (creds aws.Credentials, endpoint, region string, err error) {
	if o.accessKey != "" || o.secretKey != "" || o.sessionToken != "" {
		if o.accessKey == "" || o.secretKey == "" {
			return creds, "", "", errors.New("--access-key and --secret-key go together")
		}
		if o.profile != "" {
			return creds, "", "", errors.New("give --profile or --access-key, not both")
		}
		return aws.Credentials{AccessKeyID: o.accessKey, SecretAccessKey: o.secretKey, SessionToken: o.sessionToken}, "", "", nil
	}
	opts := []func(*config.LoadOptions) error{
		// The instance metadata service is not where credentials for a
		// benchmark come from, and probing it stalls off EC2.
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
	}
	if o.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.profile))
	}
	ac, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return creds, "", "", fmt.Errorf("loading AWS configuration: %w", err)
	}
	if ac.Credentials == nil {
		return creds, "", "", errors.New("no credentials: give --profile or --access-key and --secret-key")
	}
	creds, err = ac.Credentials.Retrieve(ctx)
	if err != nil {
		return creds, "", "", fmt.Errorf("retrieving credentials: %w", err)
	}
	if ac.BaseEndpoint != nil {
		endpoint = *ac.BaseEndpoint
	}
	return creds, endpoint, ac.Region, nil
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func writeBenchText(w io.Writer, r *loadgen.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "target       %s at %s\n", r.Target, r.Endpoint)
	fmt.Fprintf(&b, "connections  %d (%d opened)\n", r.Connections, r.ConnectionsOpened)
	fmt.Fprintf(&b, "requests     %d in %.2fs (%d more in warm-up, not counted)", r.Requests, r.Elapsed.Seconds(), r.WarmupRequests)
	if r.Interrupted {
		b.WriteString(", interrupted")
	}
	b.WriteByte('\n')
	fmt.Fprintf(&b, "errors       %d", r.Errors)
	if len(r.ErrorStatuses) > 0 {
		statuses := make([]int, 0, len(r.ErrorStatuses))
		for s := range r.ErrorStatuses {
			statuses = append(statuses, s)
		}
		sort.Ints(statuses)
		for i, s := range statuses {
			sep := ", "
			if i == 0 {
				sep = " ("
			}
			label := fmt.Sprint(s)
			if s == 0 {
				label = "no response"
			}
			fmt.Fprintf(&b, "%s%s: %d", sep, label, r.ErrorStatuses[s])
		}
		b.WriteByte(')')
	}
	b.WriteByte('\n')
	fmt.Fprintf(&b, "throughput   %.0f requests/s\n", r.RequestsPerSecond)
	l := r.Latency
	fmt.Fprintf(&b, "latency      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s\n",
		fmtLatency(l.P50), fmtLatency(l.P90), fmtLatency(l.P99), fmtLatency(l.P999), fmtLatency(l.Max), fmtLatency(l.Mean))
	if r.FirstError != "" {
		fmt.Fprintf(&b, "first error  %s\n", r.FirstError)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtLatency prints d with about three significant digits.
func fmtLatency(d time.Duration) string {
	v, unit := float64(d)/float64(time.Microsecond), "µs"
	switch {
	case d >= time.Second:
		v, unit = d.Seconds(), "s"
	case d >= time.Millisecond:
		v, unit = float64(d)/float64(time.Millisecond), "ms"
	}
	prec := 0
	switch {
	case v < 10:
		prec = 2
	case v < 100:
		prec = 1
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + unit
}
