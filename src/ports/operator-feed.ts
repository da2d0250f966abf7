/**
 * What the operator console hears live (issue 11): a conversation's handoff moved, or something new
 * happened in the transcript of one a person needs or holds. The console refreshes what it shows on
 * each event; the store stays the truth, so a missed event costs only a refresh (the console also
 * reloads on reconnect). Published by a listener on the domain events (src/listeners), in whichever
 * process the change happened; every web process's console streams receive it.
 */
export interface OperatorFeedEvent {
  type: 'handoff.moved' | 'handoff.activity';
  conversationId: string;
  /** handoff.moved: the new status. */
  status?: string;
  /** handoff.activity: citizen | operator | note | staff | typing. */
  kind?: string;
  /** The operator who acted, when one did (typing: who types). */
  by?: string;
  /** ISO 8601. */
  at: string;
}

export interface OperatorFeed {
  publish(event: OperatorFeedEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: OperatorFeedEvent) => void): () => void;
  close(): Promise<void>;
}
