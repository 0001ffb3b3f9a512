import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakerPathProblem, fakerPaths } from '../../src/scenario/faker-path.js';

describe('fakerPathProblem', () => {
  it('accepts value methods that need no arguments', () => {
    for (const path of [
      'internet.url',
      'internet.email',
      'person.fullName',
      'commerce.productName',
      'number.int',
      'datatype.boolean',
      'date.past',
    ]) {
      assert.equal(fakerPathProblem(path), undefined, path);
    }
  });

  it('names unknown methods with the closest real one', () => {
    assert.match(
      fakerPathProblem('internet.urll') ?? '',
      /unknown faker method "internet.urll" \(did you mean "internet.url"\?\)/,
    );
    assert.match(fakerPathProblem('interent.email') ?? '', /did you mean "internet.email"/);
    assert.match(fakerPathProblem('url') ?? '', /the form is module\.method/);
  });

  it('refuses methods that need arguments or return structures', () => {
    assert.match(fakerPathProblem('helpers.arrayElement') ?? '', /needs arguments/);
    assert.match(fakerPathProblem('location.nearbyGPSCoordinate') ?? '', /returns an array/);
  });

  it('lists module.method paths without faker internals', () => {
    const paths = fakerPaths();
    assert.ok(paths.includes('internet.url'));
    assert.ok(!paths.some((p) => p.startsWith('fakerCore.') || p.startsWith('rawDefinitions.')));
  });
});
