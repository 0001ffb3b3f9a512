// `--target-cpus` means two things, by target: for the embedded target a taskset CPU list its
// processes are pinned to (`1`, `0-1,3`: checked by pinProcess), for the containers target the
// container's CPU quota (`1`, `1.5`). `run` and `capacity` read it here, the same way.

import { IngestbenchError } from '../errors.js';

export interface TargetCpus {
  /** The embedded (or posthog, which refuses it) target: a taskset CPU list. */
  readonly pin?: string;
  /** The containers target: a number of CPUs. */
  readonly quota?: number;
}

export function targetCpus(targetName: string, text: string | undefined): TargetCpus {
  if (text === undefined) return {};
  return targetName === 'containers' ? { quota: containerCpus(text) } : { pin: text };
}

function containerCpus(text: string): number {
  const cpus = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(cpus > 0)) {
    throw new IngestbenchError(
      'USAGE',
      `--target-cpus ${text}: the containers target takes a CPU quota such as 1 or 1.5`,
    );
  }
  return cpus;
}
