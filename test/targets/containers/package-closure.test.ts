// The image carries ingestbench's run-time packages found the way Node finds them: nested copies
// before hoisted ones, optional packages that are not installed skipped, harness-only packages
// (testcontainers) left out, and each folder copied once.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  closureBase,
  findInstalled,
  outermostPackages,
  packageClosure,
} from '../../../src/targets/containers/package-closure.js';

let work: string;

function pkg(dir: string, manifest: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-closure-'));
  // A consumer project: ingestbench installed under node_modules, its dependencies hoisted.
  const modules = join(work, 'node_modules');
  pkg(join(modules, 'ingestbench'), {
    name: 'ingestbench',
    version: '0.1.0',
    dependencies: { yaml: '^2', testcontainers: '^11', '@scope/zod': '^4' },
    optionalDependencies: { 'sqlite-a': '^12', 'sqlite-b': '^13' },
  });
  pkg(join(modules, 'yaml'), { name: 'yaml', version: '2.9.1', dependencies: { shared: '^1' } });
  pkg(join(modules, 'shared'), { name: 'shared', version: '1.0.0' });
  pkg(join(modules, '@scope/zod'), { name: '@scope/zod', version: '4.0.0', dependencies: { shared: '^2' } });
  pkg(join(modules, '@scope/zod/node_modules/shared'), { name: 'shared', version: '2.0.0' });
  pkg(join(modules, 'sqlite-a'), { name: 'sqlite-a', version: '12.11.1' });
  pkg(join(modules, 'testcontainers'), {
    name: 'testcontainers',
    version: '11.14.0',
    dependencies: { yaml: '^2' },
  });
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('packageClosure', () => {
  it('resolves nested before hoisted, skips absent optional and harness-only packages', () => {
    const root = join(work, 'node_modules/ingestbench');
    const closure = packageClosure(root);
    assert.deepEqual(
      closure.map((p) => `${p.name}@${p.version} ${p.dir.slice(work.length)}`),
      [
        '@scope/zod@4.0.0 /node_modules/@scope/zod',
        'shared@2.0.0 /node_modules/@scope/zod/node_modules/shared',
        'shared@1.0.0 /node_modules/shared',
        'sqlite-a@12.11.1 /node_modules/sqlite-a',
        'yaml@2.9.1 /node_modules/yaml',
      ],
    );
    assert.equal(closureBase(root, closure), work);
    assert.deepEqual(
      outermostPackages(closure).map((p) => p.dir.slice(work.length)),
      ['/node_modules/@scope/zod', '/node_modules/shared', '/node_modules/sqlite-a', '/node_modules/yaml'],
    );
  });

  it('names a required dependency that is not installed', () => {
    const root = join(work, 'broken');
    pkg(root, { name: 'broken', dependencies: { missing: '^1' } });
    assert.throws(() => packageClosure(root), /missing \(a dependency of broken\) is not installed/);
  });

  it('finds nothing above the file system root', () => {
    assert.equal(findInstalled('no-such-package-anywhere', work), null);
  });
});
