// The devices a posthog-js profile's users browse with: operating system, browser, device, user
// agent, screen and viewport, time zone and language, with the value names posthog-js's detection
// gives them (`detectOS`, `detectBrowser`, `detectDevice`, `detectDeviceType` in @posthog/core,
// called by getEventProperties() in posthog-js packages/browser-common/src/utils/event-utils.ts).
//
// Shares are rough public figures for web traffic (desktop ≈ 55 %, phones ≈ 42 %, tablets ≈ 3 %;
// Chrome leads, then Safari), not PostHog data: what matters for ingestion is a realistic spread
// of values and lengths. A user keeps one device for the run (hashed from the user), as a browser
// keeps its user agent. The profiles are built once from the scenario seed.

import { hashSeed, Prng, type Random } from './prng.js';
import { WeightedPick, type Weighted } from './weighted-pick.js';

/** Distinct devices per scenario: well above a batch, so a batch's users rarely share one. */
export const DEVICE_PROFILE_COUNT = 4096;

/** One device's posthog-js properties as [key, JSON value] pairs, in getEventProperties() order. */
export interface DeviceProfile {
  /** `$os` … `$timezone_offset` (before the page properties in posthog-js). */
  readonly head: readonly (readonly [string, string])[];
  /** `$raw_user_agent` … `$viewport_width` (after them). */
  readonly tail: readonly (readonly [string, string])[];
}

interface Family {
  readonly os: string;
  readonly browser: string;
  readonly device: string | null;
  readonly deviceType: 'Desktop' | 'Mobile' | 'Tablet';
  readonly screens: WeightedPick<readonly [number, number]>;
  /** The OS version posthog-js reports and the browser version, from a random stream. */
  readonly versions: (random: Random) => { readonly os: string; readonly browser: number };
  readonly userAgent: (os: string, browser: number, random: Random) => string;
}

const between = (random: Random, min: number, max: number): number => min + random.nextInt(max - min + 1);

const DESKTOP_SCREENS = new WeightedPick<readonly [number, number]>([
  [[1920, 1080], 30],
  [[1536, 864], 10],
  [[1366, 768], 8],
  [[1440, 900], 8],
  [[2560, 1440], 8],
  [[1728, 1117], 6],
  [[1512, 982], 6],
  [[1680, 1050], 3],
  [[1280, 720], 3],
  [[3840, 2160], 2],
]);
const IPHONE_SCREENS = new WeightedPick<readonly [number, number]>([
  [[390, 844], 10],
  [[393, 852], 10],
  [[430, 932], 6],
  [[375, 812], 4],
  [[414, 896], 4],
  [[428, 926], 3],
  [[375, 667], 3],
]);
const ANDROID_SCREENS = new WeightedPick<readonly [number, number]>([
  [[412, 915], 10],
  [[360, 800], 8],
  [[412, 892], 5],
  [[384, 854], 4],
  [[393, 873], 4],
  [[360, 780], 3],
]);
const IPAD_SCREENS = new WeightedPick<readonly [number, number]>([
  [[820, 1180], 4],
  [[768, 1024], 3],
  [[834, 1194], 3],
  [[1024, 1366], 2],
]);

const chromeVersion = (random: Random): number => between(random, 124, 142);
const iosVersion = (random: Random): readonly [number, number] => {
  const major = between(random, 16, 18);
  return [major, between(random, 0, 7)];
};

const WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)';
const MAC_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)';
const WEBKIT = 'AppleWebKit/537.36 (KHTML, like Gecko)';

