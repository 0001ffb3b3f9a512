// Test helper: Prometheus text exposition (format 0.0.4) checked line by line, stricter than the
// lenient parser the harness reads targets with (which skips what it cannot read): every line is a
// HELP, a TYPE, a sample or empty (the format ignores empty lines); every sample belongs to a family declared by a TYPE line before it
// (a histogram's as _bucket with an `le`, _sum or _count); every value is a number; a histogram's
// buckets are cumulative and end with +Inf equal to its _count.

import assert from 'node:assert/strict';

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${METRIC}) .*$`);
const TYPE = new RegExp(`^# TYPE (${METRIC}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/y;
const SAMPLE = new RegExp(`^(${METRIC})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);

export interface ExpositionSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Every sample of `text`, after asserting the whole text is valid exposition. */
export function parseExposition(text: string): ExpositionSample[] {
  assert.ok(text.endsWith('\n'), 'exposition ends with a newline');
  const types = new Map<string, string>();
  const samples: ExpositionSample[] = [];
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = TYPE.exec(line);
      if (type) {
        assert.ok(!types.has(type[1]!), `${where}: a second TYPE for ${type[1]}`);
        types.set(type[1]!, type[2]!);
      } else assert.match(line, HELP, where);
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `${where}: not a sample`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    if (labelText !== undefined && labelText !== '') {
      LABEL.lastIndex = 0;
      for (;;) {
        const pair = LABEL.exec(labelText);
        assert.ok(pair, `${where}: labels ${labelText}`);
        labels[pair[1]!] = pair[2]!;
        if (LABEL.lastIndex === labelText.length) break;
        assert.equal(labelText[LABEL.lastIndex], ',', `${where}: labels ${labelText}`);
        LABEL.lastIndex += 1;
      }
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    assert.ok(valueText === 'NaN' || !Number.isNaN(value), `${where}: value ${valueText}`);
    const family = familyOf(name, types);
    assert.ok(family, `${where}: no TYPE line declares ${name}`);
    if (types.get(family) === 'histogram' && name === `${family}_bucket`)
      assert.ok('le' in labels, `${where}: a bucket without le`);
    samples.push({ name, labels, value });
  }
  for (const [family, type] of types) if (type === 'histogram') checkHistogram(family, samples);
  return samples;
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name) && types.get(name) !== 'histogram') return name;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m && types.get(m[1]!) === 'histogram' ? m[1] : undefined;
}

/** Per label set (le aside): buckets rise with le, and +Inf equals _count. */
function checkHistogram(family: string, samples: readonly ExpositionSample[]): void {
  const key = (labels: Record<string, string>): string =>
    JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le'));
  const series = new Map<string, [number, number][]>();
  for (const s of samples)
    if (s.name === `${family}_bucket`) {
      const le = s.labels['le']!;
      const list = series.get(key(s.labels)) ?? [];
      list.push([le === '+Inf' ? Infinity : Number(le), s.value]);
      series.set(key(s.labels), list);
    }
  for (const [labels, buckets] of series) {
    buckets.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < buckets.length; i++)
      assert.ok(buckets[i]![1] >= buckets[i - 1]![1], `${family} ${labels}: buckets not cumulative`);
    assert.equal(buckets.at(-1)![0], Infinity, `${family} ${labels}: no +Inf bucket`);
    const count = samples.find((s) => s.name === `${family}_count` && key(s.labels) === labels);
    assert.equal(count?.value, buckets.at(-1)![1], `${family} ${labels}: +Inf bucket vs _count`);
  }
}
