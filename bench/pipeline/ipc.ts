/** Messages between the bench and its children (Node IPC, JSON-serialized). */

/** The fake Zalo child → bench, once listening. */
export interface FakeReady {
  type: 'ready';
  apiBase: string;
  oauthBase: string;
  appId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  accessToken: string;
  refreshToken: string;
}

/** The fake Zalo child → bench: replies accepted by /v3.0/oa/message/cs, as [user_id, hrMs at record time]. */
export interface FakeSent {
  type: 'sent';
  items: [string, number][];
}

/** Bench → fake Zalo child. */
export type ToFake = { type: 'webhook'; url: string | undefined } | { type: 'stop' };

/** One nedb datastore's executor over a window: every operation of a datastore runs in its queue, in turn. */
export interface StoreLane {
  lane: string;
  ops: number;
  /** Total ms operations waited in the queue before running, and ran (incl. the awaited file append). */
  waitMs: number;
  runMs: number;
  maxWaitMs: number;
}

/** Bench ↔ system-under-test children (answered by probe.preload.ts), covering the time since the last ask. */
export interface ProbeReport {
  type: 'bench:probe';
  windowMs: number;
  /** Event-loop delay, ms. */
  eld: { p50: number; p99: number; max: number };
  store: StoreLane[];
}
