// Which way imports may run in src/, checked by `npm run lint` (depcruise src). The stages only
// look down: a small shared core sits below every stage, the reference target imports nothing of
// the harness, and nothing in src/ imports in a circle. test/lint/boundaries.test.ts adds an
// import that breaks a rule and sees the check fail.
//
// The core: src/core/ and three files at the root of src/ that were core before the directory
// existed and that most of the tree imports (errors.ts: 119 importers, clock.ts: 41,
// posthog-limits.ts: 8); they import nothing but each other and node:, so they count as core
// where they are rather than moving under every other branch's feet.
const CORE = '^src/(core/|errors[.]ts$|clock[.]ts$|posthog-limits[.]ts$)';

// The data-flow stages, lowest first: each may import the core and the stages before it, never one
// after it. A scenario is parsed (its SLA grammar too), events are generated from it and sent by
// the load; measure/ holds what the figures are made of (timelines, lag trend, cost, latency
// summaries over the load's ledger); observe/ polls and accounts each acknowledged event against
// the ledger with them; verdict/ judges the figures (a run's SLA, a capacity step) and report/
// writes them. The targets sit above observe/ (the preflight queries the target as observation does).
const STAGES = ['scenario', 'generate', 'load', 'measure', 'observe', 'targets', 'verdict', 'report'];

/** One rule per stage: nothing in it imports a stage after it. */
function stagesLookDown() {
  return STAGES.slice(0, -1).map((stage, i) => ({
    name: `${stage}-looks-down`,
    comment: `src/${stage}/ imports only the core and ${STAGES.slice(0, i).join(', ') || 'nothing else'}`,
    severity: 'error',
    from: { path: `^src/${stage}/` },
    to: { path: `^src/(${STAGES.slice(i + 1).join('|')})/` },
  }));
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // A circle has no bottom: neither side can be read, tested or moved without the other,
      // and ES modules in a circle see each other's bindings before they are initialised.
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: {
        circular: true,
      },
    },
    {
      // The reference target stands for PostHog: it must work and be read without the harness,
      // as PostHog does. What it needs from outside is the core; what it must treat specially
      // (the harness's probe, spared from faults) it is told by whoever starts it.
      name: 'reference-stays-in',
      severity: 'error',
      from: { path: '^src/reference/' },
      to: { path: '^src/', pathNot: ['^src/reference/', CORE] },
    },
    {
      // The core is below every stage: if it imported one, every stage would import that stage
      // and the layering would be gone.
      name: 'core-is-leaf',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/', pathNot: CORE },
    },
    {
      // The CLI is the top: it parses flags and prints, and the stages it calls must not reach back
      // up into it (only the library entry, src/index.ts, re-exports parts of it).
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', '^src/index[.]ts$'] },
      to: { path: '^src/cli/' },
    },
    ...stagesLookDown(),
    {
      // The stages of the data flow (scenario → generate → load → observe → measure → verdict, the
      // targets, the reference, http/) are what the orchestration puts together: a run, a
      // capacity search, the live view and the monitor, the CLI and the library entry. A stage
      // that imported one of those would depend on everything it is part of. (The core is held
      // lower still by core-is-leaf.)
      name: 'stages-below-orchestration',
      severity: 'error',
      from: {
        path: '^src/(scenario|generate|load|observe|measure|verdict|report|targets|reference|http)/',
      },
      to: {
        path: '^src/(run/|run-scenario[.]ts$|capacity/|live/|monitor/|cli/|index[.]ts$)',
      },
    },
  ],
  options: {
    // Only src/ is checked; packages and node: builtins are not followed.
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type that runs up a stage ties the stages as much as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
