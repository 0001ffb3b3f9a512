// Messages between the durable queue (main thread) and its writer thread. The main thread sends
// each event-loop turn's appends as one group; the writer commits whatever groups arrived while
// its previous commit (and fsync) ran in one transaction, and answers with the last group done.

export interface QueueRowInput {
  readonly json: string;
  readonly count: number;
  readonly enqueuedAt: number;
}

export interface QueueWriterConfig {
  readonly file: string;
  readonly durable: boolean;
}

export type ToWriter =
  | { readonly type: 'append'; readonly group: number; readonly rows: readonly QueueRowInput[] }
  | { readonly type: 'truncate'; readonly through: number }
  | { readonly type: 'close' };

export type FromWriter =
  | { readonly type: 'opened'; readonly lastId: number }
  | { readonly type: 'committed'; readonly throughGroup: number; readonly lastId: number }
  | { readonly type: 'failed'; readonly groups: readonly number[]; readonly message: string }
  | { readonly type: 'closed' };
