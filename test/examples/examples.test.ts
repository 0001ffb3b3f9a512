// The shipped CI and Kubernetes examples parse as YAML and are wired as their READMEs say: the
// Indexed Job's completion index is the shard (k → k+1 of n, n = completions), every shard gets
// the same --run-id, a merge step reads exactly those shards, and every ingestbench flag they use
// exists in the command table (so a renamed flag breaks this test, not someone's nightly job).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { findCommand } from '../../src/cli/command-table.js';
import { createIngestionMetrics } from '../../src/monitor/ingestion-metrics.js';

const root = new URL('../../../', import.meta.url);
const yamlAt = async (path: string): Promise<unknown> =>
  parse(await readFile(new URL(path, root), 'utf8')) as unknown;

/** Every `ingestbench <command> …` (or `node dist/src/cli/bin.js <command> …`) in a script. */
function invocations(script: string): { command: string; flags: string[]; text: string }[] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const out: { command: string; flags: string[]; text: string }[] = [];
  for (const m of joined.matchAll(
    /(?:ingestbench|bin\.js) (run|merge|compare|serve|validate|monitor)\b([^\n|]*)/g,
  )) {
    out.push({ command: m[1]!, flags: [...m[2]!.matchAll(/--([a-z-]+)/g)].map((f) => f[1]!), text: m[0] });
  }
  return out;
}

function checkFlags(script: string): void {
  for (const call of invocations(script)) {
    const spec = findCommand(call.command);
    assert.ok(spec, call.command);
    for (const flag of call.flags) {
      assert.ok(
        spec.options.some((o) => o.name === flag),
        `ingestbench ${call.command} has --${flag} (${call.text})`,
      );
    }
  }
}

interface Container {
  args?: string[];
  env?: { name: string }[];
}
interface JobYaml {
  kind: string;
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
    template: { spec: { containers: Container[]; restartPolicy: string } };
  };
}

describe('examples/k8s', () => {
  it('runs one shard per completion index and merges exactly those shards', async () => {
    const job = (await yamlAt('examples/k8s/shards-job.yaml')) as JobYaml;
    assert.equal(job.kind, 'Job');
    assert.equal(job.spec.completionMode, 'Indexed');
    const n = job.spec.completions!;
    assert.equal(job.spec.parallelism, n);
    assert.equal(job.spec.backoffLimit, 0, 'a retried shard would resend its events');
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    const script = job.spec.template.spec.containers[0]!.args!.join('\n');
    const [run] = invocations(script);
    assert.equal(run?.command, 'run');
    assert.ok(run.text.includes(`--shard "$((JOB_COMPLETION_INDEX + 1))/${n}"`), run.text);
    assert.match(run.text, /--run-id "\$RUN_ID"/);
    assert.match(script, /\|\| \[ "\$\?" -eq 1 \]/, 'a shard tolerates only its own SLA verdict');
    checkFlags(script);

    const merge = (await yamlAt('examples/k8s/merge-job.yaml')) as JobYaml;
    const mergeScript = merge.spec.template.spec.containers[0]!.args!.join('\n');
    const [call] = invocations(mergeScript);
    assert.equal(call?.command, 'merge');
    assert.ok(call.text.includes(`"$RUN_ID"-shard-*-of-${n}`), call.text);
    checkFlags(mergeScript);
    const pvc = (await yamlAt('examples/k8s/reports-pvc.yaml')) as {
      kind: string;
      spec: { accessModes: string[] };
    };
    assert.equal(pvc.kind, 'PersistentVolumeClaim');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  });
});

interface Workflow {
  env?: Record<string, string | number>;
  jobs: Record<
    string,
    {
      needs?: string | string[];
      if?: string;
      strategy?: { matrix: { shard?: number[]; node?: number[] }; 'fail-fast'?: boolean };
      steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
    }
  >;
}

describe('examples/github-actions', () => {
  it('runs a shard per matrix entry and a merge job after all of them', async () => {
    const wf = (await yamlAt('examples/github-actions/sharded-benchmark.yml')) as Workflow;
    const shards = wf.jobs['shard']!;
    const list = shards.strategy!.matrix.shard!;
    assert.deepEqual(
      list,
      Array.from({ length: list.length }, (_, i) => i + 1),
    );
    assert.equal(wf.env?.['SHARDS'], list.length);
    assert.equal(shards.strategy!['fail-fast'], false);
    const script = shards.steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');
    const run = invocations(script).find((c) => c.command === 'run');
    assert.ok(run);
    assert.ok(run.text.includes('--shard "${{ matrix.shard }}/${SHARDS}"'), run?.text);
    assert.ok(run.text.includes('--run-id "$RUN_ID"'));
    assert.ok(shards.steps.some((s) => s.uses?.startsWith('actions/upload-artifact')));
    checkFlags(script);

    const merge = wf.jobs['merge']!;
    assert.equal(merge.needs, 'shard');
    assert.equal(merge.if, 'always()');
    const download = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact'));
    assert.equal(download?.with?.['merge-multiple'], true);
    const mergeScript = merge.steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');
    const commands = invocations(mergeScript).map((c) => c.command);
    assert.deepEqual(commands, ['merge', 'compare']);
    assert.ok(mergeScript.includes(`merge ${String(download?.with?.['path'])}`), 'merges what it downloaded');
    checkFlags(mergeScript);
  });
});

