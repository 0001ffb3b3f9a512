// Maps a validation path such as ["phases", 1, "rate"] back to the YAML node it came from, so an
// error can say file:line:col. When the path goes past what the file has (a missing field), the
// nearest existing ancestor is reported instead: that is where the field has to be added.

import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface YamlLocation {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** The node at the full path, or undefined when the path stopped early. */
  readonly node: Node | undefined;
}

/**
 * Locate `path` in `doc`. With `key: true` and a path ending in a map key, point at the key itself
 * (for "unknown field" errors the key is what is wrong, not its value).
 */
export function locateYamlPath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  options: { key?: boolean } = {},
): YamlLocation {
  let current: unknown = doc.contents;
  let lastOffset = rangeStart(current) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    let next: unknown;
    if (isMap(current)) {
      const pair = current.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return at(lineCounter, lastOffset, undefined);
      next = last && options.key === true ? pair.key : (pair.value ?? pair.key);
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    } else {
      return at(lineCounter, lastOffset, undefined);
    }
    const offset = rangeStart(next);
    if (offset === undefined) return at(lineCounter, lastOffset, undefined);
    current = next;
    lastOffset = offset;
  }
  return at(lineCounter, lastOffset, current as Node);
}

/** Line and column of a byte offset, 1-based. */
export function linePosition(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(1, line), col: Math.max(1, col) };
}

function at(lineCounter: LineCounter, offset: number, node: Node | undefined): YamlLocation {
  return { ...linePosition(lineCounter, offset), node };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}
