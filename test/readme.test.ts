// README.md is the newcomer's manual: every command, flag, environment variable and exit code the
// CLI has must be in it, so a flag added to the table without a word in the README fails here.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { COMMANDS } from '../src/cli/command-table.js';
import { EXIT_CODES } from '../src/errors.js';
import { POSTHOG_ENV } from '../src/targets/posthog-target.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('shows the two commands', () => {
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npm test/);
  });

  it('documents every command and every flag of the CLI table', () => {
    for (const command of COMMANDS) {
      assert.ok(readme.includes(`ingestbench ${command.name}`), `README shows "ingestbench ${command.name}"`);
      for (const option of command.options) {
        assert.ok(readme.includes(`--${option.name}`), `README documents ${command.name} --${option.name}`);
      }
    }
  });

  it('names every POSTHOG_* variable and every exit code', () => {
    for (const name of Object.keys(POSTHOG_ENV)) assert.ok(readme.includes(name), `README names ${name}`);
    for (const code of new Set(Object.values(EXIT_CODES))) {
      // Prettier pads table cells to align the columns.
      assert.match(readme, new RegExp(`^\\| ${code} +\\|`, 'm'), `README's exit code table has ${code}`);
    }
  });
});
