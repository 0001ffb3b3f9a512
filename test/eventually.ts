// Waiting in tests on a condition, never on a guessed delay: polls `check` until it returns a
// value other than undefined (or false), and fails naming what it waited for once `timeoutMs` has
// passed. Generous timeouts are fine: a passing check returns as soon as it holds.

export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | false | Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
