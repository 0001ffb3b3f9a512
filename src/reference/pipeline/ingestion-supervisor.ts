// Runs the ingestion child process: forks the compiled ingestion-process.js beside this file,
// hands it its configuration, restarts it whenever it exits unasked (counted), kills it on the
// crash-every fault's schedule, and forwards its batch reports.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { IngestbenchError } from '../../errors.js';
import type { FaultSpec } from './fault-spec.js';
import type { BatchReport, ChildMessage, IngestionConfig, ParentMessage } from './ingestion-protocol.js';

const debug = debuglog('ingestbench:ingestion');

export const INGESTION_ENTRY = fileURLToPath(new URL('./ingestion-process.js', import.meta.url));

export interface SupervisorEvents {
  /** A child is ready; `offset` is the committed consumer offset it starts from. */
  onReady(offset: number, incarnation: number): void;
  onBatch(report: BatchReport, incarnation: number): void;
  /** Cumulative CPU of the incarnation's process. */
  onCpu(cpu: NodeJS.CpuUsage, incarnation: number): void;
  onRestart(): void;
  onCrashInjected(): void;
}

export interface IngestionSupervisor {
  /** Resolves when the first child is ready; rejects if it cannot start. */
  readonly ready: Promise<void>;
  setFaults(faults: FaultSpec): void;
  /** Asks the child to finish its batch and exit; kills it if it does not within the timeout. */
  stop(timeoutMs?: number): Promise<void>;
}

/** A child that exits sooner than this after starting is restarted after a growing pause. */
const STABLE_AFTER_MS = 2_000;

export function superviseIngestion(config: IngestionConfig, events: SupervisorEvents): IngestionSupervisor {
  let faults = config.faults;
  let child: ChildProcess | null = null;
  let incarnation = 0;
  let stopping = false;
  let quickExits = 0;
  let killedOnPurpose: ChildProcess | null = null;
  let crashTimer: NodeJS.Timeout | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let resolveReady!: () => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  let everReady = false;

  const spawnChild = (): void => {
    const id = ++incarnation;
    const startedAt = Date.now();
    // execArgv: [] so test-runner or inspector flags of the parent do not leak into the child.
    const proc = fork(INGESTION_ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = proc;
    proc.on('message', (raw) => {
      const message = raw as ChildMessage;
      events.onCpu(message.cpu, id);
      switch (message.type) {
        case 'ready':
          if (!everReady) {
            everReady = true;
            resolveReady();
          }
          events.onReady(message.offset, id);
          return;
        case 'batch':
          events.onBatch(message.report, id);
          return;
        case 'idle':
        case 'stopped':
          return;
      }
    });
    proc.on('error', (error) => debug('ingestion process %d error: %o', id, error));
    proc.on('exit', (code, signal) => {
      if (child === proc) child = null;
      debug('ingestion process %d exited (code %s, signal %s)', id, code, signal);
      if (stopping) return;
      if (!everReady) {
        rejectReady(
          new IngestbenchError(
            'INTERNAL',
            `The ingestion process (${INGESTION_ENTRY}) exited before it was ready (code ${code}, signal ${signal}); ` +
              'run with NODE_DEBUG=ingestbench:ingestion for details.',
          ),
        );
        stopping = true;
        return;
      }
      // Injected crashes restart at once; only unasked quick exits slow the restarts down.
      const injected = killedOnPurpose === proc;
      quickExits = !injected && Date.now() - startedAt < STABLE_AFTER_MS ? quickExits + 1 : 0;
      events.onRestart();
      // A child that keeps dying at start (a poison batch, a full disk) is retried at a slowing pace.
      restartTimer = setTimeout(spawnChild, Math.min(5_000, quickExits === 0 ? 0 : 100 * 2 ** quickExits));
    });
    send(proc, { type: 'start', config: { ...config, faults } });
  };

  const scheduleCrashes = (): void => {
    if (crashTimer !== null) clearInterval(crashTimer);
    crashTimer = null;
    if (faults.crashEveryMs === null) return;
    crashTimer = setInterval(() => {
      if (child === null || stopping) return;
      events.onCrashInjected();
      killedOnPurpose = child;
      child.kill('SIGKILL');
    }, faults.crashEveryMs);
  };

  spawnChild();
  scheduleCrashes();

  return {
    ready,
    setFaults(next) {
      faults = next;
      if (child !== null) send(child, { type: 'faults', faults });
      scheduleCrashes();
    },
    async stop(timeoutMs = 5_000) {
      stopping = true;
      if (crashTimer !== null) clearInterval(crashTimer);
      if (restartTimer !== null) clearTimeout(restartTimer);
      const proc = child;
      if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      send(proc, { type: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function send(proc: ChildProcess, message: ParentMessage): void {
  if (proc.connected) proc.send(message);
}
