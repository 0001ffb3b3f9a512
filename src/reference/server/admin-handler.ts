// POST /admin/faults replaces the active faults with a spec (the `--fault` syntax, as the plain
// body or JSON {"spec": "…"}); GET /admin/faults shows them. The route table sends it those
// paths alone, from loopback peers alone.

import { IngestbenchError } from '../../errors.js';
import { json, type HttpRequest, type HttpResponse } from '../http-types.js';
import { formatFaultSpec, parseFaultSpec, type FaultSpec } from '../pipeline/fault-spec.js';

export interface AdminHandlerOptions {
  faults(): FaultSpec;
  setFaults(faults: FaultSpec): void;
}

export function createAdminHandler(options: AdminHandlerOptions): (request: HttpRequest) => HttpResponse {
  const current = (): HttpResponse => {
    const faults = options.faults();
    return json(200, { spec: formatFaultSpec(faults), faults });
  };
  return (request) => {
    if (request.method === 'GET') return current();
    if (request.method !== 'POST')
      return json(405, { type: 'invalid_request', code: 'method_not_allowed', detail: 'Use GET or POST.' });
    let faults: FaultSpec;
    try {
      faults = parseFaultSpec(specFromBody(request));
    } catch (error) {
      if (!(error instanceof IngestbenchError)) throw error;
      return json(400, { type: 'validation_error', code: error.code, detail: error.message });
    }
    options.setFaults(faults);
    return current();
  };
}

function specFromBody(request: HttpRequest): string {
  const body = request.body.toString('utf8').trim();
  if (!body.startsWith('{')) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new IngestbenchError('USAGE', 'POST /admin/faults: body is neither a fault spec nor valid JSON.', {
      cause: error,
    });
  }
  const spec = (parsed as { spec?: unknown } | null)?.spec;
  if (typeof spec !== 'string')
    throw new IngestbenchError('USAGE', 'POST /admin/faults: JSON body needs a "spec" string.');
  return spec;
}
