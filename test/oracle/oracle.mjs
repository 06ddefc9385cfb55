// Differential-testing oracle for cleanroom.
//
// Reads JSON lines on standard input, each {"id": ..., ...scenario} in the
// shape of @cloud-copilot/iam-simulate's runSimulation input (see DESIGN.md,
// `cleanroom policy simulate`), and writes one JSON line per input line, in
// input order:
//
//   {"id":..., "decision":"Allowed|ExplicitlyDenied|ImplicitlyDenied",
//    "blockedBy":[...], "ignoredContextKeys":[...], "resourceType":"...",
//    "resultType":"single|wildcard"}
//
// or {"id":..., "error":"<message> <errors JSON>"} when the package refuses the
// scenario (or the line is not JSON). One bad line never stops the stream;
// blank lines are skipped without an answer.
//
// Scenarios are decided on worker threads (CLEANROOM_ORACLE_WORKERS, default:
// the number of CPUs, at most 8) and answered in input order.
//
// @cloud-copilot/iam-simulate is AGPL-licensed: it is installed at test time
// only (`npm ci --prefix test/oracle`) and run as a separate process; nothing
// of it is vendored or linked into cleanroom.

import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';

// Speed: the package compares characters with
// String.prototype.localeCompare(other, locales, options), which builds a new
// Intl.Collator on every call and dominated the profile. By ECMA-402,
// localeCompare with locales/options is exactly
// new Intl.Collator(locales, options).compare(this, other), so reusing one
// collator per (locales, options) changes no result.
const originalLocaleCompare = String.prototype.localeCompare;
const collators = new Map();
const COLLATOR_OPTIONS = new Set(['usage', 'sensitivity', 'ignorePunctuation', 'numeric', 'caseFirst', 'collation']);
String.prototype.localeCompare = function localeCompare(that, locales, options) {
  if ((locales === undefined || typeof locales === 'string') && (options === undefined || (options !== null && typeof options === 'object'))) {
    let key = locales === undefined ? '' : locales;
    let cacheable = true;
    if (options !== undefined) {
      for (const k of Object.keys(options)) {
        const v = options[k];
        if (!COLLATOR_OPTIONS.has(k) || (typeof v !== 'string' && typeof v !== 'boolean')) {
          cacheable = false;
          break;
        }
        key += '\u0000' + k + '=' + String(v);
      }
    }
    if (cacheable) {
      let c = collators.get(key);
      if (c === undefined) {
        c = { collator: new Intl.Collator(locales, options), ascii: null };
        collators.set(key, c);
      }
      const a = String(this);
      const b = String(that);
      if (a.length === 1 && b.length === 1) {
        // Single printable ASCII characters (the package's hot loop): look
        // the collator's own answer up in a table filled on first use.
        const x = a.charCodeAt(0) - 0x20;
        const y = b.charCodeAt(0) - 0x20;
        if (x >= 0 && x < 95 && y >= 0 && y < 95) {
          if (c.ascii === null) {
            c.ascii = new Int8Array(95 * 95);
            for (let i = 0; i < 95; i++) {
              for (let j = 0; j < 95; j++) {
                c.ascii[i * 95 + j] = Math.sign(c.collator.compare(String.fromCharCode(i + 0x20), String.fromCharCode(j + 0x20)));
              }
            }
          }
          return c.ascii[x * 95 + y];
        }
      }
      return c.collator.compare(a, b);
    }
  }
  return originalLocaleCompare.call(this, that, locales, options);
};

// Canonical order of the policy types in blockedBy.
const BLOCKED_ORDER = ['identity', 'resource', 'scp', 'rcp', 'pb', 'session', 'vpce', 's3-bpa'];

function blockedByFor(analysis, decision) {
  if (!analysis || decision === 'Allowed') {
    return [];
  }
  const types = new Set();
  try {
    for (const d of getDenialReasons(analysis)) {
      types.add(d.policyType);
    }
  } catch (e) {
    // Best effort: fall back to what the analysis itself records.
  }
  for (const t of analysis.blockedBy ?? []) {
    types.add(t);
  }
  // getDenialReasons does not report session policies.
  const session = analysis.sessionAnalysis?.result;
  if (session === decision) {
    types.add('session');
  }
  return [...types].sort((a, b) => rank(a) - rank(b));
}

function rank(t) {
  const i = BLOCKED_ORDER.indexOf(t);
  return i === -1 ? BLOCKED_ORDER.length : i;
}

function errorText(e) {
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}

async function handle(line) {
  let input;
  try {
    input = JSON.parse(line);
  } catch (e) {
    return { id: null, error: 'invalid JSON: ' + errorText(e) };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { id: null, error: 'invalid input: want a JSON object' };
  }
  const { id, ...sim } = input;
  try {
    // Defaults for the fields runSimulation requires, so that a scenario
    // that omits an empty list is not an error.
    sim.identityPolicies ??= [];
    sim.serviceControlPolicies ??= [];
    sim.resourceControlPolicies ??= [];
    if (sim.request && typeof sim.request === 'object') {
      sim.request.contextVariables ??= {};
    }
    const r = await runSimulation(sim, {});
    if (r.resultType === 'error') {
      return { id, error: `${r.errors?.message ?? 'error'} ${JSON.stringify(r.errors)}` };
    }
    const decision = r.overallResult;
    let analysis;
    let ignoredContextKeys = [];
    let resourceType;
    if (r.resultType === 'single') {
      analysis = r.result.analysis;
      ignoredContextKeys = r.result.ignoredContextKeys ?? [];
      resourceType = r.result.resourceType;
    } else {
      const results = r.results ?? [];
      const first = results.find((x) => x.analysis.result === decision) ?? results[0];
      analysis = first?.analysis;
      const ignored = new Set();
      for (const x of results) {
        for (const k of x.ignoredContextKeys ?? []) ignored.add(k);
      }
      ignoredContextKeys = [...ignored];
      resourceType = first?.resourceType;
    }
    const out = {
      id,
      decision,
      blockedBy: blockedByFor(analysis, decision),
      ignoredContextKeys,
      resultType: r.resultType
    };
    if (resourceType !== undefined) {
      out.resourceType = resourceType;
    }
    return out;
  } catch (e) {
    return { id, error: 'exception: ' + errorText(e) };
  }
}

