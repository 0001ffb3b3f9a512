// The posthog-js profile: what posthog-js adds to an event, read from its source:
// - getEventProperties() (packages/browser-common/src/utils/event-utils.ts): $os, $os_version,
//   $browser, $device, $device_type, $timezone, $timezone_offset, $current_url, $host, $pathname,
//   $raw_user_agent, $browser_version, $browser_language(_prefix), screen and viewport sizes, $lib,
//   $lib_version, $insert_id (16 base-36 characters), $time (seconds);
// - calculateEventProperties() (packages/browser/src/posthog-core.ts): $config_defaults,
//   $session_id, $window_id, the $session_entry_* props (session-props.ts), $sdk_debug_retry_queue_size,
//   $pageview_id and on a $pageview the $prev_pageview_* props (page-view.ts) and `title`; the
//   persisted distinct_id, $device_id, $referrer, $referring_domain; $is_identified; and
//   $process_person_profile last (here: the class prefix). `token` is left out: the batch's
//   api_key carries it, and a copy in every event would put the key into every stored row.
// - _calculate_set_once_properties(): on the first person-processed event of a page load a
//   top-level `$set_once` with the initial person info ($initial_referrer, $initial_current_url,
//   …, every campaign parameter, null when absent, getInitialPersonPropsFromInfo()) and the
//   session's entry props. Here: on the event that turns person processing on and, for users
//   with a person, on the first event of each session (a page load).
//
// Sessions without the sessions model: a user's session is a fixed 30-minute window (posthog-js's
// idle timeout) offset per user, its ids UUIDv7-shaped and derived from (user, window); pages
// within it change every PAGE_DWELL_MS. Everything is a pure function of (seed, user, time), so
// skipping an event changes no other event.

import type { SitePage, Referrer } from './site-map.js';
import { SiteMap } from './site-map.js';
import { buildDeviceProfiles, type DeviceProfile } from './device-profiles.js';
import { derivedUuidV7 } from './derived-uuid.js';
import { flatString } from './flat-string.js';
import { insertId } from './insert-id.js';
import { hashSeed, Prng, type Random } from './prng.js';
import { SecondsText } from './seconds-text.js';
import { SDK_LIB, type SdkEvent, type SdkProperties } from './sdk-properties.js';

/** posthog-js's session_idle_timeout_seconds default (posthog-core.ts defaultConfig). */
export const SESSION_MS = 30 * 60 * 1000;
/** Time on one page before the next pageview, for sessions that are not modelled event by event. */
export const PAGE_DWELL_MS = 40_000;

/** CAMPAIGN_PARAMS of event-utils.ts: each appears in $set_once, null when the URL lacks it. */
const CAMPAIGN_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'gad_source',
  'mc_cid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'twclid',
  'li_fat_id',
  'igshid',
  'ttclid',
  'rdt_cid',
  'epik',
  'qclid',
  'sccid',
  'irclid',
  '_kx',
];

/** Properties posthog-js sets per event or session: a behaviour may not declare them. */
export const POSTHOG_JS_DERIVED = new Set([
  '$insert_id',
  '$time',
  'distinct_id',
  '$device_id',
  '$session_id',
  '$window_id',
  '$pageview_id',
  '$prev_pageview_id',
  '$is_identified',
  '$lib_version',
  '$config_defaults',
]);

/** The seed-built pools every posthog-js behaviour of a scenario shares. */
export interface PosthogJsWorld {
  readonly seed: number;
  readonly devices: readonly DeviceProfile[];
  readonly site: SiteMap;
}

export function buildPosthogJsWorld(seed: number): PosthogJsWorld {
  return { seed, devices: buildDeviceProfiles(seed), site: new SiteMap(seed) };
}

interface PageFragments {
  /** `,"$current_url":…,"$host":…,"$pathname":…` */
  readonly page: string;
  readonly title: string;
  readonly pathnameJson: string;
  /** The $set_once forms. */
  readonly setOnce: string;
  readonly initial: string;
}

interface ReferrerFragments {
  readonly user: string;
  readonly entry: string;
  readonly setOnce: string;
  readonly initial: string;
  readonly query: string;
}

