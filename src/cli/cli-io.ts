// What a command may touch of the outside world; tests pass their own.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM by bin.ts. */
  readonly signal: AbortSignal;
  /** Whether stderr is a terminal (live progress redraws in place). */
  readonly interactive: boolean;
}
