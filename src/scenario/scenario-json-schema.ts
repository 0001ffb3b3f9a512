// The scenario JSON Schema, generated from the zod schema so editors check exactly what `validate`
// checks (types, enums, ranges, unknown fields, duration syntax). Cross-field rules (weights,
// unique names, SLA grammar, faker paths) are only in `ingestbench validate`.

import * as z from 'zod';
import { ScenarioSchema } from './scenario-schema.js';

/** Where scenario files find the schema (`# yaml-language-server: $schema=…`), relative to scenarios/. */
export const SCENARIO_SCHEMA_PATH = 'schema/scenario.schema.json';

export function scenarioJsonSchema(): object {
  // io 'input': the file as written, with defaults shown as defaults rather than required fields.
  return z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
