// Times @cloud-copilot/iam-simulate's runSimulation on the scenarios of
// cleanroom's BenchmarkDecide (internal/authz/bench_test.go), for
// BENCHMARKS.md.
//
// The scenarios are written by
//
//   go test -run TestWriteBenchScenarios ./internal/authz -write-bench-scenarios
//
// into bench/iamsimulate/scenarios/<name>.json, each
// {"name", "expectedDecision", "input": <runSimulation input>}.
//
// Usage (from the repository root):
//
//   node bench/iamsimulate/bench.mjs [--modules DIR] [--count N] [--benchtime SECONDS] [--filter REGEXP]
//
// --modules is the node_modules folder that holds @cloud-copilot/iam-simulate
// (default: test/oracle/node_modules, installed by `npm ci --prefix test/oracle`).
// Output lines follow the `go test -bench` format, so benchstat reads them.
//
// @cloud-copilot/iam-simulate is AGPL-licensed: it is run here as a separate
// program and nothing of it is copied into this repository.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

function parseArgs(argv) {
  const opts = {
    modules: join(root, 'test', 'oracle', 'node_modules'),
    count: 5,
    benchtime: 1,
    filter: null
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--modules':
        opts.modules = resolve(val());
        break;
      case '--count':
        opts.count = Number(val());
        break;
      case '--benchtime':
        opts.benchtime = Number(val());
        break;
      case '--filter':
        opts.filter = new RegExp(val());
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return opts;
}

// importPackage loads a package's ESM entry point from a node_modules folder
// that is not on this script's resolution path.
async function importPackage(modules, name) {
  const dir = join(modules, ...name.split('/'));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const exp = pkg.exports?.['.'];
  const entry = (typeof exp === 'string' ? exp : exp?.import ?? exp?.default) ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(join(dir, entry)).href);
}

const ORDER = ['typical-cleanrooms', 'statements-10', 'statements-100', 'statements-1000', 'statements-10000'];

function loadScenarios(filter) {
  const dir = join(here, 'scenarios');
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: run go test -run TestWriteBenchScenarios ./internal/authz -write-bench-scenarios`);
  }
  const out = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const s = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (filter && !filter.test(s.name)) continue;
    out.push(s);
  }
  const rank = (n) => (ORDER.indexOf(n) === -1 ? ORDER.length : ORDER.indexOf(n));
  return out.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

// A fresh deep copy per call, so that runSimulation cannot reuse work it may
// have cached on the input objects. The copies are made before timing.
function copies(input, n) {
  const text = JSON.stringify(input);
  return Array.from({ length: n }, () => JSON.parse(text));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { runSimulation } = await importPackage(opts.modules, '@cloud-copilot/iam-simulate');
  const version = JSON.parse(
    readFileSync(join(opts.modules, '@cloud-copilot', 'iam-simulate', 'package.json'), 'utf8')
  ).version;
  console.log(`# @cloud-copilot/iam-simulate ${version}, node ${process.version}`);
  console.log('goos: ' + process.platform);
  console.log('pkg: iam-simulate');

  for (const s of loadScenarios(opts.filter)) {
    // Check the decision once, so that the timing cannot silently measure an
    // error or a denial.
    const first = await runSimulation(structuredClone(s.input), {});
    if (first.resultType === 'error') {
      throw new Error(`${s.name}: ${first.errors?.message} ${JSON.stringify(first.errors)}`);
    }
    if (first.overallResult !== s.expectedDecision) {
      throw new Error(`${s.name}: decision ${first.overallResult}, want ${s.expectedDecision}`);
    }

    // Calibrate: how many calls fit in benchtime seconds.
    let n = 1;
    for (;;) {
      const inputs = copies(s.input, n);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await runSimulation(inputs[i], {});
      const ns = Number(process.hrtime.bigint() - t0);
      if (ns >= opts.benchtime * 1e9 * 0.2 || n >= 1e6) {
        n = Math.max(1, Math.ceil((n * opts.benchtime * 1e9) / Math.max(ns, 1)));
        break;
      }
      n *= 4;
    }

    for (let c = 0; c < opts.count; c++) {
      const inputs = copies(s.input, n);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await runSimulation(inputs[i], {});
      const ns = Number(process.hrtime.bigint() - t0);
      console.log(`BenchmarkIamSimulate/${s.name} \t${n}\t${(ns / n).toFixed(0)} ns/op`);
    }
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
