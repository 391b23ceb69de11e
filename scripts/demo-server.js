#!/usr/bin/env node
// The demo host page: a news site on its own origin (DEMO_PORT, default 3100) that embeds the
// widget from the gateway (GATEWAY_URL), under the Content-Security-Policy docs/widget.md gives
// news sites. /config.json names the stories (.infra/demo-stories.json, from demo-seed.js, or
// DEMO_STORY_ID). /demo-login stands in for the newsroom's own login: it signs a short-lived
// reader token with the shared key (only when JWT_SECRET or .infra/jwt-secret is there).
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const jwt = require('jsonwebtoken');

const root = path.join(__dirname, '..');
const pages = path.join(root, 'web', 'demo');
const port = Number(process.env.DEMO_PORT || 3100);
const host = process.env.DEMO_HOST || '127.0.0.1';
const gateway = (process.env.GATEWAY_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const stateFile = process.env.DEMO_STATE_FILE || path.join(root, '.infra', 'demo-stories.json');
const secretFile = path.join(root, '.infra', 'jwt-secret');
const secret = () => process.env.JWT_SECRET || (fs.existsSync(secretFile) && fs.readFileSync(secretFile, 'utf8').trim());

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const CSP = [
  "default-src 'self'",
  `script-src 'self' ${gateway}`,
  `style-src 'self' ${gateway}`,
  `connect-src 'self' ${gateway}`,
  "img-src 'self' data:",
  "frame-ancestors 'none'",
].join('; ');

function stories() {
  const saved = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
  return process.env.DEMO_STORY_ID ? { ...saved, founding: process.env.DEMO_STORY_ID } : saved;
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, `http://${request.headers.host}`);
  const send = (status, type, body) => {
    response.writeHead(status, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    response.end(body);
  };
  if (url.pathname === '/config.json') return send(200, 'application/json', JSON.stringify({ gateway, stories: stories() }));
  if (url.pathname === '/demo-login') {
    const key = secret();
    if (!key) return send(404, 'application/json', JSON.stringify({ message: 'no signing key here' }));
    const name = (url.searchParams.get('name') || 'Demo Reader').slice(0, 60);
    const sub = `demo-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    return send(200, 'application/json', JSON.stringify({ token: jwt.sign({ sub, name, roles: ['reader'] }, key, { algorithm: 'HS256', expiresIn: 3600 }) }));
  }
  const file = url.pathname === '/' ? 'index.html' : path.basename(url.pathname);
  const full = path.join(pages, file);
  if (!TYPES[path.extname(file)] || !fs.existsSync(full)) return send(404, 'text/plain', 'not found');
  send(200, TYPES[path.extname(file)], fs.readFileSync(full));
});
server.listen(port, host, () => console.log(`demo host page on http://${host}:${port}/ (widget from ${gateway})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
