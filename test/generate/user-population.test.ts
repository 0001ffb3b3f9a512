import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserPopulation, UserState } from '../../src/generate/user-population.js';

const returningUsers = (p: UserPopulation): number[] => {
  const out: number[] = [];
  for (let k = 0; k < p.size; k++)
    if (p.stateOf(k) === (UserState.personProcessing | UserState.identifiedId)) out.push(p.userAt(k));
  return out;
};

describe('UserPopulation', () => {
  it('partitions users across workers: each user in exactly one worker', () => {
    const workers = [0, 1, 2].map(
      (w) => new UserPopulation({ seed: 1, populationSize: 10, returningShare: 0, runId: 'r1' }, w, 3),
    );
    assert.deepEqual(
      workers.map((w) => w.size),
      [4, 3, 3],
    );
    const all = workers.flatMap((w) => Array.from({ length: w.size }, (_, k) => w.userAt(k)));
    assert.deepEqual(
      all.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('starts the returning share identified, the same users whatever the worker count', () => {
    const one = new UserPopulation(
      { seed: 5, populationSize: 20_000, returningShare: 0.3, runId: 'r1' },
      0,
      1,
    );
    const returning = returningUsers(one);
    assert.ok(Math.abs(returning.length / 20_000 - 0.3) < 0.02, `${returning.length} returning`);
    const split = [0, 1].flatMap((w) =>
      returningUsers(
        new UserPopulation({ seed: 5, populationSize: 20_000, returningShare: 0.3, runId: 'r1' }, w, 2),
      ),
    );
    assert.deepEqual(
      split.sort((a, b) => a - b),
      returning,
    );
  });

  it('derives ids from the seed so scenarios do not share people', () => {
    const a = new UserPopulation({ seed: 1, populationSize: 1, returningShare: 0, runId: 'r1' }, 0, 1);
    const b = new UserPopulation({ seed: 2, populationSize: 1, returningShare: 0, runId: 'r1' }, 0, 1);
    assert.notEqual(a.anonymousId(0), b.anonymousId(0));
    assert.notEqual(a.anonymousId(0), a.identifiedId(0));
  });
});
