// UUIDv7-shaped ids that the SDK profiles derive instead of store: a session id, a window id, a
// pageview id or a device id is a pure function of (its start time, a hash of what it belongs to),
// so every event of one user, session or page carries the same id without a table per user, and
// skipping an event (dropped, never rendered) changes no other event's ids.
//
// Layout as posthog-js's uuidv7(): 48-bit unix ms | ver 7 | 12 random bits | var 0b10 | 62 random
// bits (RFC 9562). The random bits come from two 32-bit hashes.

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(value: number): string {
  return (
    HEX[(value >>> 24) & 0xff]! +
    HEX[(value >>> 16) & 0xff]! +
    HEX[(value >>> 8) & 0xff]! +
    HEX[value & 0xff]!
  );
}

/** `unixMs` the id's time, `a` and `b` any two 32-bit hashes of what the id names. */
export function derivedUuidV7(unixMs: number, a: number, b: number): string {
  const ms = Math.max(0, Math.floor(unixMs));
  const high = Math.floor(ms / 65536); // the first 32 of the 48 time bits
  const low = ms % 65536;
  const randA = (0x7000 | (a >>> 20)) >>> 0; // ver 7 + 12 bits
  const varPart = (0x8000 | ((a >>> 6) & 0x3fff)) >>> 0; // var 0b10 + 14 bits
  const tail = hex8(b);
  return `${hex8(high)}-${HEX[low >>> 8]!}${HEX[low & 0xff]!}-${HEX[randA >>> 8]!}${HEX[randA & 0xff]!}-${HEX[varPart >>> 8]!}${HEX[varPart & 0xff]!}-${HEX[a & 0x3f]!}${HEX[(a >>> 26) & 0x3f]!}${tail}`;
}
