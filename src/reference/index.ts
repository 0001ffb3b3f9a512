// The reference target's public surface: start it in-process, serve it from the CLI, its faults.

export {
  startReferenceTarget,
  REFERENCE_DEFAULTS,
  type ReferenceTarget,
  type ReferenceTargetOptions,
} from './start-reference-target.js';
export { serve, serveOptionsToStart, type ServeIo, type ServeOptionValues } from './serve.js';
export {
  parseFaultSpec,
  formatFaultSpec,
  NO_FAULTS,
  FAULT_SPEC_HELP,
  type FaultSpec,
} from './pipeline/fault-spec.js';
export { isLoopbackAddress } from './server/loopback-only.js';
export { UNKNOWN_TOKEN_MESSAGE, type UnknownTokens } from './capture/capture-admission.js';
