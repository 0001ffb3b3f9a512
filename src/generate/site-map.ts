// The pages a posthog-js profile's users visit and where they come from: a product's marketing
// site and its app, with paths, titles and referrers (search engines, social, newsletters with
// utm_* campaign parameters), each page pre-rendered as the JSON fragments posthog-js sends
// ($current_url, $host, $pathname, title; the $session_entry_* and $set_once forms).
// Popularity is skewed: a few pages (home, pricing, the dashboard) get most views, as on real sites.

import { faker } from '@faker-js/faker/locale/en';
import { hashSeed, Prng } from './prng.js';
import { WeightedPick, type Weighted } from './weighted-pick.js';

/** Distinct pages: enough that the paths in a batch of 100 are mostly different. */
export const SITE_PAGE_COUNT = 2048;

export interface SitePage {
  readonly url: string;
  readonly host: string;
  readonly pathname: string;
  readonly title: string;
}

export interface Referrer {
  /** posthog-js's `$referrer`: the referring URL or "$direct". */
  readonly referrer: string;
  /** `$referring_domain`: the referrer's host or "$direct". */
  readonly domain: string;
  /** utm_* parameters on the landing URL, [name, value]. */
  readonly campaign: readonly (readonly [string, string])[];
}

const BRANDS = [
  'hedgebox',
  'lumenly',
  'trackwise',
  'orbitdesk',
  'pipewell',
  'northpass',
  'quillio',
  'sparkform',
];

const MARKETING_PAGES: Weighted<string> = [
  ['/', 30],
  ['/pricing', 10],
  ['/signup', 6],
  ['/login', 8],
  ['/features', 4],
  ['/about', 1],
  ['/careers', 1],
  ['/contact', 1],
];

const APP_SECTIONS = [
  'dashboard',
  'insights',
  'events',
  'persons',
  'replay',
  'settings',
  'experiments',
  'surveys',
];
const SETTINGS_TABS = ['project', 'team', 'billing', 'integrations', 'access', 'notifications'];

const REFERRERS: Weighted<Referrer> = [
  [{ referrer: '$direct', domain: '$direct', campaign: [] }, 38],
  [{ referrer: 'https://www.google.com/', domain: 'www.google.com', campaign: [] }, 26],
  [
    {
      referrer: 'https://www.google.com/',
      domain: 'www.google.com',
      campaign: [
        ['utm_source', 'google'],
        ['utm_medium', 'cpc'],
        ['utm_campaign', 'brand-search'],
      ],
    },
    4,
  ],
  [
    {
      referrer: '$direct',
      domain: '$direct',
      campaign: [
        ['utm_source', 'newsletter'],
        ['utm_medium', 'email'],
        ['utm_campaign', 'product-update'],
      ],
    },
    4,
  ],
  [{ referrer: 'https://www.bing.com/', domain: 'www.bing.com', campaign: [] }, 3],
  [{ referrer: 'https://duckduckgo.com/', domain: 'duckduckgo.com', campaign: [] }, 3],
  [{ referrer: 'https://www.linkedin.com/', domain: 'www.linkedin.com', campaign: [] }, 3],
  [{ referrer: 'https://github.com/', domain: 'github.com', campaign: [] }, 3],
  [{ referrer: 'https://chatgpt.com/', domain: 'chatgpt.com', campaign: [] }, 3],
  [{ referrer: 'https://t.co/', domain: 't.co', campaign: [] }, 2],
  [{ referrer: 'https://news.ycombinator.com/', domain: 'news.ycombinator.com', campaign: [] }, 2],
  [{ referrer: 'https://www.reddit.com/', domain: 'www.reddit.com', campaign: [] }, 2],
  [
    {
      referrer: 'https://www.youtube.com/',
      domain: 'www.youtube.com',
      campaign: [
        ['utm_source', 'youtube'],
        ['utm_medium', 'video'],
      ],
    },
    1,
  ],
  [{ referrer: 'https://www.producthunt.com/', domain: 'www.producthunt.com', campaign: [] }, 1],
];