const FAMILIES: Weighted<Family> = [
  [
    {
      os: 'Windows',
      browser: 'Chrome',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      versions: (r) => ({ os: '10.0', browser: chromeVersion(r) }),
      userAgent: (_os, v) => `${WINDOWS_UA} ${WEBKIT} Chrome/${v}.0.0.0 Safari/537.36`,
    },
    30,
  ],
  [
    {
      os: 'Mac OS X',
      browser: 'Chrome',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      versions: (r) => ({ os: '10.15.7', browser: chromeVersion(r) }),
      userAgent: (_os, v) => `${MAC_UA} ${WEBKIT} Chrome/${v}.0.0.0 Safari/537.36`,
    },
    10,
  ],
  [
    {
      os: 'Mac OS X',
      browser: 'Safari',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      versions: (r) => ({ os: '10.15.7', browser: Number(`${between(r, 16, 18)}.${between(r, 0, 6)}`) }),
      userAgent: (_os, v) =>
        `${MAC_UA} AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Safari/605.1.15`,
    },
    6,
  ],
  [
    {
      os: 'Windows',
      browser: 'Microsoft Edge',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      versions: (r) => ({ os: '10.0', browser: chromeVersion(r) }),
      userAgent: (_os, v, r) =>
        `${WINDOWS_UA} ${WEBKIT} Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.${between(r, 2000, 3500)}.${between(r, 10, 150)}`,
    },
    6,
  ],
  [
    {
      os: 'Windows',
      browser: 'Firefox',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      versions: (r) => ({ os: '10.0', browser: between(r, 125, 145) }),
      userAgent: (_os, v) =>
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
    },
    4,
  ],
  [
    {
      os: 'Linux',
      browser: 'Chrome',
      device: null,
      deviceType: 'Desktop',
      screens: DESKTOP_SCREENS,
      // posthog-js reports no version for Linux, and strips the empty property.
      versions: (r) => ({ os: '', browser: chromeVersion(r) }),
      userAgent: (_os, v) => `Mozilla/5.0 (X11; Linux x86_64) ${WEBKIT} Chrome/${v}.0.0.0 Safari/537.36`,
    },
    2,
  ],
  [
    {
      os: 'iOS',
      browser: 'Mobile Safari',
      device: 'iPhone',
      deviceType: 'Mobile',
      screens: IPHONE_SCREENS,
      versions: (r) => {
        const [major, minor] = iosVersion(r);
        return { os: `${major}.${minor}.0`, browser: Number(`${major}.${minor}`) };
      },
      userAgent: (os, v) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${os.split('.').slice(0, 2).join('_')} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Mobile/15E148 Safari/604.1`,
    },
    18,
  ],
  [
    {
      os: 'iOS',
      browser: 'Chrome iOS',
      device: 'iPhone',
      deviceType: 'Mobile',
      screens: IPHONE_SCREENS,
      versions: (r) => {
        const [major, minor] = iosVersion(r);
        return { os: `${major}.${minor}.0`, browser: chromeVersion(r) };
      },
      userAgent: (os, v, r) =>
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${os.split('.').slice(0, 2).join('_')} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/${v}.0.${between(r, 6000, 7400)}.${between(r, 10, 200)} Mobile/15E148 Safari/604.1`,
    },
    3,
  ],
  [
    {
      os: 'Android',
      browser: 'Chrome',
      device: 'Android',
      deviceType: 'Mobile',
      screens: ANDROID_SCREENS,
      versions: (r) => {
        const android = between(r, 10, 15);
        return { os: `${android}.0.0`, browser: chromeVersion(r) };
      },
      userAgent: (os, v) =>
        `Mozilla/5.0 (Linux; Android ${os.split('.')[0]}; K) ${WEBKIT} Chrome/${v}.0.0.0 Mobile Safari/537.36`,
    },
    14,
  ],
  [
    {
      os: 'Android',
      browser: 'Samsung Internet',
      device: 'Samsung',
      deviceType: 'Mobile',
      screens: ANDROID_SCREENS,
      versions: (r) => {
        const android = between(r, 12, 15);
        return { os: `${android}.0.0`, browser: between(r, 23, 28) };
      },
      userAgent: (os, v, r) =>
        `Mozilla/5.0 (Linux; Android ${os.split('.')[0]}; SAMSUNG SM-S9${between(r, 11, 28)}B) ${WEBKIT} SamsungBrowser/${v}.0 Chrome/${chromeVersion(r)}.0.0.0 Mobile Safari/537.36`,
    },
    3,
  ],
  [
    {
      os: 'iOS',
      browser: 'Mobile Safari',
      device: 'iPad',
      deviceType: 'Tablet',
      screens: IPAD_SCREENS,
      versions: (r) => {
        const [major, minor] = iosVersion(r);
        return { os: `${major}.${minor}.0`, browser: Number(`${major}.${minor}`) };
      },
      userAgent: (os, v) =>
        `Mozilla/5.0 (iPad; CPU OS ${os.split('.').slice(0, 2).join('_')} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Mobile/15E148 Safari/604.1`,
    },
    3,
  ],
];