const json = JSON.stringify;
const pairs = (list: readonly (readonly [string, string])[], omit: ReadonlySet<string>): string =>
  list
    .filter(([key]) => !omit.has(key))
    .map(([key, value]) => `,${json(key)}:${value}`)
    .join('');

/** Slots of the per-session and per-page text caches (direct-mapped; a collision only recomputes). */
const CACHE_SLOTS = 65536;
const SCROLL_POOL = 4096;

export class PosthogJsProperties implements SdkProperties {
  readonly lib = `"$lib":${json(SDK_LIB['posthog-js'].lib)},"$lib_version":${json(SDK_LIB['posthog-js'].version)}`;
  readonly flagsIdentified = true;
  readonly writesSession = true;
  setOnce = '';

  private readonly seed: number;
  private readonly heads: readonly string[];
  private readonly tails: readonly string[];
  private readonly site: SiteMap;
  private readonly pages: readonly PageFragments[];
  private readonly referrers: readonly ReferrerFragments[];
  private readonly scrolls: readonly string[];
  private readonly time = new SecondsText();
  private readonly duration = new SecondsText();
  // The text of a user's session (ids, referrer, entry props) and of its current page, reused by
  // every event in them: keyed by (user, session start[, page]), recomputed on a miss.
  private readonly sessionUser = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly sessionStartOf = new Float64Array(CACHE_SLOTS);
  private readonly sessionText: string[] = new Array<string>(CACHE_SLOTS).fill('');
  private readonly pageUser = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly pageStartOf = new Float64Array(CACHE_SLOTS);
  private readonly pageIdText: string[] = new Array<string>(CACHE_SLOTS).fill('');

  /** `omit`: keys the behaviour declares itself (its values replace the profile's). */
  constructor(world: PosthogJsWorld, omit: ReadonlySet<string>) {
    this.seed = world.seed;
    this.heads = world.devices.map((d) => pairs(d.head, omit));
    this.tails = world.devices.map((d) => pairs(d.tail, omit));
    this.site = world.site;
    // Every fragment flat once here: events copy them, and a tree would be walked every time.
    this.pages = world.site.pages.map((p) => flatFields(pageFragments(p, omit)));
    this.referrers = world.site.referrers.map((r) => flatFields(referrerFragments(r, omit)));
    const random = new Prng(hashSeed(world.seed, 0x5c0));
    this.scrolls = Array.from({ length: SCROLL_POOL }, () => flatString(scrollProperties(random)));
  }

