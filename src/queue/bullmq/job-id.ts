/**
 * The port lets a job id be any string (platform message ids are used as-is), but BullMQ keeps a job
 * under `<prefix>:<queue>:<jobId>`, next to its own keys (`…:meta`, `…:wait`, `…:marker`, `…:id`…),
 * and rejects ids that look like integers or contain ':'. So a custom id is always mapped:
 * '%' → '%25', ':' → '%3A', then the prefix '%J'. The result never contains ':', is never an
 * integer, never equals a BullMQ key name (none contains '%'), and maps back injectively.
 * Ids BullMQ generates itself (integers) do not start with '%J' and come back unchanged.
 */

const CUSTOM_PREFIX = '%J';

/** A valid, collision-free BullMQ custom job id for `id`. */
export function toBullJobId(id: string): string {
  return CUSTOM_PREFIX + id.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** The port's id for a BullMQ job id. */
export function fromBullJobId(bullId: string): string {
  if (!bullId.startsWith(CUSTOM_PREFIX)) return bullId;
  return bullId.slice(CUSTOM_PREFIX.length).replace(/%3A/g, ':').replace(/%25/g, '%');
}
