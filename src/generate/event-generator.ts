// One worker's event stream: which user does what (behaviours, weighted) and the event's JSON text.
//
// Two random streams keep the stream reproducible even when events are dropped unsent:
// - the worker's sequential PRNG picks the user and the behaviour (two draws per event), which
//   drive identity state and so each event's class; skip() advances it without rendering;
// - a stream keyed by seq draws property values, so rendering or skipping one event never
//   changes another.
// Same scenario, same plan, same seed → the same events apart from run id and times.
//
// `ingestbench_seq` is the global seq: worker seq × workers + worker. The schedule interleaves
// workers in exactly that order, so it counts every event of the run once, in intended-time order,
// and a reader maps it back to its ledger slot (worker = seq mod W, slot = ⌊seq / W⌋).
//
// Identity follows posthog-js: with person_profiles identified_only a user's events are
// personless ($process_person_profile: false, class anonymous) until identify, alias, set or
// group turns person processing on; with 'always' every event is identified.
//
// With population.anonymous_share (a stable class mix) the class is drawn first, with exactly
// that probability, so the mix does not drift with the rate: users are split for good into
// anonymous ones (only pageview and custom behaviours, never identified) and identified ones
// (identified from the start, every behaviour). That takes a third draw per event.
//
// With `session:` the sessions model (session-model.ts) decides whose event each arrival is, on
// the schedule's planned offsets, and the event carries `$session_id`/`$window_id`; a visit's
// last event is a `$pageleave` when the scenario says so. With `population.activity: zipf` users
// are drawn by rank (user-activity.ts). Either way the user draws stay in the sequential stream.
// Every advance counts the event against its user, for the skew figure (workloadTally).

import { IngestbenchError } from '../errors.js';
import type { Behaviour, BehaviourKind, Scenario } from '../scenario/scenario.js';
import { buildElementChains, type AutocaptureElement } from './element-chains.js';
import { createEventUuidEncoder } from './event-uuid.js';
import { flatString } from './flat-string.js';
import { compileSdkProperties } from './compile-sdk-properties.js';
import { hashSeed, hashString, KeyedRandom, Prng } from './prng.js';
import { GROUP_BITS, MAX_GROUP_BEHAVIOURS, UserPopulation, UserState } from './user-population.js';
import type { SdkEvent, SdkProperties } from './sdk-properties.js';
import { buildValuePools, renderProperties, renderProperty, type BehaviourPools } from './value-pools.js';
import type { SessionContext } from './session-context.js';
import { SessionModel } from './session-model.js';
import { rankSampler, type ActivityPool, type RankSampler } from './user-activity.js';

export interface EventGeneratorOptions {
  readonly runId: string;
  readonly runTag: number;
  readonly worker: number;
  readonly workers: number;
  /** The worker's seed from the plan. */
  readonly seed: number;
  /** Unix ms of the run's start (sessions: the time in session ids is start + offset). Default 0. */
  readonly startAtMs?: number;
  /**
   * Planned offset of this worker's event n, ms from the start (Schedule.offsetMs): the time the
   * sessions model runs on. Without it the model takes each event's intended time − startAtMs
   * (and a skipped event the last one seen), which is the same in timed runs but not full speed.
   */
  readonly offsetMs?: (n: number) => number;
}

/** What the generator produced, for the skew and sessions figures of the report. */
export interface WorkloadTally {
  /** Users this worker owns. */
  readonly users: number;
  /** Events generated or skipped. */
  readonly events: number;
  /** The largest per-user event counts, largest first (at most the `top` asked for). */
  readonly topCounts: readonly number[];
  /** Session ids started (0 without sessions). */
  readonly sessions: number;
  /** Visits (windows) opened. */
  readonly visits: number;
  /** The pools users are drawn from (one, or one per class under anonymous_share), for the prediction. */
  readonly pools: readonly ActivityPool[];
}

/** Behaviour index of a visit's closing `$pageleave` (no behaviour of the scenario). */
const PAGELEAVE = -1;

const EVENT_NAME: Readonly<Record<Exclude<BehaviourKind, 'custom'>, string>> = {
  pageview: '"$pageview"',
  autocapture: '"$autocapture"',
  identify: '"$identify"',
  alias: '"$create_alias"',
  set: '"$set"',
  group: '"$groupidentify"',
};

interface GroupType {
  readonly bit: number;
  readonly typeJson: string;
  readonly type: string;
  readonly count: number;
}

