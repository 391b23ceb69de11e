#!/usr/bin/env node
// Prints a bearer token for local use: npm run token -- --sub u1 --name "Ann Reader" --role reader [--role moderator] [--ttl 3600]
// Signs with JWT_SECRET, or with the local development secret that `npm start` keeps in .infra/jwt-secret.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const jwt = require('jsonwebtoken');

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'local-user' },
    name: { type: 'string', default: 'Local User' },
    role: { type: 'string', multiple: true, default: ['reader'] },
    ttl: { type: 'string', default: '3600' },
  },
});
const secretFile = path.join(__dirname, '..', '.infra', 'jwt-secret');
const secret = process.env.JWT_SECRET || (fs.existsSync(secretFile) && fs.readFileSync(secretFile, 'utf8').trim());
if (!secret) {
  console.error('No JWT_SECRET in the environment and no .infra/jwt-secret: run `npm start` once, or set JWT_SECRET.');
  process.exit(1);
}
const options = { algorithm: 'HS256', expiresIn: Number(values.ttl) };
if (process.env.JWT_ISSUER) options.issuer = process.env.JWT_ISSUER;
if (process.env.JWT_AUDIENCE) options.audience = process.env.JWT_AUDIENCE;
process.stdout.write(jwt.sign({ sub: values.sub, name: values.name, roles: values.role }, secret, options) + '\n');
