// ingestbench as a library: `import { loadScenario, runScenario, … } from 'ingestbench'`.
// This file is the public API, chosen on purpose: what a program needs to run a scenario against a
// target and keep the report, plus the types those calls take and return. Everything else under
// dist/src is internal and may change in any release; the CLI is built from these same calls.

// Scenarios: a YAML file (or text) → a validated, resolved Scenario.
export {
  loadScenario,
  parseScenario,
  ScenarioInvalidError,
  type ScenarioOverrides,
  type ScenarioProblem,
} from './scenario/load-scenario.js';
export type {
  Scenario,
  EventClass,
  RatePhase,
  Behaviour,
  BehaviourKind,
  SdkName,
  PropertyGenerator,
  Population,
  Observation,
  SlaCheck,
  PersonProfiles,
  Compression,
  CaptureEndpoint,
  ReplaySpec,
  ReplayPace,
  ObservationLimits,
  ResolvedLimits,
} from './scenario/scenario.js';
export { scenarioJsonSchema } from './scenario/scenario-json-schema.js';
export { withTargetLimits, resolveLimits } from './scenario/deployment-limits.js';

// PostHog's query limits per deployment (cloud, cloud-legacy, self-hosted, custom).
export {
  POSTHOG_LIMITS,
  DEPLOYMENT_PROFILES,
  deploymentLimits,
  profileForHost,
  requestTimeoutFor,
  type DeploymentProfile,
  type DeploymentLimits,
} from './posthog-limits.js';

// Running: load, observe, drain, measure, judge → a Report.
export { runScenario, newRunId, type RunScenarioOptions, type RunProgress } from './run-scenario.js';
// Replay: the validating pass over a recorded events file, handed to runScenario({ replay }).
export { scanReplay, type ScannedReplay } from './load/scan-replay.js';
// One query budget per personal API key (PostHog throttles the key, not a run): make one and pass
// it as `queryBudget` to every runScenario / runCapacity that queries with that key in this process.
export { createKeyBudget, type KeyBudget, type KeyBudgetUsage } from './observe/key-budget.js';
export type { QueryLimits } from './observe/query-budget.js';

// Targets: where the events go. Every Target has stop(); call it when the run is over.
export type { Target, TargetEndpoints } from './targets/target.js';
export { startEmbeddedTarget, EMBEDDED_TOKEN, EMBEDDED_PERSONAL_KEY } from './targets/embedded-target.js';
export { posthogTargetFromEnv, POSTHOG_ENV } from './targets/posthog-target.js';
export { resolveTarget, type ContainerLimits } from './targets/resolve-target.js';
export {
  startContainersTarget,
  type ContainersTargetOptions,
} from './targets/containers/containers-target.js';

// The reference target itself (the pipeline `ingestbench serve` runs), in this process.
export {
  startReferenceTarget,
  REFERENCE_DEFAULTS,
  parseFaultSpec,
  formatFaultSpec,
  NO_FAULTS,
  type ReferenceTarget,
  type ReferenceTargetOptions,
  type FaultSpec,
} from './reference/index.js';

// Reports: the JSON contract and its renderings.
export { writeReport, REPORT_FILES } from './report/write-report.js';
export { renderMarkdown } from './report/render-markdown.js';
export { renderHtml } from './report/render-html.js';
export { renderJunit } from './report/render-junit.js';
export { renderSummary } from './report/render-summary.js';
export { REPORT_SCHEMA_VERSION, type Report } from './report/report-types.js';
export type { SlaResult, Verdict } from './verdict/evaluate-sla.js';

// Errors: one type with a stable code, and the exit code each maps to.
export { IngestbenchError, EXIT_CODES, exitCodeFor, type ErrorCode } from './errors.js';

// The CLI as a function (what `ingestbench …` runs), for wrappers that want its exact behaviour.
export { main } from './cli/main.js';
export type { CliIo } from './cli/cli-io.js';

// CI and past one machine: baselines, shards and merging shard reports.
export { compareReports, type Comparison } from './report/compare-reports.js';
export { renderComparison } from './report/render-comparison.js';
export { resolveRegressionLimits, type RegressionLimits } from './report/regression-limits.js';
export { readReport, parseReport } from './report/read-report.js';
export { mergeReports } from './report/merge-reports.js';
export { parseShard, shardRunId, type ShardSpec } from './load/shard-spec.js';

// Capacity: the highest rate each class sustains.
export { runCapacity, type CapacityOptions } from './capacity/run-capacity.js';

// Watching a run: the live hook's events, the dashboard server and the NDJSON timeline.
export type {
  LiveEvent,
  LiveListener,
  LiveSecond,
  LiveClassSecond,
  LiveSlaCheck,
  LiveStage,
  LiveQueryBudget,
  LiveMonitorStatus,
} from './live/live-event.js';
export { startDashboard, type Dashboard, type DashboardOptions } from './live/dashboard-server.js';
export { openTimelineOut, type TimelineOut } from './live/timeline-out.js';
// The monitor (issue 15): ingestion watched until stopped, and the same metrics for a run.
export { planMonitor, describeMonitorPlan, type MonitorPlan } from './monitor/plan-monitor.js';
export { runMonitor, type RunMonitorOptions, type MonitorSummary } from './monitor/run-monitor.js';
export { httpCapture, type CaptureSend } from './monitor/monitor-sender.js';
export { createIngestionMetrics, type IngestionMetrics } from './monitor/ingestion-metrics.js';
export { startMetricsServer, type MetricsServer } from './monitor/metrics-server.js';
export { createRunMetrics, type RunMetrics, type RunMetricsOptions } from './monitor/run-metrics.js';
export { planMonitorSla, type MonitorSla } from './monitor/monitor-sla.js';
