/** Retries an assertion until it passes or the time is up (for effects of asynchronous workers). */
export async function eventually(assertion: () => unknown | Promise<unknown>, timeoutMs = 45_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