interface CompiledBehaviour {
  readonly kind: BehaviourKind;
  readonly pools: BehaviourPools;
  /** Pre-escaped event names (custom) or the one fixed name. */
  readonly names: readonly string[];
  /** group only. */
  readonly group: GroupType | null;
  /** The SDK profile's properties; null for sdk none. */
  readonly sdk: SdkProperties | null;
  /** autocapture only: the clicked elements to pick from. */
  readonly chains: readonly AutocaptureElement[] | null;
  /** Properties every event of the behaviour starts with, up to `ingestbench_seq`, per class. */
  readonly anonymousPrefix: string;
  readonly identifiedPrefix: string;
}

export class EventGenerator {
  /** Class of the event last generated or skipped: true when identified. */
  identified = false;

  private readonly users: UserPopulation;
  private readonly behaviours: readonly CompiledBehaviour[];
  /** Whose prefix and SDK a session's closing `$pageleave` takes: the first pageview behaviour's. */
  private readonly pageleaveBehaviour: CompiledBehaviour;
  private readonly cumulativeWeights: Float64Array;
  private readonly classMix: ClassMix | null;
  private readonly groupTypes: readonly GroupType[];
  private readonly structure: Prng;
  private readonly values: KeyedRandom;
  private readonly uuid: (seq: number, unixMs: number) => string;
  private readonly always: boolean;
  private readonly scenarioSeed: number;
  private readonly sampler: RankSampler | null;
  private readonly sessions: SessionModel | null;
  private readonly eventsByUser: Uint32Array;
  private advanced = 0;
  private lastOffsetMs = 0;
  // State of the last advance(), read by render() (fields, not an object per event).
  private userIndex = 0;
  private behaviourIndex = 0;
  private stateBefore = 0;
  private stateAfter = 0;
  private isoMs = -1;
  private iso = '';
  /** The event being assembled, reused by every event: see finish(). */
  private readonly parts: string[] = [];
  private readonly sdkEvent: SdkEvent = {
    user: 0,
    distinctId: '',
    intendedMs: 0,
    kind: 'pageview',
    isIdentified: false,
    personProcessing: false,
    personTurnedOn: false,
    session: null,
  };

  constructor(
    scenario: Scenario,
    private readonly options: EventGeneratorOptions,
  ) {
    if (scenario.behaviours.length === 0) throw invalid('behaviours', 'no behaviours: declare at least one');
    this.scenarioSeed = scenario.seed;
    this.users = new UserPopulation(
      {
        seed: scenario.seed,
        populationSize: scenario.population.size,
        returningShare: scenario.population.returningShare,
        runId: options.runId,
      },
      options.worker,
      options.workers,
    );
    if (this.users.size === 0) {
      throw invalid(
        'population.size',
        `worker ${options.worker} owns no users: population must be ≥ workers`,
      );
    }
    this.groupTypes = compileGroupTypes(scenario.behaviours);
    const pools = buildValuePools(scenario.behaviours, scenario.seed);
    const sdks = compileSdkProperties(scenario.behaviours, scenario.seed);
    const chains = scenario.behaviours.some((b) => b.kind === 'autocapture')
      ? buildElementChains(scenario.seed)
      : null;
    const runJson = JSON.stringify(options.runId);
    this.behaviours = scenario.behaviours.map((b, i) =>
      compileBehaviour(b, pools[i]!, this.groupTypes, sdks[i]!, chains, runJson),
    );
    this.pageleaveBehaviour = this.behaviours.find((b) => b.kind === 'pageview') ?? this.behaviours[0]!;
    this.cumulativeWeights = cumulative(scenario.behaviours.map((b) => b.weight));
    this.classMix =
      scenario.population.anonymousShare === undefined
        ? null
        : compileClassMix(scenario, this.users, options.worker);
    const activity = scenario.population.activity ?? { kind: 'uniform' };
    // Uniform without sessions keeps its direct draw (and so the events it always gave).
    this.sampler = activity.kind === 'zipf' ? rankSampler(activity, this.users.size, this.rankShift) : null;
    this.eventsByUser = new Uint32Array(this.users.size);
    this.sessions = scenario.session === undefined ? null : this.sessionModel(scenario, activity, options);
    this.structure = new Prng(options.seed);
    this.values = new KeyedRandom(hashSeed(options.seed, 0x7a1));
    this.uuid = createEventUuidEncoder(options.runTag, options.worker);
    this.always = scenario.personProfiles === 'always';
  }

  /** The zipf shift of this worker's ranks: its k-th user is population rank lanes·(k + shift). */
  private get rankShift(): number {
    return (this.options.worker + 1) / this.options.workers;
  }

