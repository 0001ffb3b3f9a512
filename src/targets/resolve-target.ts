// --target NAME → a started Target. Containers are not offered here: no Docker engine is assumed.

import { IngestbenchError } from '../errors.js';
import { startEmbeddedTarget, type EmbeddedTargetOptions } from './embedded-target.js';
import { posthogTargetFromEnv } from './posthog-target.js';
import type { Target } from './target.js';

export async function resolveTarget(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  options: EmbeddedTargetOptions = {},
): Promise<Target> {
  switch (name) {
    case 'embedded':
      return startEmbeddedTarget(options);
    case 'posthog':
      if (options.fault !== undefined) {
        throw new IngestbenchError(
          'USAGE',
          '--fault only applies to the embedded target (start `ingestbench serve --fault …` to fault a served one)',
        );
      }
      if (options.cpus !== undefined) {
        throw new IngestbenchError('USAGE', '--target-cpus only applies to the embedded target');
      }
      return posthogTargetFromEnv(env);
    default:
      throw new IngestbenchError('USAGE', `unknown target "${name}" (embedded or posthog)`);
  }
}
