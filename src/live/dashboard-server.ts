// The live dashboard: a small HTTP server on loopback (by default) serving one self-contained
// page and a server-sent-events stream. The server folds the run's LiveEvents (its `listener`)
// and pushes the view, rendered on the server by report.html's chart code, at most twice a second;
// the page's few lines of inline script put it in place. When the run ends the final report page
// (report.html itself) is pushed whole and the page becomes it, so a browser keeps showing the
// final report after the process has exited. A monitor has no final report: its last view (the
// stopped status) is pushed by close(). The Content-Security-Policy lets the page reach
// nothing but its own origin.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import { renderCapacityHtml } from '../report/render-capacity-html.js';
import { REPORT_CSS } from '../report/html-parts.js';
import { renderHtml } from '../report/render-html.js';
import { escapeHtml } from '../report/svg-charts.js';
import {
  EMPTY_DASHBOARD,
  foldLiveEvent,
  renderDashboardView,
  type DashboardState,
} from './dashboard-view.js';
import type { LiveEvent, LiveListener } from './live-event.js';

const debug = debuglog('ingestbench:dashboard');

/** At most this often a view goes out: a browser need not redraw faster than a second's data lands. */
const PUSH_EVERY_MS = 500;

const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'";

export interface DashboardOptions {
  /** `host:port`; default 127.0.0.1 and a free port. */
  readonly listen?: string;
  readonly title: string;
}

export interface Dashboard {
  /** http://host:port/ */
  readonly url: string;
  /** Feed it the run's live events (runScenario's / runCapacity's onLive). */
  readonly listener: LiveListener;
  /** Pages the final report was sent to so far. */
  readonly finalReportsSent: () => number;
  /** Sends what is pending (the final report included) to every page, then stops serving. */
  close(): Promise<void>;
}

/** `host:port`, `:port` or `host` (loopback and a free port by default); refused when malformed. */
export function parseListen(text: string | undefined, flag = '--dashboard'): { host: string; port: number } {
  if (text === undefined || text === '') return { host: '127.0.0.1', port: 0 };
  const match = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(text);
  const port = match?.[2] === undefined ? 0 : Number(match[2]);
  if (!match || port > 65_535)
    throw new IngestbenchError(
      'USAGE',
      `${flag} ${text}: expected HOST:PORT, e.g. 127.0.0.1:5665 (port 0: any free port)`,
    );
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { host, port } = parseListen(options.listen);
  let state: DashboardState = EMPTY_DASHBOARD;
  let finalPage: string | null = null;
  const clients = new Set<ServerResponse>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  let finalSent = 0;
  const send = (res: ServerResponse, event: 'view' | 'final', html: string): void => {
    if (event === 'final') finalSent += 1;
    res.write(`event: ${event}\ndata: ${JSON.stringify(html)}\n\n`);
  };
  const push = (): void => {
    timer = null;
    const html = finalPage ?? renderDashboardView(state);
    for (const res of clients) send(res, finalPage ? 'final' : 'view', html);
  };
  const schedule = (): void => {
    timer ??= setTimeout(push, PUSH_EVERY_MS);
  };

  const listener: LiveListener = (event: LiveEvent) => {
    state = foldLiveEvent(state, event);
    // A capacity step's run report is not the end: only its own run's (no step) or capacity's.
    const final =
      event.type === 'capacity-report'
        ? renderCapacityHtml(event.report)
        : event.type === 'report' && state.started?.step === undefined
          ? renderHtml(event.report)
          : null;
    if (final !== null) {
      finalPage = final;
      if (timer) clearTimeout(timer);
      push();
    } else schedule();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://dashboard').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CSP,
          'cache-control': 'no-store',
        })
        .end(pageShell(options.title, finalPage ?? renderDashboardView(state)));
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      send(res, finalPage ? 'final' : 'view', finalPage ?? renderDashboardView(state));
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new IngestbenchError(
          'USAGE',
          `--dashboard ${host}:${port}: cannot listen (${error.code ?? error.message}); pick another port or 127.0.0.1:0 for a free one`,
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}/`;
  debug('dashboard at %s', url);

  return {
    url,
    listener,
    finalReportsSent: () => finalSent,
    async close() {
      if (timer) {
        clearTimeout(timer);
        push();
      }
      // end() flushes what was written (the final report) before the connection closes.
      await Promise.all([...clients].map((res) => new Promise<void>((resolve) => res.end(() => resolve()))));
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** The page: report.html's style, the current view, and the script that swaps in each push. */
function pageShell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ingestbench live: ${escapeHtml(title)}</title>
<style>${REPORT_CSS}
#connection{font-size:.8rem;color:#555}#connection.lost{color:#cf222e}</style></head><body>
<h1>ingestbench live: ${escapeHtml(title)}</h1>
<p id="connection">connecting…</p>
<main id="live">${body}</main>
<script>
const status = document.getElementById('connection');
const live = document.getElementById('live');
const events = new EventSource('/events');
events.addEventListener('open', () => { status.textContent = 'live'; status.className = ''; });
events.addEventListener('view', (e) => { live.innerHTML = JSON.parse(e.data); });
events.addEventListener('final', (e) => {
  // The run is over: this page becomes its report.html, and stays so after the process exits.
  events.close();
  document.open();
  document.write(JSON.parse(e.data));
  document.close();
});
events.addEventListener('error', () => {
  status.textContent = 'connection lost: the run has ended or was stopped; its report is in the folder the terminal printed';
  status.className = 'lost';
});
</script>
</body></html>
`;
}
