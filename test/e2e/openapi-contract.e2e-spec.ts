import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/infrastructure';
import { tokenFor } from '../support/api';
import { freePort, startService, stopProcess, system, waitReady } from '../support/services';

/**
 * The OpenAPI document as a contract: schemathesis (pinned in scripts/schemathesis.sh) generates
 * requests from GET /docs/json and runs every check against the gateway of this e2e system:
 * answers undocumented (statuses, bodies), requests valid by the schema that are refused, 5xx,
 * security declared where none is needed or ignored where it is. It must find nothing.
 *
 * Its own gateway, on the same services, with rate limits out of the way: schemathesis speaks
 * from one address, and 429s would hide what it looks for.
 */
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '10';

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts', 'schemathesis.sh'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('OpenAPI contract (schemathesis --checks all)', () => {
  let port: number;
  let gateway: ReturnType<typeof startService>;

  beforeAll(async () => {
    port = await freePort();
    // The largest body limit: a schema-valid import of many long comments must not be cut at 256 KB.
    gateway = startService(system(), 'gateway', port, { RATE_LIMIT_READER_PER_MINUTE: '100000', RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000', BODY_LIMIT_BYTES: '10485760' });
    await waitReady(port, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (gateway?.pid) await stopProcess(gateway.pid);
  });

  it('finds no failure with a moderator\'s token', async () => {
    const token = tokenFor({ sub: 'contract-moderator', name: 'Contract Moderator', roles: ['moderator'] });
    const { code, output } = await run(
      [
        '--config-file',
        path.join(ROOT, 'test', 'e2e', 'schemathesis.toml'),
        'run',
        `http://127.0.0.1:${port}/docs/json`,
        '--checks',
        'all',
        '--max-examples',
        MAX_EXAMPLES,
        '--seed',
        '20261202',
        '--request-timeout',
        '10',
        '--max-response-time',
        '5',
        '--header',
        `Authorization: Bearer ${token}`,
      ],
      // About 250 s on a quiet machine with 32 operations (coverage ~75 s, fuzzing ~170 s), and it
      // grows with every route: cut at 270 s, a loaded CI run lost the summary (no failure found).
      600_000,
    );
    // Its report (each failure with a curl to reproduce it, then the summary) goes to the test log.
    console.log(output.split('\n').slice(-400).join('\n'));
    expect(output).not.toMatch(/\b[1-9]\d* failures?\b/);
    expect(output).toMatch(/Test cases:\s+\d+ generated/);
    expect(code).toBe(0);
  }, 660_000);
});
