// Pins a process and every thread it has, and so every thread and child it starts later (they
// inherit the affinity), to chosen CPUs with util-linux `taskset`. The embedded target pinned apart
// from the load generator measures its own capacity, not what the generator's threads leave it.

import { execFile } from 'node:child_process';
import { IngestbenchError } from '../errors.js';

/** "1", "0,2", "2-3": taskset's CPU list syntax. */
const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

export async function pinProcess(pid: number, cpus: string): Promise<void> {
  if (!CPU_LIST.test(cpus)) {
    throw new IngestbenchError('USAGE', `--target-cpus "${cpus}" is not a CPU list (e.g. 1, 0,2 or 2-3)`);
  }
  await new Promise<void>((resolve, reject) => {
    execFile(
      'taskset',
      ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)],
      (error, _stdout, stderr) => {
        if (error === null) return resolve();
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new IngestbenchError(
            'USAGE',
            missing
              ? '--target-cpus needs the taskset command (util-linux), which is not installed here'
              : `taskset could not pin the target to CPUs ${cpus}: ${stderr.trim() || error.message}`,
            { cause: error },
          ),
        );
      },
    );
  });
}

/** Whether `taskset` is available (benches pin where they can). */
export function tasksetAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('taskset', ['--version'], (error) => resolve(error === null));
  });
}