  /** Users this worker owns. */
  get userCount(): number {
    return this.users.size;
  }

  /**
   * The JSON text of this worker's event `seq`, intended at `intendedMs` (unix ms). `session`
   * overrides the scenario's sessions model for this event (tests of the SDK profiles); without
   * either, SDK profiles derive a user's session from the time.
   */
  next(seq: number, intendedMs: number, session: SessionContext | null = null): string {
    this.lastOffsetMs = intendedMs - (this.options.startAtMs ?? 0);
    this.advance();
    return this.render(seq, intendedMs, session);
  }

  /** Advances past one event without rendering it (events dropped unsent); returns its class. */
  skip(): boolean {
    this.advance();
    return this.identified;
  }

  /** The session of the event last generated (null without sessions); valid until the next one. */
  sessionContext(): SessionContext | null {
    return this.sessions === null ? null : this.sessions.context();
  }

  /** Events per user so far, and the `top` largest counts. */
  workloadTally(top: number): WorkloadTally {
    // A typed copy sorts numerically in place: no array of boxed numbers for a large population.
    const sorted = this.eventsByUser.slice().sort();
    const topCounts = Array.from(sorted.subarray(Math.max(0, sorted.length - Math.max(0, top)))).reverse();
    return {
      users: this.users.size,
      events: this.advanced,
      topCounts,
      sessions: this.sessions?.sessionsStarted ?? 0,
      visits: this.sessions?.visitsOpened ?? 0,
      pools:
        this.classMix === null
          ? [{ share: 1, size: this.users.size, shift: this.rankShift }]
          : [
              {
                share: this.classMix.anonymousShare,
                size: this.classMix.anonymousUsers.length,
                shift: this.rankShift,
              },
              {
                share: 1 - this.classMix.anonymousShare,
                size: this.classMix.identifiedUsers.length,
                shift: this.rankShift,
              },
            ],
    };
  }

  private sessionModel(
    scenario: Scenario,
    activity: NonNullable<Scenario['population']['activity']>,
    options: EventGeneratorOptions,
  ): SessionModel {
    const mix = this.classMix;
    let pickUser: (random: Prng) => number;
    if (mix === null) {
      const sampler = rankSampler(activity, this.users.size, this.rankShift);
      pickUser = (random) => sampler.next(random);
    } else {
      // The class of a visit first, with the stable mix's probability, then a user of that class:
      // visits have one mean length whatever the class, so the event mix holds.
      const anonymous = rankSampler(activity, mix.anonymousUsers.length, this.rankShift);
      const identified = rankSampler(activity, mix.identifiedUsers.length, this.rankShift);
      pickUser = (random) =>
        random.nextFloat() < mix.anonymousShare
          ? mix.anonymousUsers[anonymous.next(random)]!
          : mix.identifiedUsers[identified.next(random)]!;
    }
    return new SessionModel(scenario.session!, {
      seed: hashSeed(scenario.seed, options.worker),
      worker: options.worker,
      startAtMs: options.startAtMs ?? 0,
      userCount: this.users.size,
      userAt: (k) => this.users.userAt(k),
      pickUser,
    });
  }

  private advance(): void {
    const n = this.advanced++;
    if (this.sessions !== null) {
      this.advanceSession(this.sessions, n);
      return;
    }
    if (this.classMix !== null) {
      this.advanceMixed(this.classMix);
      return;
    }
    const k =
      this.sampler === null ? this.structure.nextInt(this.users.size) : this.sampler.next(this.structure);
    this.apply(k, this.drawBehaviour(this.cumulativeWeights, null));
  }

  /** A behaviour index drawn by `weights` (indexes into `among`, or the behaviours themselves). */
  private drawBehaviour(weights: Float64Array, among: readonly number[] | null): number {
    const draw = this.structure.nextFloat();
    let i = 0;
    while (i < weights.length - 1 && draw >= weights[i]!) i++;
    return among === null ? i : among[i]!;
  }

