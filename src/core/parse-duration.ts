// Durations as people write them in scenario files, CLI flags and SLA thresholds: "250ms", "30s",
// "5m", "1h", "1m30s", "1.5s". One parser so every place accepts the same forms.

import { IngestbenchError } from '../errors.js';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest first: a compound duration lists its units in this order, each at most once. */
const UNIT_ORDER: readonly Unit[] = ['h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

export const DURATION_EXAMPLES = '250ms, 30s, 5m, 1h or 1m30s';
/** The accepted syntax as a regular expression, for the JSON Schema (editors check it as you type). */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(h|ms|m|s))+$';

/** Milliseconds in `text`, or a message saying what is wrong with it. Never throws. */
export function tryParseDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  const fail = (why: string) => ({
    ok: false as const,
    message: `bad duration "${text}": ${why}; write e.g. ${DURATION_EXAMPLES}`,
  });
  if (trimmed === '') return fail('it is empty');
  let ms = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (match === null) {
      const rest = trimmed.slice(start);
      return /^\d+(\.\d+)?$/.test(rest) ? fail(`"${rest}" has no unit`) : fail(`cannot read "${rest}"`);
    }
    const unit = match[2] as Unit;
    const order = UNIT_ORDER.indexOf(unit);
    if (order <= lastUnit) return fail(`units must go from largest to smallest, each once (h, m, s, ms)`);
    lastUnit = order;
    ms += Number(match[1]) * UNIT_MS[unit];
  }
  return { ok: true, ms };
}

/** Milliseconds in `text`; throws SCENARIO_INVALID naming the text when it is not a duration. */
export function parseDuration(text: string): number {
  const result = tryParseDuration(text);
  if (!result.ok) throw new IngestbenchError('SCENARIO_INVALID', result.message);
  return result.ms;
}
