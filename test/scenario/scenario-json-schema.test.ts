import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  SCENARIO_SCHEMA_PATH,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from '../../src/scenario/scenario-json-schema.js';
import { findRepoRoot } from '../../src/cli/write-json-schema.js';

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  additionalProperties?: boolean | JsonSchemaNode;
  definitions?: Record<string, JsonSchemaNode>;
  default?: unknown;
  pattern?: string;
}

/** Every property name anywhere in the schema. */
function propertyNames(node: JsonSchemaNode, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    into.add(name);
    propertyNames(child, into);
  }
  for (const child of [
    node.items,
    ...(node.oneOf ?? []),
    ...(node.anyOf ?? []),
    ...Object.values(node.definitions ?? {}),
  ]) {
    if (child !== undefined) propertyNames(child, into);
  }
  if (typeof node.additionalProperties === 'object') propertyNames(node.additionalProperties, into);
  return into;
}

describe('scenario JSON Schema', () => {
  it(`the committed ${SCENARIO_SCHEMA_PATH} is what scenarioJsonSchema() generates (run write-json-schema.js)`, async () => {
    const committed = await readFile(join(root, SCENARIO_SCHEMA_PATH), 'utf8');
    assert.equal(committed, scenarioJsonSchemaText());
  });

  it('is strict and carries the defaults and duration syntax editors need', () => {
    const schema = scenarioJsonSchema() as JsonSchemaNode;
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties?.['batch_size']?.default, 100);
    const observation = schema.properties?.['observation'];
    assert.equal(observation?.properties?.['poll_interval']?.default, '1s');
    const pattern = new RegExp(observation?.properties?.['drain_timeout']?.pattern ?? '^$');
    assert.ok(pattern.test('1m30s') && pattern.test('250ms') && !pattern.test('30'));
    const phaseKinds = schema.properties?.['phases']?.items?.oneOf?.length;
    assert.equal(phaseKinds, 3);
  });

  it('every field is documented in README.md', async () => {
    const docs = await readFile(join(root, 'README.md'), 'utf8');
    const missing = [...propertyNames(scenarioJsonSchema() as JsonSchemaNode)].filter(
      (name) => !docs.includes(`\`${name}\``),
    );
    assert.deepEqual(missing, []);
  });
});