  /** The user's next event in its visit; the visit's last may be a `$pageleave`. */
  private advanceSession(sessions: SessionModel, n: number): void {
    const offset = this.options.offsetMs ? this.options.offsetMs(n) : this.lastOffsetMs;
    const k = sessions.advance(offset, this.structure);
    if (sessions.pageleave) {
      this.eventsByUser[k] = this.eventsByUser[k]! + 1;
      const state = this.users.stateOf(k);
      this.userIndex = k;
      this.behaviourIndex = PAGELEAVE;
      this.stateBefore = state;
      this.stateAfter = state;
      this.identified = this.always || (state & UserState.personProcessing) !== 0;
      return;
    }
    const mix = this.classMix;
    // Under a stable class mix an anonymous user (no person processing, ever) sends only the
    // behaviours that keep it so; its kind was fixed before the run.
    const anonymous = mix !== null && (this.users.stateOf(k) & UserState.personProcessing) === 0;
    this.apply(
      k,
      anonymous
        ? this.drawBehaviour(mix.anonymousWeights, mix.anonymousBehaviours)
        : this.drawBehaviour(this.cumulativeWeights, null),
    );
  }

  /** Runs behaviour `b` of user `k` through the identity rules and records the event's state. */
  private apply(k: number, b: number): void {
    this.eventsByUser[k] = this.eventsByUser[k]! + 1;
    const behaviour = this.behaviours[b]!;
    const before = this.users.stateOf(k);
    let after = before;
    switch (behaviour.kind) {
      case 'identify':
      case 'alias':
        after |= UserState.personProcessing | UserState.identifiedId;
        break;
      case 'set':
        after |= UserState.personProcessing;
        break;
      case 'group':
        after |= UserState.personProcessing | behaviour.group!.bit;
        break;
      case 'pageview':
      case 'autocapture':
      case 'custom':
        break;
    }
    if (after !== before) this.users.mark(k, after);
    this.userIndex = k;
    this.behaviourIndex = b;
    this.stateBefore = before;
    this.stateAfter = after;
    this.identified = this.always || (after & UserState.personProcessing) !== 0;
  }

  /** Stable class mix: class first, then a user of that class, then one of its behaviours. */
  private advanceMixed(mix: ClassMix): void {
    const anonymous = this.structure.nextFloat() < mix.anonymousShare;
    const users = anonymous ? mix.anonymousUsers : mix.identifiedUsers;
    const sampler = anonymous ? mix.anonymousSampler : mix.identifiedSampler;
    const k = users[sampler === null ? this.structure.nextInt(users.length) : sampler.next(this.structure)]!;
    // Identified users of the mix start with person processing and an identified id, and
    // anonymous ones draw only pageview and custom: the identity rules change nothing but groups.
    this.apply(
      k,
      anonymous
        ? this.drawBehaviour(mix.anonymousWeights, mix.anonymousBehaviours)
        : this.drawBehaviour(this.cumulativeWeights, null),
    );
  }

  private render(seq: number, intendedMs: number, session: SessionContext | null): string {
    const user = this.users.userAt(this.userIndex);
    // identify and alias set identifiedId in apply(): their events go out under the identified id.
    const distinctId =
      (this.stateAfter & UserState.identifiedId) !== 0
        ? this.users.identifiedId(user)
        : this.users.anonymousId(user);
    const values = this.values;
    values.reset(seq);
    if (this.behaviourIndex === PAGELEAVE)
      return this.finish(seq, intendedMs, this.pageleaveBehaviour, '"$pageleave"', distinctId, '', session);
    const behaviour = this.behaviours[this.behaviourIndex]!;
    let name = behaviour.names[0]!;
    let extra = '';
    const props = renderProperties(behaviour.pools.properties, values);
    switch (behaviour.kind) {
      case 'pageview': {
        const url = behaviour.pools.currentUrl;
        const urlFragment = url === null ? '' : `,${renderProperty(url, values)}`;
        extra = `${urlFragment}${props === '' ? '' : ','}${props}`;
        break;
      }
      case 'autocapture':
        extra = `,${behaviour.chains![values.nextInt(behaviour.chains!.length)]!.fragment}${props === '' ? '' : ','}${props}`;
        break;
      case 'custom':
        name = behaviour.names[values.nextInt(behaviour.names.length)]!;
        extra = props === '' ? '' : `,${props}`;
        break;
      case 'identify':
        // Only the first identify merges the anonymous id; later ones just update the person.
        if ((this.stateBefore & UserState.identifiedId) === 0)
          extra = `,"$anon_distinct_id":"${this.users.anonymousId(user)}"`;
        extra += `,"$set":{${props}}`;
        break;
      case 'alias':
        // posthog-node's alias(): the identified id takes the anonymous id as an alias.
        extra = `,"alias":"${this.users.anonymousId(user)}"`;
        break;
      case 'set':
        extra = `,"$set":{${props}}`;
        break;
      case 'group': {
        const group = behaviour.group!;
        extra = `,"$group_type":${group.typeJson},"$group_key":"${this.groupKey(group, user)}","$group_set":{${props}}`;
        break;
      }
    }
    return this.finish(seq, intendedMs, behaviour, name, distinctId, extra, session);
  }

