/** Time as the core sees it, so tests control deadlines and windows instead of waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