  render(e: SdkEvent, random: Random, out: string[]): void {
    const seed = this.seed;
    const user = e.user;
    const t = e.intendedMs;
    // The session: the sessions model's, or the user's current 30-minute window.
    let sessionStart: number;
    let firstOfSession = false;
    if (e.session !== null) {
      sessionStart = e.session.sessionStartMs;
      firstOfSession = e.session.indexInSession === 0;
    } else {
      const offset = hashSeed(seed, user, 0x0ff5e7) % SESSION_MS;
      sessionStart = Math.floor((t + offset) / SESSION_MS) * SESSION_MS - offset;
    }
    const sessionKey = hashSeed(seed, user, sessionStart);
    const slot = sessionKey & (CACHE_SLOTS - 1);
    if (this.sessionUser[slot] !== user || this.sessionStartOf[slot] !== sessionStart) {
      this.sessionUser[slot] = user;
      this.sessionStartOf[slot] = sessionStart;
      this.sessionText[slot] = this.sessionFragment(user, sessionStart, sessionKey, e);
    }
    const pageNo = Math.max(0, Math.floor((t - sessionStart) / PAGE_DWELL_MS));
    const pageHash = hashSeed(sessionKey, pageNo);
    const pageStart = sessionStart + pageNo * PAGE_DWELL_MS;
    const pageSlot = pageHash & (CACHE_SLOTS - 1);
    if (this.pageUser[pageSlot] !== user || this.pageStartOf[pageSlot] !== pageStart) {
      this.pageUser[pageSlot] = user;
      this.pageStartOf[pageSlot] = pageStart;
      this.pageIdText[pageSlot] = flatString(
        `,"$pageview_id":"${derivedUuidV7(pageStart, pageHash, hashSeed(pageHash, 7))}"`,
      );
    }
    const pageIndex = this.site.pageIndex(pageHash);
    const page = this.pages[pageIndex]!;
    const device = hashSeed(seed, user, 0xde71ce) % this.heads.length;
    const sessionReferrer = this.referrers[this.site.referrerIndex(hashSeed(sessionKey, 0x4ef))]!;

    out.push(
      this.heads[device]!,
      pageNo === 0 && sessionReferrer.query !== ''
        ? withQuery(this.site.pages[pageIndex]!, sessionReferrer.query)
        : page.page,
      this.tails[device]!,
      ',"$insert_id":"',
      insertId(random),
      '","$time":',
      this.time.format(t),
      // Distinct ids are the population's own ([a-z0-9-]), printed as the generator prints them.
      ',"distinct_id":"',
      e.distinctId,
      '"',
      this.sessionText[slot]!,
      this.pageIdText[pageSlot]!,
    );
    if (e.kind === 'pageview') {
      if (pageNo > 0) {
        const prevHash = hashSeed(sessionKey, pageNo - 1);
        const prev = this.pages[this.site.pageIndex(prevHash)]!;
        const prevStart = pageStart - PAGE_DWELL_MS;
        out.push(
          ',"$prev_pageview_id":"',
          derivedUuidV7(prevStart, prevHash, hashSeed(prevHash, 7)),
          '","$prev_pageview_pathname":',
          prev.pathnameJson,
          ',"$prev_pageview_duration":',
          this.duration.format(t - prevStart),
          this.scrolls[random.nextInt(SCROLL_POOL)]!,
        );
      }
      out.push(page.title);
    }
    out.push(e.isIdentified ? ',"$is_identified":true' : ',"$is_identified":false');

    // $set_once: the initial person info (the user's first page and referrer) and this session's.
    const sendSetOnce =
      e.personProcessing && (e.personTurnedOn || firstOfSession || (e.kind === 'pageview' && pageNo === 0));
    if (sendSetOnce) {
      const userReferrer = this.referrers[this.site.referrerIndex(hashSeed(seed, user, 0x4ef))]!;
      const first = this.pages[this.site.pageIndex(hashSeed(seed, user, 0x1a1))]!;
      const entryPage = this.pages[this.site.pageIndex(hashSeed(sessionKey, 0))]!;
      this.setOnce = `,"$set_once":{${userReferrer.initial},${first.initial},${sessionReferrer.setOnce},${entryPage.setOnce}}`;
    } else {
      this.setOnce = '';
    }
  }

  /** What every event of one session shares: device id, referrer, session ids and entry props. */
  private sessionFragment(user: number, sessionStart: number, sessionKey: number, e: SdkEvent): string {
    const seed = this.seed;
    const userReferrer = this.referrers[this.site.referrerIndex(hashSeed(seed, user, 0x4ef))]!;
    const sessionReferrer = this.referrers[this.site.referrerIndex(hashSeed(sessionKey, 0x4ef))]!;
    const entryPage = this.site.pages[this.site.pageIndex(hashSeed(sessionKey, 0))]!;
    const ids =
      e.session !== null
        ? `,"$session_id":${json(e.session.sessionId)},"$window_id":${json(e.session.windowId)}`
        : `,"$session_id":"${derivedUuidV7(sessionStart, sessionKey, hashSeed(sessionKey, 1))}","$window_id":"${derivedUuidV7(sessionStart, hashSeed(sessionKey, 2), hashSeed(sessionKey, 3))}"`;
    const query = sessionReferrer.query === '' ? '' : `?${sessionReferrer.query}`;
    const entry = `,"$session_entry_url":${json(entryPage.url + query)},"$session_entry_host":${json(entryPage.host)},"$session_entry_pathname":${json(entryPage.pathname)}${sessionReferrer.entry}`;
    // Flattened once here, so the events that share it copy one flat string.
    return flatString(
      `,"$device_id":"${deviceId(seed, user)}"${userReferrer.user},"$config_defaults":"2025-05-24"${ids}${entry},"$sdk_debug_retry_queue_size":0`,
    );
  }
}

