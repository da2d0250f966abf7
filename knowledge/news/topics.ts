import { join } from 'node:path';
import { z } from 'zod';
import { topicSlug, type NewsTopic } from '../../src/domain/news.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * The news topics citizens subscribe to (issue 12): data the province edits
 * (knowledge/data/news-topics.vi.json), each a Vietnamese name and the other ways citizens write it.
 * A topic's id is the accent-free slug of its name (`tuyen-dung` for "Tuyển dụng"), which is how
 * `NEWS_FEEDS` and the `news:sub:<id>` buttons name it; two names with one slug are an error.
 */

const topicSchema = z.object({
  name: z.string().trim().min(1),
  aliases: z.array(z.string().trim().min(1)).default([]),
});
const schema = z
  .object({ _comment: z.string().optional(), topics: z.array(topicSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.topics.forEach((t, i) => {
      const id = topicSlug(t.name);
      if (id === '') ctx.addIssue({ code: 'custom', path: ['topics', i, 'name'], message: 'a name without a letter or digit has no id' });
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['topics', i, 'name'], message: `same id "${id}" as topics.${first}` });
      else seen.set(id, i);
    });
  });

export const NEWS_TOPICS_FILE = 'news-topics.vi.json';

/** The topics of `dataDir`'s news-topics.vi.json, in file order (the menu's order). */
export function loadNewsTopics(dataDir: string): NewsTopic[] {
  return readDataFile(join(dataDir, NEWS_TOPICS_FILE), schema).topics.map((t) => ({
    id: topicSlug(t.name),
    name: t.name,
    ...(t.aliases.length > 0 ? { aliases: t.aliases } : {}),
  }));
}
