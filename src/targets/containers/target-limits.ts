// `--target-cpus` and `--target-memory`: the container's share of the machine, so the target
// never competes with the load generator for cores and two CI runners give comparable figures.

import { IngestbenchError } from '../../errors.js';

export const TARGET_LIMIT_DEFAULTS = { cpus: 1, memory: '1g' } as const;

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512m`, `1g`, `1.5g`, `2048k` or a byte count → bytes. Docker refuses less than 6 MiB. */
export function parseMemorySize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!) : Number.NaN;
  if (!Number.isFinite(bytes) || bytes < 6 * 1024 ** 2) {
    throw new IngestbenchError(
      'USAGE',
      `--target-memory expects a size of at least 6m such as 512m or 2g, got "${text}"`,
    );
  }
  return bytes;
}

export function checkCpus(cpus: number): number {
  if (!Number.isFinite(cpus) || cpus < 0.01) {
    throw new IngestbenchError(
      'USAGE',
      `--target-cpus expects a number of CPUs such as 1 or 1.5, got ${cpus}`,
    );
  }
  return cpus;
}
