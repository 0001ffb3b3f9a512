// A reference target in a process of its own, for tests that SIGKILL it. Run as
// `node target-process.js --serve DIR`: prints one JSON line with its URLs, then runs until
// killed. Without --serve it does nothing (the test runner loads every file under test/).

import { startReferenceTarget } from '../../../src/reference/start-reference-target.js';

const at = process.argv.indexOf('--serve');
const data = at === -1 ? undefined : process.argv[at + 1];
if (data !== undefined) {
  const fault = process.argv[at + 2];
  const target = await startReferenceTarget({
    port: 0,
    data,
    tokens: ['phc_e2e'],
    personalKey: 'phx_e2e',
    ...(fault !== undefined ? { fault } : {}),
  });
  process.stdout.write(
    `${JSON.stringify({ captureUrl: target.captureUrl, metricsUrl: target.metricsUrl, pid: process.pid })}\n`,
  );
}
