// What an autocaptured click carries: `$event_type`, `$el_text` and `$elements_chain`, the clicked
// element and its ancestors in PostHog's elements-chain text form (`tag.class1.class2:attr__…`
// pairs, `nth-child`, `nth-of-type`, `text`, elements from the target up to <body>, joined by
// `;`), as posthog-js sends it (packages/browser/src/autocapture.ts, autocapture-utils.ts) and
// PostHog stores it in the events table's `elements_chain` column.
// A pool of chains is built once from the scenario seed; an event picks one.

import { faker } from '@faker-js/faker/locale/en';
import { hashSeed, Prng, type Random } from './prng.js';
import { capitalise } from './site-map.js';
import { WeightedPick } from './weighted-pick.js';
import { flatString } from './flat-string.js';

export const ELEMENT_CHAIN_COUNT = 1024;

export interface AutocaptureElement {
  /** `"$event_type":…,"$ce_version":1,"$el_text":…,"$elements_chain":…` (no leading comma). */
  readonly fragment: string;
}

const TARGETS = new WeightedPick<readonly [string, string]>([
  [['button', 'click'], 50],
  [['a', 'click'], 30],
  [['input', 'change'], 8],
  [['form', 'submit'], 7],
  [['span', 'click'], 5],
]);

const COMPONENTS = ['Button', 'NavLink', 'Card', 'Tab', 'MenuItem', 'Toggle', 'Chip', 'Row', 'Toolbar'];
const MODIFIERS = ['primary', 'secondary', 'small', 'large', 'active', 'ghost', 'danger', 'full-width'];
const UTILITY = [
  'flex',
  'items-center',
  'gap-2',
  'px-4',
  'py-2',
  'mt-4',
  'mb-2',
  'w-full',
  'h-full',
  'grid',
  'rounded',
  'text-sm',
  'font-medium',
  'justify-between',
  'overflow-hidden',
];
const CONTAINERS = ['div', 'div', 'div', 'section', 'main', 'nav', 'li', 'ul', 'header', 'aside'];

export function buildElementChains(seed: number, count = ELEMENT_CHAIN_COUNT): AutocaptureElement[] {
  const random = new Prng(hashSeed(seed, 0xe1e));
  faker.seed(hashSeed(seed, 0xe1f));
  const chains: AutocaptureElement[] = [];
  for (let i = 0; i < count; i++) {
    const [tag, eventType] = TARGETS.pick(random);
    const text = tag === 'input' || tag === 'form' ? '' : buttonText(random);
    const component = COMPONENTS[random.nextInt(COMPONENTS.length)]!;
    const classes = [component, `${component}--${MODIFIERS[random.nextInt(MODIFIERS.length)]!}`];
    if (random.nextFloat() < 0.5) classes.push(UTILITY[random.nextInt(UTILITY.length)]!);
    const attributes: string[] = [`attr__class="${classes.join(' ')}"`];
    if (tag === 'a') {
      const href = `/${faker.helpers.slugify(faker.hacker.noun()).toLowerCase()}`;
      attributes.push(`attr__href="${href}"`, `href="${href}"`);
    }
    if (tag === 'button') attributes.push('attr__type="button"');
    if (tag === 'input') attributes.push(`attr__name="${faker.database.column()}"`, 'attr__type="text"');
    const elements = [element(tag, classes, attributes, random, text)];
    const depth = 4 + random.nextInt(12);
    for (let d = 0; d < depth; d++) {
      const container = CONTAINERS[random.nextInt(CONTAINERS.length)]!;
      const containerClasses =
        random.nextFloat() < 0.2 ? [] : pickSome(UTILITY, 1 + random.nextInt(3), random);
      const attrs = containerClasses.length === 0 ? [] : [`attr__class="${containerClasses.join(' ')}"`];
      if (random.nextFloat() < 0.1)
        attrs.push(`attr__id="${faker.helpers.slugify(faker.hacker.noun()).toLowerCase()}"`);
      elements.push(element(container, containerClasses, attrs, random, ''));
    }
    elements.push('body:attr__theme="light"nth-child="2"nth-of-type="1"');
    const chain = elements.join(';');
    chains.push({
      // Flat once here: every autocapture event copies it (flat-string.ts).
      fragment: flatString(
        `"$event_type":"${eventType}","$ce_version":1${text === '' ? '' : `,"$el_text":${JSON.stringify(text)}`},"$elements_chain":${JSON.stringify(chain)}`,
      ),
    });
  }
  return chains;
}

function element(
  tag: string,
  classes: readonly string[],
  attributes: readonly string[],
  random: Random,
  text: string,
): string {
  const nthChild = 1 + random.nextInt(6);
  const nthOfType = 1 + random.nextInt(nthChild);
  const head = classes.length === 0 ? tag : `${tag}.${classes.join('.')}`;
  const textPart = text === '' ? '' : `text="${text.replaceAll('"', '')}"`;
  return `${head}:${attributes.join('')}nth-child="${nthChild}"nth-of-type="${nthOfType}"${textPart}`;
}

function buttonText(random: Random): string {
  switch (random.nextInt(5)) {
    case 0:
      return `${capitalise(faker.hacker.verb())} ${faker.hacker.noun()}`;
    case 1:
      return faker.commerce.productName();
    case 2:
      return capitalise(faker.word.verb());
    case 3:
      return `${capitalise(faker.word.verb())} ${faker.word.noun()}`;
    default:
      return faker.company.buzzPhrase().slice(0, 40);
  }
}

function pickSome(from: readonly string[], n: number, random: Random): string[] {
  const picked = new Set<string>();
  while (picked.size < n) picked.add(from[random.nextInt(from.length)]!);
  return [...picked];
}
