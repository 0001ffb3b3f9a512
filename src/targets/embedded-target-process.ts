// The child-process side of the embedded target: starts the reference pipeline with the options
// it is given over IPC, reports its URLs, and stops when told to or when the parent goes away.
// Running it in a process of its own keeps the target's CPU (the report's cost figures) apart
// from the load generator's, and keeps a slow query from stalling the harness's poller.

import { startReferenceTarget, type ReferenceTargetOptions } from '../reference/start-reference-target.js';

export type EmbeddedTargetMessage =
  | {
      readonly type: 'ready';
      readonly captureUrl: string;
      readonly queryUrl: string;
      readonly metricsUrl: string;
    }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | null };

const send = (message: EmbeddedTargetMessage): void => {
  process.send?.(message);
};

// Ctrl-C reaches the whole process group: the parent, which still makes its final poll through
// this target, decides when it stops ('stop' or disconnect), not the terminal.
process.on('SIGINT', () => undefined);

process.once('message', (options: ReferenceTargetOptions) => {
  startReferenceTarget(options).then(
    (target) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void target.stop().finally(() => process.disconnect?.());
      };
      process.on('message', (m) => {
        if (m === 'stop') stop();
      });
      process.once('disconnect', stop);
      process.once('SIGTERM', stop);
      send({
        type: 'ready',
        captureUrl: target.captureUrl,
        queryUrl: target.queryUrl,
        metricsUrl: target.metricsUrl,
      });
    },
    (error: unknown) => {
      send({
        type: 'failed',
        message: error instanceof Error ? error.message : String(error),
        code: (error as { code?: string }).code ?? null,
      });
      process.disconnect?.();
    },
  );
});
