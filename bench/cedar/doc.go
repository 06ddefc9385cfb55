// Package cedarbench measures cedar-go on the decisions of cleanroom's
// BenchmarkDecide (internal/authz/bench_test.go in the main module), for
// BENCHMARKS.md at the repository root.
//
// It does not import the main module. The scenarios come from the JSON files
// that the main module's TestWriteBenchScenarios writes into
// bench/iamsimulate/scenarios (iam-simulate's runSimulation input shape):
// the request, its context and, for statements-N, the generated identity
// policy, which translate.go renders as Cedar. typical-cleanrooms is written
// by hand in typical.cedar.
package cedarbench
