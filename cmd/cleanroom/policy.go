package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/spf13/cobra"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

func newPolicyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Simulate and validate IAM policies offline",
	}
	cmd.AddCommand(newSimulateCommand(), newValidateCommand())
	return cmd
}

func newSimulateCommand() *cobra.Command {
	var jsonl, explain, noExplain bool
	cmd := &cobra.Command{
		Use:   "simulate [FILE]",
		Short: "Decide a scenario (the iam-simulate runSimulation input) and explain the decision",
		Long: `Decide one request against the policies of a scenario file, or, with --jsonl,
one scenario per line of standard input (each line's "id" is echoed back).

The output is {"decision": "Allowed"|"ExplicitlyDenied"|"ImplicitlyDenied",
"blockedBy": [...], "explain": ...}; blockedBy lists the policy types that
denied: identity, resource, scp, rcp, pb (permissions boundary), session.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := catalog.Load()
			if err != nil {
				return err
			}
			sim := simulate.New(cat)
			if jsonl {
				if len(args) > 0 {
					return fmt.Errorf("--jsonl reads standard input; do not give a file")
				}
				return simulateLines(cmd.InOrStdin(), cmd.OutOrStdout(), sim, simulate.Options{Explain: explain})
			}
			if len(args) != 1 {
				return fmt.Errorf("give a scenario file, or --jsonl to read scenarios from standard input")
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			sc, err := scenario.Decode(data)
			if err != nil {
				return err
			}
			res, err := sim.Run(sc, simulate.Options{Explain: !noExplain})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
	cmd.Flags().BoolVar(&jsonl, "jsonl", false, "read one scenario per line from standard input and write one result per line")
	cmd.Flags().BoolVar(&explain, "explain", false, "with --jsonl, include the explanation in each result")
	cmd.Flags().BoolVar(&noExplain, "no-explain", false, "for a single file, print the decision without the explanation")
	return cmd
}

// lineResult is a JSON-lines output record: a result, or the error that kept
// a line from being simulated.
type lineResult struct {
	*simulate.Result
	Error string `json:"error,omitempty"`
}

// simulateLines decides scenarios from r, one per line, on all cores, and
// writes results to w in input order.
func simulateLines(r io.Reader, w io.Writer, sim *simulate.Simulator, opts simulate.Options) error {
	type job struct {
		n    int
		line []byte
		out  chan []byte
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers*64)
	order := make(chan chan []byte, workers*64)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- simulateLine(sim, j.n, j.line, opts)
			}
		}()
	}
	writeErr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(w, 1<<16)
		var err error
		for ch := range order {
			b := <-ch
			if err == nil {
				_, err = bw.Write(b)
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		writeErr <- err
	}()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		n++
		if len(line) == 0 {
			continue
		}
		ch := make(chan []byte, 1)
		order <- ch
		jobs <- job{n: n, line: bytes.Clone(line), out: ch}
	}
	close(jobs)
	wg.Wait()
	close(order)
	if err := <-writeErr; err != nil {
		return err
	}
	return sc.Err()
}

func simulateLine(sim *simulate.Simulator, n int, line []byte, opts simulate.Options) []byte {
	var out lineResult
	var id json.RawMessage
	sc, err := scenario.Decode(line)
	if err == nil {
		id = sc.ID
		out.Result, err = sim.Run(sc, opts)
	}
	if err != nil {
		if id == nil {
			// Echo the id even when the scenario is malformed, if it can be read.
			var probe struct {
				ID json.RawMessage `json:"id"`
			}
			if json.Unmarshal(line, &probe) == nil {
				id = probe.ID
			}
		}
		out = lineResult{Result: &simulate.Result{BlockedBy: []string{}}, Error: fmt.Sprintf("line %d: %v", n, err)}
	}
	if len(id) > 0 {
		out.Result.ID = id
	}
	b, err := json.Marshal(out)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	return append(b, '\n')
}
