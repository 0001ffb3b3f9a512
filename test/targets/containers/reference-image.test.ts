// The image's name is a hash of what goes into it (so a rebuild happens exactly when something
// changed), and the import path reads the shared libraries off `ldd`.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  baseImageFor,
  imageEntrypoint,
  imageHash,
  imageInputs,
  parseLdd,
} from '../../../src/targets/containers/reference-image.js';

let work: string;
let root: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-image-'));
  root = join(work, 'node_modules/ingestbench');
  mkdirSync(join(root, 'dist/src/cli'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'ingestbench', version: '0.1.0', dependencies: { yaml: '^2' } }),
  );
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(root, 'dist/src/cli/bin.js'), 'console.log(1)\n');
  writeFileSync(join(root, 'dist/src/cli/bin.js.map'), '{}');
  mkdirSync(join(work, 'node_modules/yaml'), { recursive: true });
  writeFileSync(
    join(work, 'node_modules/yaml/package.json'),
    JSON.stringify({ name: 'yaml', version: '2.9.1' }),
  );
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('imageInputs and imageHash', () => {
  it('list the app files the image runs (no source maps) and place the CLI as installed', () => {
    const inputs = imageInputs(root);
    assert.deepEqual(inputs.appFiles, ['package.json', 'Dockerfile', 'dist/src/cli/bin.js']);
    assert.equal(inputs.base, work);
    assert.deepEqual(imageEntrypoint(inputs), [
      '/usr/local/bin/node',
      '/app/node_modules/ingestbench/dist/src/cli/bin.js',
    ]);
  });

  it('is stable for the same inputs and changes with code, dependencies or Node', () => {
    const first = imageHash(imageInputs(root), 'v20.20.2');
    assert.match(first, /^[0-9a-f]{16}$/);
    assert.equal(imageHash(imageInputs(root), 'v20.20.2'), first);
    assert.notEqual(imageHash(imageInputs(root), 'v22.23.5'), first);

    writeFileSync(join(root, 'dist/src/cli/bin.js'), 'console.log(2)\n');
    const changedCode = imageHash(imageInputs(root), 'v20.20.2');
    assert.notEqual(changedCode, first);

    writeFileSync(
      join(work, 'node_modules/yaml/package.json'),
      JSON.stringify({ name: 'yaml', version: '2.9.2' }),
    );
    assert.notEqual(imageHash(imageInputs(root), 'v20.20.2'), changedCode);
  });
});

describe('parseLdd', () => {
  it('keeps every library path and the loader, skips the vDSO', () => {
    const text = [
      '\tlinux-vdso.so.1 (0x00007ffd1a5f2000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f1c2a000000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c29c1e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f1c2a47c000)',
      '',
    ].join('\n');
    assert.deepEqual(parseLdd(text), [
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });
});

describe('baseImageFor', () => {
  it('follows the running Node major version', () => {
    assert.equal(baseImageFor('v22.23.5'), 'node:22-bookworm-slim');
    assert.equal(baseImageFor('20.19.0'), 'node:20-bookworm-slim');
  });
});
