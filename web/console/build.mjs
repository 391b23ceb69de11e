// Builds the moderator console into dist/web/console/: hashed bundles, an index.html that names
// them, and manifest.json (logical name -> hashed file) for the gateway and the budgets.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'web', 'console');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: { console: join(here, 'src', 'main.ts') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const manifest = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint && !file.endsWith('.css')) continue;
  manifest[file.endsWith('.css') ? 'console.css' : 'console.js'] = basename(file);
}
const html = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%CONSOLE_JS%', `/moderate/${manifest['console.js']}`)
  .replace('%CONSOLE_CSS%', `/moderate/${manifest['console.css']}`);
writeFileSync(join(out, 'index.html'), html);
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

for (const name of Object.values(manifest)) {
  const bytes = readFileSync(join(out, name));
  console.log(`console bundle ${name}: ${bytes.length} B, ${gzipSync(bytes).length} B gzipped`);
}
console.log(`console written to ${relative(root, out)}/`);
