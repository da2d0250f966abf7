import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Routing data (knowledge/data/routing.vi.json): feedback topics, each an agency with the phrases and
 * example messages that point to it; words that carry no routing signal; and what belongs to the
 * coordinator desk (chit-chat, news, other provinces' matters). Edited by the province, not code.
 */

const phrases = z.array(z.string().min(1));

const topicSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id must be a kebab-case slug'),
    agencyId: z.string().min(2),
    /** The lĩnh vực reported with a route through this topic. */
    field: z.string().min(2),
    /** Matched as whole words (accent-insensitive); a phrase here overrides the same directory keyword. */
    phrases: phrases.default([]),
    /** Whole messages, used only to train the classifier. */
    examples: phrases.default([]),
  })
  .strict();

export const routingDataSchema = z
  .object({
    about: z.string().optional(),
    /** The editorial decisions behind the topics, for people; the router ignores them. */
    decisions: z.array(z.string()).default([]),
    /** Words that say a message is a complaint or a request but not what about ("phản ánh", "đề nghị"). */
    neutral: phrases.default([]),
    coordinator: z.object({ phrases: phrases.default([]), examples: phrases.default([]) }).default({ phrases: [], examples: [] }),
    topics: z.array(topicSchema).default([]),
  })
  .strict();

export type RoutingTopic = z.infer<typeof topicSchema>;
export type RoutingData = z.infer<typeof routingDataSchema>;

export const ROUTING_FILE = 'routing.vi.json';

const EMPTY: RoutingData = { decisions: [], neutral: [], coordinator: { phrases: [], examples: [] }, topics: [] };

/**
 * Reads `<dataDir>/routing.vi.json`. The file is optional (a province may route by its directory and
 * catalog alone); when present it must validate, and an error names the file and the field.
 */
export function loadRoutingData(dataDir: string): RoutingData {
  const file = join(dataDir, ROUTING_FILE);
  if (!existsSync(file)) return EMPTY;
  const parsed = routingDataSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i?.path.join('.') ?? ''} ${i?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