async function handleLine(line) {
  let result;
  try {
    result = await handle(line);
  } catch (e) {
    result = { id: null, error: 'exception: ' + errorText(e) };
  }
  try {
    return JSON.stringify(result) + '\n';
  } catch (e) {
    return JSON.stringify({ id: result?.id ?? null, error: 'unserializable result: ' + errorText(e) }) + '\n';
  }
}

// idOf recovers a line's id for an error answer, as well as it can.
function idOf(line) {
  try {
    const v = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v.id ?? null) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Worker thread: decides chunks of lines.

function workerMain() {
  parentPort.on('message', async (msg) => {
    let out = '';
    for (const line of msg.lines) {
      if (line.trim() !== '') {
        out += await handleLine(line);
      }
    }
    parentPort.postMessage({ seq: msg.seq, out });
  });
}

// ---------------------------------------------------------------------------
// Main thread: reads lines, hands chunks to the workers, writes the answers
// in order.

function mainThread() {
  const CHUNK = 32; // lines per message to a worker
  const envWorkers = parseInt(process.env.CLEANROOM_ORACLE_WORKERS ?? '', 10);
  const nWorkers = envWorkers > 0 ? envWorkers : Math.max(1, Math.min(8, availableParallelism()));
  const MAX_IN_FLIGHT = nWorkers * 8; // chunks; beyond this, reading pauses

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  let pending = []; // lines not yet sent
  let nextSeq = 0; // next chunk number to hand out
  let writeSeq = 0; // next chunk number to write
  const done = new Map(); // seq -> output text
  let inFlight = 0;
  let paused = false;
  let closed = false;
  let scheduled = false;

  const workers = [];
  function spawn(i) {
    const w = new Worker(new URL(import.meta.url));
    const slot = { worker: w, chunks: new Map() }; // seq -> lines
    w.on('message', (msg) => {
      slot.chunks.delete(msg.seq);
      finish(msg.seq, msg.out);
    });
    const fail = (why) => {
      // Answer the lost chunks with errors and replace the worker.
      const lost = [...slot.chunks.entries()];
      slot.chunks.clear();
      w.removeAllListeners();
      w.terminate().catch(() => {});
      workers[i] = spawn(i);
      for (const [seq, lines] of lost) {
        let out = '';
        for (const line of lines) {
          if (line.trim() !== '') {
            out += JSON.stringify({ id: idOf(line), error: 'oracle worker failed: ' + why }) + '\n';
          }
        }
        finish(seq, out);
      }
    };
    w.on('error', (e) => fail(errorText(e)));
    w.on('exit', (code) => fail('exit code ' + code));
    return slot;
  }
  for (let i = 0; i < nWorkers; i++) {
    workers.push(spawn(i));
  }
  let rr = 0;

  function dispatch() {
    scheduled = false;
    while (pending.length > 0) {
      const lines = pending.length <= CHUNK ? pending : pending.slice(0, CHUNK);
      pending = pending.length <= CHUNK ? [] : pending.slice(CHUNK);
      // The least loaded worker, round robin among equals.
      let best = -1;
      for (let k = 0; k < workers.length; k++) {
        const i = (rr + k) % workers.length;
        if (best === -1 || workers[i].chunks.size < workers[best].chunks.size) {
          best = i;
        }
      }
      rr = (best + 1) % workers.length;
      const seq = nextSeq++;
      workers[best].chunks.set(seq, lines);
      inFlight++;
      workers[best].worker.postMessage({ seq, lines });
    }
    if (!paused && inFlight >= MAX_IN_FLIGHT) {
      paused = true;
      rl.pause();
    }
    maybeExit();
  }

  function finish(seq, out) {
    done.set(seq, out);
    inFlight--;
    let text = '';
    while (done.has(writeSeq)) {
      text += done.get(writeSeq);
      done.delete(writeSeq);
      writeSeq++;
    }
    if (text !== '') {
      process.stdout.write(text);
    }
    if (paused && inFlight < MAX_IN_FLIGHT / 2) {
      paused = false;
      rl.resume();
    }
    maybeExit();
  }

  function maybeExit() {
    if (closed && pending.length === 0 && inFlight === 0) {
      for (const s of workers) {
        s.worker.removeAllListeners();
        s.worker.terminate().catch(() => {});
      }
    }
  }

  rl.on('line', (line) => {
    pending.push(line);
    // Lines that arrive together are sent together; a partial chunk goes as
    // soon as the input pauses, so a caller waiting for a batch's answers
    // gets them without closing the pipe.
    if (pending.length >= CHUNK) {
      dispatch();
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(dispatch);
    }
  });
  rl.on('close', () => {
    closed = true;
    dispatch();
  });
}

if (isMainThread) {
  mainThread();
} else {
  workerMain();
}
