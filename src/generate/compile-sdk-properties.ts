// One SdkProperties per behaviour, from the behaviour's resolved `sdk`: posthog-js behaviours share
// one set of seed-built pools (devices, site map) and differ only in the keys they declare
// themselves, which replace the profile's. Keys the profile derives per event or session (ids,
// times) cannot be declared: a second value would make the event ambiguous.

import { IngestbenchError } from '../errors.js';
import type { Behaviour } from '../scenario/scenario.js';
import {
  buildPosthogJsWorld,
  POSTHOG_JS_DERIVED,
  PosthogJsProperties,
  type PosthogJsWorld,
} from './posthog-js-properties.js';
import { PosthogNodeProperties } from './posthog-node-properties.js';
import type { SdkProperties } from './sdk-properties.js';

/** Same order as `behaviours`; null where the behaviour's sdk is none. */
export function compileSdkProperties(
  behaviours: readonly Behaviour[],
  seed: number,
): (SdkProperties | null)[] {
  let world: PosthogJsWorld | null = null;
  return behaviours.map((b) => {
    const declared = new Set(Object.keys(b.properties));
    switch (b.sdk ?? 'none') {
      case 'none':
        return null;
      case 'posthog-node':
        return new PosthogNodeProperties(declared);
      case 'posthog-js': {
        // identify, set and group properties go to $set / $group_set, not beside the profile's.
        const eventLevel = b.kind === 'pageview' || b.kind === 'autocapture' || b.kind === 'custom';
        const omit = eventLevel ? declared : new Set<string>();
        for (const key of omit) {
          if (POSTHOG_JS_DERIVED.has(key)) {
            throw new IngestbenchError(
              'SCENARIO_INVALID',
              `behaviours.${b.name}.properties.${key}: the posthog-js profile sets ${key} itself; remove it or use sdk: none`,
            );
          }
        }
        world ??= buildPosthogJsWorld(seed);
        return new PosthogJsProperties(world, omit);
      }
    }
  });
}
