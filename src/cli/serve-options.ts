// `ingestbench serve`'s flags: the table the CLI parses and prints help from. It lives in cli/ so
// that the reference target imports nothing from the CLI; serveOptionsToStart (reference/serve.ts)
// maps the parsed values to startReferenceTarget options.

import { UNKNOWN_TOKEN_MODES } from '../reference/capture/capture-admission.js';
import { FAULT_SPEC_HELP } from '../reference/pipeline/fault-spec.js';
import { QUERY_LIMIT_PROFILES } from '../reference/query/query-limits.js';
import { REFERENCE_DEFAULTS } from '../reference/start-reference-target.js';
import type { OptionSpec } from './command-spec.js';
export const SERVE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'host',
    kind: 'string',
    value: 'HOST',
    default: REFERENCE_DEFAULTS.host,
    help: 'interface to listen on',
  },
  {
    name: 'port',
    kind: 'integer',
    value: 'PORT',
    default: REFERENCE_DEFAULTS.port,
    help: 'port to listen on (0 picks a free one and prints it)',
  },
  {
    name: 'data',
    kind: 'string',
    value: 'DIR',
    default: REFERENCE_DEFAULTS.data,
    help: 'durable data directory (queue.db, store.db); acknowledged events survive kills and restarts',
    conflicts: ['memory'],
  },
  {
    name: 'memory',
    kind: 'boolean',
    default: false,
    help: 'keep data in a temporary directory, not fsynced and removed at exit (not durable)',
    conflicts: ['data'],
  },
  {
    name: 'token',
    kind: 'string',
    value: 'TOKEN',
    repeatable: true,
    default: REFERENCE_DEFAULTS.tokens[0],
    help: 'project token; repeat for more projects (ids --project, +1, … in order)',
  },
  {
    name: 'personal-key',
    kind: 'string',
    value: 'KEY',
    default: REFERENCE_DEFAULTS.personalKey,
    help: 'personal API key the query API accepts (Authorization: Bearer KEY)',
  },
  {
    name: 'project',
    kind: 'integer',
    value: 'ID',
    default: REFERENCE_DEFAULTS.firstProjectId,
    help: 'id of the first project',
  },
  {
    name: 'unknown-tokens',
    kind: 'choice',
    choices: UNKNOWN_TOKEN_MODES,
    default: REFERENCE_DEFAULTS.unknownTokens,
    help:
      "a well-formed token of no project: reject answers 401 at capture (PostHog's capture with token enforcement on); " +
      'accept answers 200 and ingestion drops the events (enforcement off or failing open)',
  },
  {
    name: 'person-processing-opt-out',
    kind: 'integer',
    value: 'PROJECT',
    repeatable: true,
    help: "project id that opted out of person processing (PostHog's person_processing_opt_out): its events are all processed personless and never force-upgraded; repeat for more",
  },
  { name: 'fault', kind: 'string', value: 'SPEC', help: `inject faults: ${FAULT_SPEC_HELP}` },
  {
    name: 'query-limits',
    kind: 'choice',
    choices: [...QUERY_LIMIT_PROFILES, 'legacy'],
    default: REFERENCE_DEFAULTS.serveQueryLimits,
    help:
      "the query API's limits, as PostHog's deployments set them: cloud (240/min and 2,400/hour per personal key, " +
      '3 concurrent per project held up to 30 s then 429, 10 s per query), cloud-legacy (HogQL 120/hour, no minute ' +
      'window, 60 s per query; `legacy` is its older name), self-hosted (no throttle, no concurrency cap, 60 s per ' +
      'query), custom or none (no limit but the --query-* flags given)',
  },
  {
    name: 'query-per-minute',
    kind: 'integer',
    value: 'N',
    min: 1,
    help: "override the profile's queries per minute per personal key",
  },
  {
    name: 'query-per-hour',
    kind: 'integer',
    value: 'N',
    min: 1,
    help: "override the profile's queries per hour per personal key",
  },
  {
    name: 'query-concurrency',
    kind: 'integer',
    value: 'N',
    min: 0,
    help: "override the profile's concurrent queries per project (a plan's API_QUERIES_CONCURRENCY); 0 holds every query 30 s, then 429, as for an organisation over its API-queries quota",
  },
  {
    name: 'query-time-limit',
    kind: 'duration',
    value: 'D',
    help: "override the profile's maximum query execution time (API_QUERIES_MAX_EXECUTION_TIME), e.g. 30s; longer queries are answered 504",
  },
];
