// Deterministic person uuids, as PostHog's ingestion derives them: UUIDv5 (RFC 9562, SHA-1) of
// `${teamId}:${distinctId}` in a fixed namespace. A personless event and the person later created
// for the same distinct id get the same uuid, so no override is needed to join them.

import { createHash } from 'node:crypto';

/** PostHog's namespace for person uuids (plugin-server person-uuid.ts). */
export const PERSON_UUID_NAMESPACE = '932979b4-65c3-4424-8467-0b66ec27bc22';

const namespaceBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const PERSON_NAMESPACE_BYTES = namespaceBytes(PERSON_UUID_NAMESPACE);

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function uuidv5Bytes(name: string, namespace: Buffer): string {
  const digest = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC variant
  return formatUuid(digest.toString('hex', 0, 16));
}

/** UUIDv5 of `name` in `namespace` (a uuid string). */
export function uuidv5(name: string, namespace: string): string {
  return uuidv5Bytes(name, namespaceBytes(namespace));
}

/** The person uuid PostHog derives for (team, distinct id). */
export function personUuid(teamId: number, distinctId: string): string {
  return uuidv5Bytes(`${teamId}:${distinctId}`, PERSON_NAMESPACE_BYTES);
}