  /**
   * The event's JSON: harness properties, `extra`, then groups, the session and the SDK's
   * properties. The session ids are the SDK profile's to write where it has one (posthog-js
   * writes them with its session properties), else the sessions model's own two properties.
   *
   * Assembled as pieces in one reused array and joined once: the join writes flat text directly.
   * Built with `+` the event was a tree of about 40 pieces (a V8 cons string) that the batch's
   * join then walked slowly, and a third of the sender's CPU went there (flat-string.ts).
   */
  private finish(
    seq: number,
    intendedMs: number,
    behaviour: CompiledBehaviour,
    name: string,
    distinctId: string,
    extra: string,
    given: SessionContext | null,
  ): string {
    const user = this.users.userAt(this.userIndex);
    const ms = Math.floor(intendedMs);
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.iso = new Date(ms).toISOString();
    }
    const classPrefix = this.identified ? behaviour.identifiedPrefix : behaviour.anonymousPrefix;
    const globalSeq = seq * this.options.workers + this.options.worker;
    const parts = this.parts;
    parts.length = 0;
    parts.push(
      '{"uuid":"',
      this.uuid(seq, intendedMs),
      '","event":',
      name,
      ',"distinct_id":"',
      distinctId,
      '","timestamp":"',
      this.iso,
      '","properties":{',
      classPrefix,
      String(globalSeq),
      extra,
    );
    if ((this.stateAfter & GROUP_BITS) !== 0) parts.push(',"$groups":{', this.groupsOf(user), '}');
    const session = given ?? (this.sessions === null ? null : this.sessions.context());
    const sdk = behaviour.sdk;
    if (this.sessions !== null && given === null && (sdk === null || !sdk.writesSession))
      parts.push(',', this.sessions.propertiesJson);
    let setOnce = '';
    if (sdk !== null) {
      const e = this.sdkEvent;
      e.user = user;
      e.distinctId = distinctId;
      e.intendedMs = intendedMs;
      e.kind = behaviour.kind;
      e.isIdentified = (this.stateAfter & UserState.identifiedId) !== 0;
      e.personProcessing = this.identified;
      e.personTurnedOn = (this.stateAfter & ~this.stateBefore & UserState.personProcessing) !== 0;
      e.session = session;
      sdk.render(e, this.values, parts);
      setOnce = sdk.setOnce;
    }
    parts.push('}', setOnce, '}');
    return parts.join('');
  }

  /** A user's key in a group type: fixed per (seed, user, type), like a user's company. */
  private groupKey(group: GroupType, user: number): string {
    return `${group.type}-${hashSeed(this.scenarioSeed, user, hashString(group.type)) % group.count}`;
  }

  private groupsOf(user: number): string {
    let text = '';
    for (const group of this.groupTypes) {
      if ((this.stateAfter & group.bit) === 0) continue;
      text += `${text === '' ? '' : ','}${group.typeJson}:"${this.groupKey(group, user)}"`;
    }
    return text;
  }
}

interface ClassMix {
  readonly anonymousShare: number;
  /** This worker's user indexes (k) of each kind. */
  readonly anonymousUsers: Int32Array;
  readonly identifiedUsers: Int32Array;
  /** Indexes of the behaviours an anonymous user sends (pageview, custom), and their cumulative weights. */
  readonly anonymousBehaviours: readonly number[];
  readonly anonymousWeights: Float64Array;
  /** Zipf activity: a rank sampler per class list (null: uniform, a direct draw). */
  readonly anonymousSampler: RankSampler | null;
  readonly identifiedSampler: RankSampler | null;
}

/** Behaviours an anonymous-only user may send: anything else would identify it or need a person. */
const ANONYMOUS_KINDS: ReadonlySet<BehaviourKind> = new Set(['pageview', 'autocapture', 'custom']);