export class SiteMap {
  readonly pages: readonly SitePage[];
  readonly referrers: readonly Referrer[];
  private readonly referrerCumulative: Float64Array;

  constructor(seed: number, pageCount = SITE_PAGE_COUNT) {
    const random = new Prng(hashSeed(seed, 0x517e));
    const brand = BRANDS[random.nextInt(BRANDS.length)]!;
    const title = brand[0]!.toUpperCase() + brand.slice(1);
    const www = `www.${brand}.com`;
    const app = `app.${brand}.com`;
    const projects = Array.from({ length: 24 }, () => 1000 + random.nextInt(90_000));
    faker.seed(hashSeed(seed, 0x51ab));
    const marketing = new WeightedPick(MARKETING_PAGES);
    const pages: SitePage[] = [];
    const page = (host: string, pathname: string, name: string): SitePage => ({
      url: `https://${host}${pathname}`,
      host,
      pathname,
      title: `${name} | ${title}`,
    });
    // Order is popularity: the picker below favours low indexes.
    for (const [path] of MARKETING_PAGES)
      pages.push(page(www, path, path === '/' ? 'Home' : capitalise(path.slice(1))));
    while (pages.length < pageCount) {
      const kind = random.nextFloat();
      if (kind < 0.15) {
        const slug = faker.helpers.slugify(faker.company.catchPhrase()).toLowerCase();
        pages.push(page(www, `/blog/${slug}`, capitalise(slug.replaceAll('-', ' '))));
      } else if (kind < 0.3) {
        const section = faker.helpers.slugify(faker.hacker.noun()).toLowerCase();
        const slug = faker.helpers.slugify(`${faker.hacker.verb()} ${faker.hacker.noun()}`).toLowerCase();
        pages.push(page(www, `/docs/${section}/${slug}`, `${capitalise(slug.replaceAll('-', ' '))} - Docs`));
      } else if (kind < 0.33) {
        const path = marketing.pick(random);
        pages.push(
          page(
            www,
            `${path === '/' ? '' : path}/${faker.helpers.slugify(faker.commerce.department()).toLowerCase()}`,
            capitalise(path.slice(1) || 'Home'),
          ),
        );
      } else {
        const project = projects[Math.floor(projects.length * random.nextFloat() ** 2)]!;
        const section = APP_SECTIONS[Math.floor(APP_SECTIONS.length * random.nextFloat() ** 1.5)]!;
        const id =
          section === 'settings'
            ? SETTINGS_TABS[random.nextInt(SETTINGS_TABS.length)]!
            : section === 'persons' || section === 'replay'
              ? faker.string.uuid()
              : faker.string.alphanumeric({ length: 8, casing: 'mixed' });
        const label = section === 'dashboard' ? faker.commerce.productName() : capitalise(section);
        pages.push(page(app, `/project/${project}/${section}/${id}`, label));
      }
    }
    this.pages = pages;
    this.referrers = REFERRERS.map(([r]) => r);
    const total = REFERRERS.reduce((sum, [, w]) => sum + w, 0);
    let sum = 0;
    this.referrerCumulative = Float64Array.from(REFERRERS, ([, w]) => (sum += w / total));
  }

  /** A page index for a uniform 32-bit hash: skewed so low indexes (the popular pages) dominate. */
  pageIndex(hash: number): number {
    const u = hash / 4294967296;
    return Math.floor(this.pages.length * u * u * u);
  }

  /** A referrer index for a uniform 32-bit hash, by the weights above. */
  referrerIndex(hash: number): number {
    const u = hash / 4294967296;
    let i = 0;
    while (i < this.referrerCumulative.length - 1 && u >= this.referrerCumulative[i]!) i++;
    return i;
  }
}

/** "pricing" → "Pricing", for page titles and button labels. */
export function capitalise(text: string): string {
  return text === '' ? text : text[0]!.toUpperCase() + text.slice(1);
}
