// UUIDv7 for generated events, with the run, worker and seq recoverable from the uuid so the
// poller maps any returned row straight to its ledger slot (no hash map, no lookup table).
//
// Layout (RFC 9562 v7): 48-bit unix ms | ver 7 | rand_a 12 bits | var 0b10 | rand_b 62 bits.
//   rand_a            = high 12 bits of the 24-bit run tag
//   rand_b[61..50]    = low 12 bits of the run tag
//   rand_b[49..40]    = worker (0..1023)
//   rand_b[39..0]     = seq within the worker (0..2^40-1)

import { createHash } from 'node:crypto';

export const MAX_WORKERS = 1024;
export const MAX_SEQ = 2 ** 40;

/** A 24-bit tag derived from the run id: rows of other runs are told apart without the properties. */
export function runTag(runId: string): number {
  return createHash('sha1').update(runId).digest().readUIntBE(0, 3);
}

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

export function encodeEventUuid(tag: number, worker: number, seq: number, unixMs: number): string {
  const ms = hex(Math.floor(unixMs), 12);
  const hi24 = hex((0b10 << 22) | ((tag & 0xfff) << 10) | worker, 6);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${hex(tag >>> 12, 3)}-${hi24.slice(0, 4)}-${hi24.slice(4)}${hex(seq, 10)}`;
}

export interface DecodedEventUuid {
  readonly worker: number;
  readonly seq: number;
  readonly unixMs: number;
}

/** The worker and seq of an event of this run, or null for any uuid this run did not generate. */
export function decodeEventUuid(uuid: string, tag: number): DecodedEventUuid | null {
  if (uuid.length !== 36 || uuid[14] !== '7') return null;
  const tagHi = parseInt(uuid.slice(15, 18), 16);
  const hi24 = parseInt(uuid.slice(19, 23) + uuid.slice(24, 26), 16);
  const seq = parseInt(uuid.slice(26, 36), 16);
  if (Number.isNaN(tagHi) || Number.isNaN(hi24) || Number.isNaN(seq)) return null;
  if (hi24 >>> 22 !== 0b10) return null;
  if (tagHi !== tag >>> 12 || ((hi24 >>> 10) & 0xfff) !== (tag & 0xfff)) return null;
  const unixMs = parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
  return { worker: hi24 & 0x3ff, seq, unixMs };
}

/**
 * The same uuids as encodeEventUuid, for the generator's hot path: the part fixed by run and
 * worker is built once, and the millisecond part is reused while consecutive events share a
 * millisecond (dozens do at high rates), so an event costs one hex conversion instead of four.
 */
export function createEventUuidEncoder(tag: number, worker: number): (seq: number, unixMs: number) => string {
  const hi24 = hex((0b10 << 22) | ((tag & 0xfff) << 10) | worker, 6);
  const fixed = `-7${hex(tag >>> 12, 3)}-${hi24.slice(0, 4)}-${hi24.slice(4)}`;
  let lastMs = -1;
  let msPart = '';
  return (seq, unixMs) => {
    const ms = Math.floor(unixMs);
    if (ms !== lastMs) {
      const h = hex(ms, 12);
      msPart = `${h.slice(0, 8)}-${h.slice(8, 12)}`;
      lastMs = ms;
    }
    return msPart + fixed + hex(seq, 10);
  };
}
