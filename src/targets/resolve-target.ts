// --target NAME → a started Target. The containers target is loaded only when asked for, so the
// CLI does not load testcontainers (and Docker's clients) for the other targets.

import { IngestbenchError } from '../errors.js';
import { startEmbeddedTarget, type EmbeddedTargetOptions } from './embedded-target.js';
import { posthogTargetFromEnv } from './posthog-target.js';
import type { Target } from './target.js';

/** What `--target-cpus`, `--target-memory` and `--compose` say; only the containers target takes them. */
export interface ContainerLimits {
  readonly cpus?: number;
  readonly memory?: string;
  readonly compose?: string;
}

const CONTAINER_FLAGS = { cpus: 'target-cpus', memory: 'target-memory', compose: 'compose' } as const;

export async function resolveTarget(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  options: EmbeddedTargetOptions & { containers?: ContainerLimits; log?: (line: string) => void } = {},
  // EmbeddedTargetOptions' queryLimits / queryLimitOverrides apply to the containers target too.
): Promise<Target> {
  if (name !== 'containers' && options.containers !== undefined) {
    const flags = Object.keys(options.containers).map(
      (k) => `--${CONTAINER_FLAGS[k as keyof ContainerLimits]}`,
    );
    throw new IngestbenchError('USAGE', `${flags.join(', ')} only apply to --target containers`);
  }
  switch (name) {
    case 'embedded':
      return startEmbeddedTarget({
        ...(options.fault !== undefined ? { fault: options.fault } : {}),
        ...(options.cpus !== undefined ? { cpus: options.cpus } : {}),
        ...(options.queryLimits !== undefined ? { queryLimits: options.queryLimits } : {}),
        ...(options.queryLimitOverrides !== undefined
          ? { queryLimitOverrides: options.queryLimitOverrides }
          : {}),
      });
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
    case 'containers': {
      const { startContainersTarget } = await import('./containers/containers-target.js');
      return startContainersTarget({
        ...options.containers,
        ...(options.fault !== undefined ? { fault: options.fault } : {}),
        ...(options.queryLimits !== undefined
          ? {
              queryLimits: {
                queryLimits: options.queryLimits,
                ...(options.queryLimitOverrides ? { queryLimitOverrides: options.queryLimitOverrides } : {}),
              },
            }
          : {}),
        ...(options.log !== undefined ? { log: options.log } : {}),
        env,
      });
    }
    default:
      throw new IngestbenchError('USAGE', `unknown target "${name}" (embedded, posthog or containers)`);
  }
}
