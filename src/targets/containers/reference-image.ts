// The reference target's container image, named after a hash of what goes into it, so it is built
// once and reused until the code, the dependencies or the Node runtime change. Two ways to build:
// the repository's Dockerfile on a Node base image, when one is present or can be pulled; or,
// where no registry is reachable (air-gapped CI, sandboxes), `docker import` of a minimal root
// file system made from this machine: the node binary and the shared libraries it and the native
// addons load, ingestbench's dist/src and its run-time dependencies (see package-closure.ts).

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import type { ContainerRuntimeClient } from 'testcontainers';
import { IngestbenchError } from '../../errors.js';
import { closureBase, outermostPackages, packageClosure, type InstalledPackage } from './package-closure.js';

const debug = debuglog('ingestbench:containers');

export const IMAGE_REPOSITORY = 'ingestbench-reference';
/** The Dockerfile's base image, tagged after the running Node's major version. */
export const baseImageFor = (nodeVersion: string): string =>
  `node:${nodeVersion.replace(/^v/, '').split('.')[0]}-bookworm-slim`;
const PULL_TIMEOUT_MS = 60_000;

export interface ReferenceImage {
  readonly tag: string;
  /** How the image came to be: found by its hash, built from the Dockerfile, or imported. */
  readonly origin: 'cached' | 'dockerfile' | 'import';
}

/** dist/src/targets/containers/ → the package root. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ImageInputs {
  readonly rootDir: string;
  readonly base: string;
  readonly packages: readonly InstalledPackage[];
  readonly appFiles: readonly string[];
}

export function imageInputs(rootDir: string = PACKAGE_ROOT): ImageInputs {
  const packages = packageClosure(rootDir);
  const base = closureBase(rootDir, packages);
  const appFiles = [
    'package.json',
    'Dockerfile',
    ...listFiles(rootDir, 'dist/src', (f) => /\.(js|json)$/.test(f)),
  ];
  return { rootDir, base, packages, appFiles };
}

/** Content hash of everything the image holds; the same inputs give the same tag on any machine. */
export function imageHash(inputs: ImageInputs, nodeVersion: string = process.version): string {
  const hash = createHash('sha256');
  hash.update(`node ${nodeVersion} ${process.platform}-${process.arch}\n`);
  for (const file of inputs.appFiles) {
    hash.update(`file ${file}\n`);
    hash.update(readFileSync(join(inputs.rootDir, file)));
  }
  for (const p of inputs.packages) hash.update(`package ${relative(inputs.base, p.dir)}@${p.version}\n`);
  return hash.digest('hex').slice(0, 16);
}

export async function ensureReferenceImage(
  client: ContainerRuntimeClient,
  log: (line: string) => void,
  rootDir: string = PACKAGE_ROOT,
): Promise<ReferenceImage> {
  const { ImageName, GenericContainer } = await import('testcontainers');
  const inputs = imageInputs(rootDir);
  const tag = `${IMAGE_REPOSITORY}:${imageHash(inputs)}`;
  if (await client.image.exists(ImageName.fromString(tag))) return { tag, origin: 'cached' };

  const baseImage = baseImageFor(process.version);
  if (await baseImageAvailable(client, baseImage)) {
    log(`containers: building ${tag} from the Dockerfile on ${baseImage}…`);
    await GenericContainer.fromDockerfile(rootDir, 'Dockerfile')
      .withBuildArgs({ NODE_IMAGE: baseImage })
      .build(tag, { deleteOnExit: false });
    return { tag, origin: 'dockerfile' };
  }
  log(`containers: ${baseImage} cannot be pulled; importing ${tag} from this machine's Node runtime…`);
  await importMinimalImage(client, inputs, tag);
  return { tag, origin: 'import' };
}

async function baseImageAvailable(client: ContainerRuntimeClient, image: string): Promise<boolean> {
  const { ImageName } = await import('testcontainers');
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return true;
  try {
    await Promise.race([
      client.image.pull(name),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('pull timed out')), PULL_TIMEOUT_MS).unref(),
      ),
    ]);
    return true;
  } catch (error) {
    debug('pull of %s failed: %s', image, (error as Error).message);
    return false;
  }
}

/** Where node runs the CLI from inside the image (the import layout mirrors the local one). */
export function imageEntrypoint(inputs: ImageInputs): string[] {
  return ['/usr/local/bin/node', join('/app', relative(inputs.base, inputs.rootDir), 'dist/src/cli/bin.js')];
}

async function importMinimalImage(
  client: ContainerRuntimeClient,
  inputs: ImageInputs,
  tag: string,
): Promise<void> {
  const staging = mkdtempSync(join(tmpdir(), 'ingestbench-rootfs-'));
  try {
    stageRootFs(inputs, staging);
    const tar = spawn('tar', ['-C', staging, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, version] = tag.split(':') as [string, string];
    const entrypoint = JSON.stringify(imageEntrypoint(inputs));
    const progress = await client.container.dockerode.importImage(tar.stdout, {
      repo,
      tag: version,
      changes: [`ENTRYPOINT ${entrypoint}`, 'WORKDIR /app', 'ENV PATH=/usr/local/bin:/usr/bin:/bin'],
    });
    let answer = '';
    for await (const chunk of progress) answer += String(chunk);
    const failure = /"error"\s*:\s*"([^"]*)"/.exec(answer);
    if (failure) throw new Error(failure[1]);
  } catch (error) {
    throw new IngestbenchError(
      'INTERNAL',
      `could not import the reference image ${tag}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Copies node, its libraries, the app and its packages into `staging` (the image's /). */
export function stageRootFs(inputs: ImageInputs, staging: string): void {
  const app = join(staging, 'app');
  const rootInApp = join(app, relative(inputs.base, inputs.rootDir));
  for (const file of inputs.appFiles) copy(join(inputs.rootDir, file), join(rootInApp, file));
  for (const p of outermostPackages(inputs.packages)) copy(p.dir, join(app, relative(inputs.base, p.dir)));
  copy(process.execPath, join(staging, 'usr/local/bin/node'));
  const binaries = [
    process.execPath,
    ...listFiles(app, '.', (f) => f.endsWith('.node')).map((f) => join(app, f)),
  ];
  // An addon built for another platform (prebuilds/darwin-x64.node, …) makes ldd fail: skipped.
  const libraries = binaries.flatMap((b) => sharedLibraries(b, b === process.execPath));
  for (const library of new Set(libraries)) copy(library, join(staging, library));
  mkdirSync(join(staging, 'tmp'), { recursive: true });
  chmodSync(join(staging, 'tmp'), 0o1777);
}

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, dereference: true });
}

function sharedLibraries(binary: string, required: boolean): string[] {
  let text: string;
  try {
    text = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    if (!required) return [];
    throw new Error(`ldd ${binary} failed (${(error as Error).message}); the import needs glibc's ldd`, {
      cause: error,
    });
  }
  return parseLdd(text);
}

/** The absolute library paths in `ldd` output (the vDSO has none and is skipped). */
export function parseLdd(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const match = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1]) paths.push(match[1]);
  }
  return paths;
}

/** Files under `rootDir/dir`, relative to rootDir, sorted (so the hash does not depend on readdir). */
function listFiles(rootDir: string, dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(rootDir, rel), { withFileTypes: true })) {
      const child = rel === '.' ? entry.name : join(rel, entry.name);
      const full = join(rootDir, child);
      if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(full).isDirectory())) walk(child);
      else if (keep(child)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}
