import type { Listener } from '../ports/events.js';

/**
 * The public Q&A changed: this process's index of published answers is rebuilt at once (other
 * processes reload theirs when it is older than a minute).
 */
export function publishedAnswersListener(published: { refresh(): Promise<void> }): Listener<'publications.changed'> {
  return async function publishedAnswers() {
    await published.refresh();
  };
}
