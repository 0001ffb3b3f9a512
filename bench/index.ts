// `npm run bench -- <name>`: benchmarks print figures (ratios where a comparison is meant, since
// this machine is shared and absolute times drift). Nothing here is asserted by the test suite.

import { runHarnessSendBench } from './harness-send.js';
import { runReferenceBench } from './reference.js';
import { runReferenceIngestBench } from './reference-ingest.js';
import { runShardsBench } from './shards.js';

const BENCHES: Record<string, { help: string; run: () => Promise<unknown> }> = {
  reference: {
    help: 'the embedded reference target: capture, ingestion per class, time-to-queryable, CPU ratio',
    run: runReferenceBench,
  },
  ingest: {
    help: 'the ingestion core alone (no HTTP, no queue): events/s and CPU per event for each class',
    run: () => runReferenceIngestBench(),
  },
  harness: {
    help: 'the load generator: black-hole throughput vs autocannon, rate accuracy, ledger bytes per event',
    run: runHarnessSendBench,
  },
  shards: {
    help: 'local shards: black-hole events/s with 1, 2 and 4 shard processes; merge time of 4 × 1M-event reports',
    run: () => runShardsBench(),
  },
};

const names = process.argv.slice(2);
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