/** IANA zone and the minutes Date#getTimezoneOffset() gives there (standard time; DST is ignored). */
const TIME_ZONES: Weighted<readonly [string, number]> = [
  [['America/New_York', 300], 18],
  [['America/Los_Angeles', 480], 10],
  [['Europe/London', 0], 9],
  [['America/Chicago', 360], 8],
  [['Europe/Berlin', -60], 7],
  [['Asia/Kolkata', -330], 6],
  [['Europe/Paris', -60], 5],
  [['America/Sao_Paulo', 180], 4],
  [['America/Denver', 420], 3],
  [['Europe/Madrid', -60], 3],
  [['Asia/Tokyo', -540], 3],
  [['America/Toronto', 300], 2],
  [['America/Mexico_City', 360], 2],
  [['Europe/Amsterdam', -60], 2],
  [['Europe/Warsaw', -60], 2],
  [['Asia/Singapore', -480], 2],
  [['Asia/Shanghai', -480], 2],
  [['Australia/Sydney', -600], 2],
  [['Europe/Kyiv', -120], 1],
  [['Asia/Dubai', -240], 1],
  [['Africa/Lagos', -60], 1],
  [['Asia/Jakarta', -420], 1],
  [['Asia/Manila', -480], 1],
  [['Asia/Seoul', -540], 1],
];

const LANGUAGES: Weighted<string> = [
  ['en-US', 40],
  ['en-GB', 8],
  ['de-DE', 6],
  ['fr-FR', 5],
  ['pt-BR', 5],
  ['es-ES', 4],
  ['en-IN', 4],
  ['en', 3],
  ['ja-JP', 3],
  ['zh-CN', 2],
  ['nl-NL', 2],
  ['pl-PL', 2],
  ['it-IT', 2],
  ['es-MX', 2],
  ['ko-KR', 1],
  ['tr-TR', 1],
  ['sv-SE', 1],
  ['uk-UA', 1],
];

const json = JSON.stringify;

/** `count` device profiles, the same for the same seed. */
export function buildDeviceProfiles(seed: number, count = DEVICE_PROFILE_COUNT): DeviceProfile[] {
  const random = new Prng(hashSeed(seed, 0x5dd1ce));
  const families = new WeightedPick(FAMILIES);
  const zones = new WeightedPick(TIME_ZONES);
  const languages = new WeightedPick(LANGUAGES);
  const profiles: DeviceProfile[] = [];
  for (let i = 0; i < count; i++) {
    const family = families.pick(random);
    const versions = family.versions(random);
    const [zone, offset] = zones.pick(random);
    const language = languages.pick(random);
    const [width, height] = family.screens.pick(random);
    // Desktop windows are often not maximised; phones lose the browser's bars to the viewport.
    const desktop = family.deviceType === 'Desktop';
    const maximised = !desktop || random.nextFloat() < 0.6;
    const viewportWidth = maximised
      ? width - (desktop ? between(random, 0, 17) : 0)
      : between(random, 900, width);
    const viewportHeight = height - (desktop ? between(random, 70, 160) : between(random, 90, 200));
    const head: [string, string][] = [['$os', json(family.os)]];
    if (versions.os !== '') head.push(['$os_version', json(versions.os)]);
    head.push(['$browser', json(family.browser)]);
    if (family.device !== null) head.push(['$device', json(family.device)]);
    head.push(
      ['$device_type', json(family.deviceType)],
      ['$timezone', json(zone)],
      ['$timezone_offset', json(offset)],
    );
    const tail: [string, string][] = [
      ['$raw_user_agent', json(family.userAgent(versions.os, versions.browser, random))],
      ['$browser_version', json(versions.browser)],
      ['$browser_language', json(language)],
      ['$browser_language_prefix', json(language.split('-')[0])],
      ['$screen_height', json(height)],
      ['$screen_width', json(width)],
      ['$viewport_height', json(viewportHeight)],
      ['$viewport_width', json(viewportWidth)],
    ];
    profiles.push({ head, tail });
  }
  return profiles;
}
