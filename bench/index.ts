// `npm run bench -- <name>`: benchmarks print figures (ratios where a comparison is meant, since
// this machine is shared and absolute times drift). Nothing here is asserted by the test suite.

import { runClockBench } from './clock.js';
import { runCapacityBench } from './capacity.js';
import { runGeneratorBench } from './generator.js';
import { runHarnessThroughputBench } from './harness-throughput.js';
import { runLedgerMemoryBench } from './ledger-memory.js';
import { runRateAccuracyBench } from './rate-accuracy.js';
import { runLagTimelineBench } from './lag-timeline.js';
import { runMonitorBench } from './monitor.js';
import { runObserveBench } from './observe.js';
import { runReferenceBench } from './reference.js';
import { runClassMixBench } from './class-mix.js';
import { parseIngestBenchArgs, runReferenceIngestBench } from './reference-ingest.js';
import { runReplayBench } from './replay.js';
import { runScaleBench } from './scale.js';
import { runSessionsBench } from './sessions.js';
import { runShardsBench } from './shards.js';

const BENCHES: Record<string, { help: string; run: () => Promise<unknown> }> = {
  reference: {
    help: 'the embedded reference target: capture, ingestion per class, time-to-queryable, CPU ratio',
    run: runReferenceBench,
  },
  ingest: {
    help: 'the ingestion core alone (no HTTP, no queue): events/s and CPU per event for each class; `ingest [events] [batch] [anonymous|identified] --baseline <other dist/> [--rounds n]` runs another build beside this one and prints ratios',
    run: () => runReferenceIngestBench(parseIngestBenchArgs(process.argv.slice(2))),
  },
  observe: {
    help: "the poller under cloud query limits: queries/min and /h vs limits, rows per event, visible vs commit times; then 4 shard processes with one key: their queries vs the key's limits",
    run: () => {
      // `observe [rate] [seconds]`: the numbers after the name shorten the run.
      const [rate, seconds] = process.argv.slice(2).filter(isNumber).map(Number);
      return runObserveBench({
        ...(rate ? { rate } : {}),
        ...(seconds ? { seconds } : {}),
      });
    },
  },
  capacity: {
    help: "each class's capacity on the embedded target (pinned to one core), their ratio and the CPU-per-event ratio; then a search on one key's cloud budget: its queries vs the key's minute and hour limits (`capacity budget` runs that part alone; `--quick`: shorter steps)",
    run: () =>
      runCapacityBench({
        quick: process.argv.includes('--quick'),
        budgetOnly: process.argv.slice(2).includes('budget'),
      }),
  },
  scale: {
    help: 'counts vs exact observation: 20M events through each accounting path, rows per event, a 10-minute counts run',
    run: () => runScaleBench(),
  },
  harness: {
    help: 'the load generator at full speed into a black hole, beside autocannon with the same generator',
    run: () => runHarnessThroughputBench(),
  },
  rate: {
    help: 'rate accuracy of the open-model sender at 20,000 events/s: achieved rate, send delay',
    run: () => runRateAccuracyBench(),
  },
  'class-mix': {
    help: "the reference's per-class CPU under two class mixes: identified ÷ anonymous CPU per event of a 10/90 and a 90/10 mix, rounds interleaved, and their ratio (`class-mix [rounds]`)",
    run: () => {
      const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
      runClassMixBench(rounds);
      return Promise.resolve();
    },
  },
  ledger: {
    help: 'bytes per tracked event of a 5-million-event exact ledger (heap + buffers, resident)',
    run: () => Promise.resolve(runLedgerMemoryBench()),
  },
  generator: {
    help: 'events/s per sender core for quickstart and web-app: generate, zlib alone, their limit, and sending at full speed',
    run: () => runGeneratorBench(),
  },
  clock: {
    help: 'the run clock: ns per reading vs the per-thread clock it replaced and Date.now()',
    run: () => Promise.resolve(runClockBench()),
  },
  'lag-timeline': {
    help: 'the per-second lag timeline of a 1-minute vs a 1-hour ledger: time per event, heap kept',
    run: () => Promise.resolve(runLagTimelineBench()),
  },
  replay: {
    help: 'replaying recorded events vs generating the same ones: events/s per thread and their ratio, the validating pass',
    run: () => runReplayBench(),
  },
  sessions: {
    help: 'what sessions and zipf users cost the generator: events/s of quickstart with each, as ratios',
    run: runSessionsBench,
  },
  monitor: {
    help: 'ingestbench monitor at its defaults for 10 minutes: queries per hour used, resident memory at minute 1 and 10, CPU per hour',
    run: () => {
      const [minutes] = process.argv.slice(2).filter(isNumber).map(Number);
      return runMonitorBench(minutes ? { minutes } : {});
    },
  },
  shards: {
    help: 'local shards: black-hole events/s with 1, 2 and 4 shard processes; merge time of 4 × 1M-event reports',
    run: () => runShardsBench(),
  },
};

/** Numbers on the command line are a bench's arguments (`observe 2000 60`), not bench names. */
function isNumber(arg: string): boolean {
  return /^\d+(\.\d+)?$/.test(arg);
}

// Bench names, then their arguments: a word after a bench name that names no bench is an argument
// of that bench (`ingest identified --baseline ../main/dist`); before any bench name it is a typo.
const names: string[] = [];
for (const arg of process.argv.slice(2)) {
  if (arg in BENCHES || arg === 'all' || arg === '--help') names.push(arg);
  else if (names.length === 0 && !isNumber(arg)) names.push(arg);
}
if (names.length === 0 || names.includes('--help')) {
  process.stdout.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}|all>\n`);
  for (const [name, b] of Object.entries(BENCHES)) process.stdout.write(`  ${name.padEnd(10)} ${b.help}\n`);
  if (names.length === 0) process.exitCode = 2;
} else {
  for (const name of names.includes('all') ? Object.keys(BENCHES) : names) {
    const bench = BENCHES[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark "${name}" (${Object.keys(BENCHES).join(', ')})\n`);
      process.exitCode = 2;
      break;
    }
    process.stdout.write(`\n## bench: ${name}\n`);
    await bench.run();
  }
}
