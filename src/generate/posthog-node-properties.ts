// The posthog-node profile: what posthog-node adds to each captured event, read from its source
// (posthog-node 5.x dist/client.mjs getCommonEventProperties(), @posthog/core
// posthog-core-stateless.mjs getCommonEventProperties() and prepareMessage()): `$lib`
// "posthog-node", `$lib_version`, `$is_server: true`, and `$geoip_disable: true` (posthog-node's
// disableGeoip defaults to true). Server SDKs send identified events unless told otherwise, so an
// identified event carries no `$process_person_profile` at all; an anonymous one carries `false`,
// as an app passes it to posthog-node for a personless event. Groups are the app's `$groups`.

import type { Random } from './prng.js';
import { SDK_LIB, type SdkEvent, type SdkProperties } from './sdk-properties.js';

const SERVER_PROPERTIES = ',"$is_server":true,"$geoip_disable":true';

export class PosthogNodeProperties implements SdkProperties {
  readonly lib = `"$lib":${JSON.stringify(SDK_LIB['posthog-node'].lib)},"$lib_version":${JSON.stringify(SDK_LIB['posthog-node'].version)}`;
  readonly flagsIdentified = false;
  readonly writesSession = false;
  private readonly properties: string;
  readonly setOnce = '';

  /** `omit`: keys the behaviour declares itself. */
  constructor(omit: ReadonlySet<string>) {
    this.properties = omit.has('$geoip_disable') ? ',"$is_server":true' : SERVER_PROPERTIES;
  }

  render(_event: SdkEvent, _random: Random, out: string[]): void {
    // Nothing varies per event: posthog-node adds no ids or device properties.
    out.push(this.properties);
  }
}
