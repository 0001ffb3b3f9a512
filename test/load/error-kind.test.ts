import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorKind, httpErrorKind } from '../../src/load/error-kind.js';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('errorKind', () => {
  it('folds timeouts and resets into one name each and keeps other codes', () => {
    assert.equal(errorKind(withCode('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
    assert.equal(errorKind(withCode('UND_ERR_CONNECT_TIMEOUT')), 'timeout');
    assert.equal(errorKind(withCode('UND_ERR_SOCKET')), 'ECONNRESET');
    assert.equal(errorKind(withCode('ECONNREFUSED')), 'ECONNREFUSED');
    assert.equal(errorKind(new AggregateError([withCode('ECONNREFUSED')])), 'ECONNREFUSED');
    assert.equal(errorKind(new Error('x', { cause: withCode('ECONNRESET') })), 'ECONNRESET');
    assert.equal(errorKind(new Error('no code')), 'network_error');
    assert.equal(httpErrorKind(429), 'http_429');
  });
});