/** `fragments` with each text flattened (flat-string.ts). */
function flatFields<T extends object>(fragments: T): T {
  for (const value of Object.values(fragments)) if (typeof value === 'string') flatString(value);
  return fragments;
}

function pageFragments(p: SitePage, omit: ReadonlySet<string>): PageFragments {
  const url = json(p.url);
  const host = json(p.host);
  const pathname = json(p.pathname);
  return {
    page: pairs(
      [
        ['$current_url', url],
        ['$host', host],
        ['$pathname', pathname],
      ],
      omit,
    ),
    title: pairs([['title', json(p.title)]], omit),
    pathnameJson: pathname,
    setOnce: `"$current_url":${url},"$host":${host},"$pathname":${pathname}`,
    initial: `"$initial_current_url":${url},"$initial_host":${host},"$initial_pathname":${pathname}`,
  };
}

function referrerFragments(r: Referrer, omit: ReadonlySet<string>): ReferrerFragments {
  const referrer = json(r.referrer);
  const domain = json(r.domain);
  const campaign = new Map(r.campaign);
  const params = (prefix: string) =>
    CAMPAIGN_PARAMS.map(
      (name) => `,"${prefix}${name}":${campaign.has(name) ? json(campaign.get(name)) : 'null'}`,
    ).join('');
  return {
    user: pairs(
      [
        ['$referrer', referrer],
        ['$referring_domain', domain],
      ],
      omit,
    ),
    entry:
      `,"$session_entry_referrer":${referrer},"$session_entry_referring_domain":${domain}` +
      r.campaign.map(([name, value]) => `,"$session_entry_${name}":${json(value)}`).join(''),
    setOnce: `"$referrer":${referrer},"$referring_domain":${domain}${params('')}`,
    initial: `"$initial_referrer":${referrer},"$initial_referring_domain":${domain}${params('$initial_')}`,
    query: r.campaign.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&'),
  };
}

/** The landing page of a session that came from a campaign: its URL carries the utm_* query. */
function withQuery(page: SitePage, query: string): string {
  return `,"$current_url":${json(`${page.url}?${query}`)},"$host":${json(page.host)},"$pathname":${json(page.pathname)}`;
}

/** The previous page's scroll context (page-view.ts), in pixels and shares of the page. */
function scrollProperties(random: Random): string {
  const maxScrollHeight = 600 + random.nextInt(6000);
  const maxScroll = random.nextInt(maxScrollHeight + 1);
  const lastScroll = random.nextInt(maxScroll + 1);
  const maxContentHeight = maxScrollHeight + 700 + random.nextInt(400);
  const maxContent = maxScroll + 700 + random.nextInt(400);
  const lastContent = lastScroll + 700 + random.nextInt(400);
  const share = (a: number, b: number) => Math.min(1, a / b);
  return `,"$prev_pageview_last_scroll":${lastScroll},"$prev_pageview_last_scroll_percentage":${share(lastScroll, maxScrollHeight)},"$prev_pageview_max_scroll":${maxScroll},"$prev_pageview_max_scroll_percentage":${share(maxScroll, maxScrollHeight)},"$prev_pageview_last_content":${lastContent},"$prev_pageview_last_content_percentage":${share(lastContent, maxContentHeight)},"$prev_pageview_max_content":${maxContent},"$prev_pageview_max_content_percentage":${share(maxContent, maxContentHeight)}`;
}

/** The browser's first visit (posthog-js makes the device id then): within a year before 2026. */
const DEVICE_EPOCH_MS = Date.UTC(2025, 0, 1);

function deviceId(seed: number, user: number): string {
  const firstSeen = DEVICE_EPOCH_MS + (hashSeed(seed, user, 0xd0) % 31_536_000) * 1000;
  return derivedUuidV7(firstSeen, hashSeed(seed, user, 0xd1), hashSeed(seed, user, 0xd2));
}
