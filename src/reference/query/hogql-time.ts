// Time literals in, time cells out. The store keeps integer Unix milliseconds; HogQL compares
// DateTime64(6) columns with strings and toDateTime('…'), and PostHog's API renders datetimes as
// Django REST framework does: Python's isoformat() in UTC with `+00:00` replaced by `Z`
// ("2026-01-02T03:04:05.678000Z", "2026-01-02T03:04:05Z" when the fraction is zero).

import { queryError } from './hogql-error.js';

// YYYY-MM-DD, then optionally [T or space]HH:MM[:SS[.fraction]], then optionally Z or an offset.
const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch, with microseconds kept as a fraction (a µs-precise bound must
 * not round a millisecond row to the wrong side). A time without a zone is UTC, as in a project
 * whose timezone is UTC (the reference target's only timezone).
 */
export function parseHogQLTime(text: string, position: number | null = null): number {
  const match = TIME_PATTERN.exec(text.trim());
  const invalid = (): Error =>
    queryError(
      `Cannot parse '${text.length > 64 ? text.slice(0, 64) + '…' : text}' as a time: ` +
        "use ISO 8601 ('2026-01-02T03:04:05.678Z') or 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC)",
      position,
    );
  if (match === null) throw invalid();
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // DateTime64's range in ClickHouse; it also keeps Date.UTC away from its two-digit-year rule.
  if (
    year < 1900 ||
    year > 2299 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw invalid();
  }
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + micros / 1000;
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** A time cell as PostHog's API renders it (see the file comment). */
export function formatHogQLTime(ms: number): string {
  // Whole microseconds first, so a fraction that rounds up carries into the second.
  const totalMicros = Math.round(ms * 1000);
  const seconds = Math.floor(totalMicros / 1_000_000);
  const micros = totalMicros - seconds * 1_000_000;
  const text = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micros === 0 ? `${text}Z` : `${text}.${String(micros).padStart(6, '0')}Z`;
}
