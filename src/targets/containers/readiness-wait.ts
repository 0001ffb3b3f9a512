// A testcontainers wait strategy for a container on the host network: it asks the capture
// server's /_readiness on a loopback URL until it answers 200. testcontainers' own HTTP strategy
// looks the port up among published ports, which host networking does not have.

import type { WaitStrategy } from 'testcontainers';

export class ReadinessWait implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private timeoutSet = false;

  constructor(
    private readonly url: string,
    private readonly intervalMs = 200,
  ) {}

  async waitUntilReady(container: {
    inspect(): Promise<{ State: { Running: boolean; ExitCode: number } }>;
  }): Promise<void> {
    const deadline = Date.now() + this.startupTimeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
        await response.body?.cancel();
        if (response.status === 200) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      // A target that failed to start exits: say so at once instead of waiting out the timeout.
      const { State } = await container.inspect();
      if (!State.Running)
        throw new Error(`the container exited with code ${State.ExitCode} before ${this.url} was ready`);
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
    throw new Error(`${this.url} was not ready within ${this.startupTimeoutMs} ms (${last})`);
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}
