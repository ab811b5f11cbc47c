// The container's health check: GET /health on this container's port, with the Basic auth credentials when the
// backend requires them. Exit status 0 when it answers 200, else 1.
const port = process.env.PORT || '9090';
const headers = {};
if (process.env.BASIC_AUTH_USER && process.env.BASIC_AUTH_PASS) {
  headers.authorization = `Basic ${Buffer.from(`${process.env.BASIC_AUTH_USER}:${process.env.BASIC_AUTH_PASS}`).toString('base64')}`;
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { headers, signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
