import type { KnowledgeSearch } from '../ports/knowledge.js';

/** Agency names by id from the directory, falling back to the id for an agency no longer listed. */
export function agencyNames(knowledge: Pick<KnowledgeSearch, 'listAgencies'>): (id: string) => string {
  const names = new Map(knowledge.listAgencies().map((a) => [a.id, a.name]));
  return (id) => names.get(id) ?? id;
}
