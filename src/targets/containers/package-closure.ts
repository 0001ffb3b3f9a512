// Which installed packages the reference target needs at run time, and where they sit. The
// container image carries only these: ingestbench's production dependencies and theirs, found the
// way Node finds them (the nearest node_modules up the tree), minus the packages that only the
// harness side uses (testcontainers and its Docker clients). Optional dependencies that are not
// installed (better-sqlite3 13 on Node 20, for example) are skipped, as Node would.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Packages the target process never loads; leaving them out keeps the image small. */
export const HARNESS_ONLY_PACKAGES: ReadonlySet<string> = new Set(['testcontainers']);

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute directory, as Node resolves it (symlinks not followed). */
  readonly dir: string;
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then the same from each parent directory. */
export function findInstalled(name: string, fromDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The run-time dependency closure of the package in `rootDir`, in a stable order. */
export function packageClosure(rootDir: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (fromDir: string, manifest: Manifest, skip: ReadonlySet<string>): void => {
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      if (skip.has(name)) continue;
      const dir = findInstalled(name, fromDir);
      if (dir === null) {
        if (optional.includes(name)) continue;
        throw new Error(`${name} (a dependency of ${manifest.name ?? fromDir}) is not installed`);
      }
      if (found.has(dir)) continue;
      const child = readManifest(dir);
      found.set(dir, { name, version: child.version ?? '0.0.0', dir });
      visit(dir, child, new Set());
    }
  };
  visit(rootDir, readManifest(rootDir), HARNESS_ONLY_PACKAGES);
  return [...found.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/**
 * The directory the image's /app stands for: the deepest common ancestor of the package and of
 * every node_modules folder its dependencies were found in (the project root, or a consumer's).
 */
export function closureBase(rootDir: string, packages: readonly InstalledPackage[]): string {
  let base = rootDir;
  for (const p of packages) {
    const modules = p.dir.slice(0, p.dir.lastIndexOf(`${sep}node_modules${sep}`));
    while (!isInside(modules, base)) base = dirname(base);
  }
  return base;
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

/** Packages without those already inside another one's folder (copied with their parent). */
export function outermostPackages(packages: readonly InstalledPackage[]): InstalledPackage[] {
  return packages.filter((p) => !packages.some((q) => q !== p && isInside(p.dir, q.dir)));
}