describe('.github/workflows/ci.yml', () => {
  it('runs .ci/run on every supported Node', async () => {
    const wf = (await yamlAt('.github/workflows/ci.yml')) as Workflow;
    const test = wf.jobs['test']!;
    assert.deepEqual(test.strategy?.matrix.node, [20, 22, 24]);
    assert.ok(test.steps.some((s) => s.run === 'bash .ci/run'));
  });
});

describe('examples/monitor', () => {
  /** Every metric name the monitor serves (with the histogram's series suffixes). */
  async function servedNames(): Promise<Set<string>> {
    const metrics = createIngestionMetrics(30, {
      resolutionSeconds: () => 15,
      oldestUnseenAgeSeconds: () => 0,
      slaOk: () => 1,
      lastPollSeconds: () => 0,
    });
    metrics.visible('anonymous', 1000);
    const text = await metrics.render();
    return new Set([...text.matchAll(/^(ingestbench_[a-z_]+)[{ ]/gm)].map((m) => m[1]!));
  }
  const namesIn = (text: string): string[] => [
    ...new Set([...text.matchAll(/\bingestbench_[a-z_]+/g)].map((m) => m[0])),
  ];

  it('alerts and dashboard read only metrics the monitor serves', async () => {
    const served = await servedNames();
    const alerts = (await yamlAt('examples/monitor/alerts.yml')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const rules = alerts.groups.flatMap((g) => g.rules);
    assert.ok(rules.length >= 4);
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of [
      'ingestbench_sla_ok',
      'ingestbench_oldest_unseen_event_age_seconds',
      'ingestbench_events_lost_total',
    ])
      assert.ok(exprs.includes(metric), `an alert reads ${metric}`);
    const dashboard = await readFile(new URL('examples/monitor/grafana-dashboard.json', root), 'utf8');
    const panels = (JSON.parse(dashboard) as { panels: { targets: { expr: string }[] }[] }).panels;
    const dashExprs = panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const name of [...namesIn(exprs), ...namesIn(dashExprs)])
      assert.ok(served.has(name), `${name} is served by the monitor`);
    assert.ok(dashExprs.includes('ingestbench_visible_latency_seconds_bucket'));
    const prom = (await yamlAt('examples/monitor/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string }[];
    };
    assert.deepEqual(prom.rule_files, ['alerts.yml']);
    const job = prom.scrape_configs[0]!.job_name;
    assert.ok(exprs.includes(`job="${job}"`), 'the blind-monitor alert names the scrape job');
  });

  it('runs one monitor whose /metrics port the Service and ServiceMonitor scrape', async () => {
    const text = await readFile(new URL('examples/monitor/monitor-deployment.yaml', root), 'utf8');
    interface Labels {
      [name: string]: string;
    }
    interface MonitorContainer {
      args: string[];
      ports: { name: string; containerPort: number }[];
      livenessProbe: { httpGet: { path: string } };
    }
    interface Deployment {
      kind: 'Deployment';
      spec: {
        replicas: number;
        strategy: { type: string };
        selector: { matchLabels: Labels };
        template: { spec: { containers: MonitorContainer[] } };
      };
    }
    interface Service {
      kind: 'Service';
      metadata: { labels: Labels };
      spec: { selector: Labels; ports: { name: string; targetPort: string }[] };
    }
    interface ServiceMonitor {
      kind: 'ServiceMonitor';
      spec: { selector: { matchLabels: Labels }; endpoints: { port: string; path: string }[] };
    }
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string });
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Deployment', 'Service', 'ServiceMonitor'],
    );
    const [deployment, service, serviceMonitor] = docs as [Deployment, Service, ServiceMonitor];
    assert.equal(deployment.spec.replicas, 1, 'two monitors would spend the key budget twice');
    assert.equal(deployment.spec.strategy.type, 'Recreate');
    const container = deployment.spec.template.spec.containers[0]!;
    const script = container.args.join('\n');
    const [call] = invocations(script);
    assert.equal(call?.command, 'monitor');
    checkFlags(script);
    const port = Number(/--listen 0\.0\.0\.0:(\d+)/.exec(script)?.[1]);
    assert.equal(container.ports[0]!.containerPort, port);
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(service.spec.ports[0]!.targetPort, container.ports[0]!.name);
    assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
    assert.deepEqual(serviceMonitor.spec.selector.matchLabels, service.metadata.labels);
    assert.equal(serviceMonitor.spec.endpoints[0]!.port, service.spec.ports[0]!.name);
    assert.equal(serviceMonitor.spec.endpoints[0]!.path, '/metrics');
  });
});