function compileClassMix(scenario: Scenario, users: UserPopulation, worker: number): ClassMix {
  const share = scenario.population.anonymousShare!;
  const anonymous: number[] = [];
  const identified: number[] = [];
  for (let k = 0; k < users.size; k++) {
    // The split depends on (seed, user) only, like everything else about a user.
    const isAnonymous = share >= 1 || hashSeed(scenario.seed, users.userAt(k), 0xa11) / 4294967296 < share;
    (isAnonymous ? anonymous : identified).push(k);
    // `returning` does not apply: a user's kind fixes its state for the whole run.
    users.reset(k, isAnonymous ? 0 : UserState.personProcessing | UserState.identifiedId);
  }
  const path = 'population.anonymous_share';
  if (share > 0 && anonymous.length === 0)
    throw invalid(path, `worker ${worker} owns no anonymous user: raise population.size`);
  if (share < 1 && identified.length === 0)
    throw invalid(path, `worker ${worker} owns no identified user: raise population.size`);
  const anonymousBehaviours = scenario.behaviours.flatMap((b, i) =>
    ANONYMOUS_KINDS.has(b.kind) && b.weight > 0 ? [i] : [],
  );
  if (share > 0 && anonymousBehaviours.length === 0) {
    throw invalid(path, 'anonymous events need a pageview or custom behaviour to draw from');
  }
  const activity = scenario.population.activity;
  const shift = (users.worker + 1) / users.workers;
  const samplerOf = (size: number): RankSampler | null =>
    activity?.kind === 'zipf' ? rankSampler(activity, size, shift) : null;
  return {
    anonymousSampler: samplerOf(anonymous.length),
    identifiedSampler: samplerOf(identified.length),
    anonymousShare: share,
    anonymousUsers: Int32Array.from(anonymous),
    identifiedUsers: Int32Array.from(identified),
    anonymousBehaviours,
    anonymousWeights:
      share > 0
        ? cumulative(anonymousBehaviours.map((i) => scenario.behaviours[i]!.weight))
        : new Float64Array(0),
  };
}

function compileGroupTypes(behaviours: readonly Behaviour[]): GroupType[] {
  const types: GroupType[] = [];
  for (const b of behaviours) {
    if (b.kind !== 'group') continue;
    if (b.groupType === null || b.groupType === '')
      throw invalid(`behaviours.${b.name}.group_type`, 'missing');
    if (!/^[A-Za-z0-9_.-]+$/.test(b.groupType)) {
      throw invalid(`behaviours.${b.name}.group_type`, `"${b.groupType}" must be letters, digits, _ . or -`);
    }
    if (!(b.groupCount >= 1)) throw invalid(`behaviours.${b.name}.group_count`, 'must be at least 1');
    if (types.some((t) => t.type === b.groupType)) continue;
    if (types.length === MAX_GROUP_BEHAVIOURS) {
      throw invalid(
        `behaviours.${b.name}.group_type`,
        `at most ${MAX_GROUP_BEHAVIOURS} group types are supported`,
      );
    }
    types.push({
      bit: UserPopulation.groupBit(types.length),
      type: b.groupType,
      typeJson: JSON.stringify(b.groupType),
      count: Math.floor(b.groupCount),
    });
  }
  return types;
}

function compileBehaviour(
  b: Behaviour,
  pools: BehaviourPools,
  groupTypes: readonly GroupType[],
  sdk: SdkProperties | null,
  chains: readonly AutocaptureElement[] | null,
  runJson: string,
): CompiledBehaviour {
  const common = `"ingestbench_run":${runJson},${sdk?.lib ?? '"$lib":"ingestbench"'}`;
  // posthog-node leaves the flag out of identified events: capture then processes them with a person.
  const identifiedFlag = sdk === null || sdk.flagsIdentified ? ',"$process_person_profile":true' : '';
  const shared = {
    kind: b.kind,
    pools,
    sdk,
    chains: b.kind === 'autocapture' ? chains : null,
    anonymousPrefix: flatString(
      `${common},"ingestbench_class":"anonymous","$process_person_profile":false,"ingestbench_seq":`,
    ),
    identifiedPrefix: flatString(
      `${common},"ingestbench_class":"identified"${identifiedFlag},"ingestbench_seq":`,
    ),
  };
  if (b.kind === 'custom') {
    if (b.events.length === 0)
      throw invalid(`behaviours.${b.name}.events`, 'a custom behaviour needs event names');
    return { ...shared, names: b.events.map((e) => JSON.stringify(e)), group: null };
  }
  const group = b.kind === 'group' ? (groupTypes.find((t) => t.type === b.groupType) ?? null) : null;
  return { ...shared, names: [EVENT_NAME[b.kind]], group };
}

function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) throw invalid('behaviours', 'weights must add up to more than 0');
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w / total;
    out[i] = sum;
  });
  return out;
}

function invalid(path: string, what: string): IngestbenchError {
  return new IngestbenchError('SCENARIO_INVALID', `scenario ${path}: ${what}`);
}
