// A URL as logs, messages and reports may show it: no userinfo, no query string, no fragment
// (tokens hide in all three). Below every stage, so the query client's messages and the report
// redact the same way.

export function publicUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}
