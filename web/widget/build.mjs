// Builds the reader widget into dist/web/widget/: the app and its stylesheet with content hashes
// (cached for good), then the loader (embed.js) and count script (count.js) under fixed names
// with the hashed names written in; manifest.json lists what was written.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../dist/web/widget');
fs.rmSync(out, { recursive: true, force: true });
const common = { bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', logLevel: 'warning' };

const app = await build({
  ...common,
  entryPoints: { app: path.join(here, 'src/app.ts'), 'app-style': path.join(here, 'src/styles.css') },
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
});
const written = Object.keys(app.metafile.outputs).map((file) => path.basename(file));
const js = written.find((file) => /^app-[A-Z0-9]+\.js$/.test(file));
const css = written.find((file) => /^app-style-[A-Z0-9]+\.css$/.test(file));

for (const [name, entry] of [['embed', 'loader.ts'], ['count', 'count.ts']]) {
  await build({ ...common, entryPoints: [path.join(here, 'src', entry)], outfile: path.join(out, `${name}.js`), define: { __APP_JS__: JSON.stringify(js), __APP_CSS__: JSON.stringify(css) } });
}
const manifest = { loader: 'embed.js', count: 'count.js', app: js, css };
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`widget → ${path.relative(process.cwd(), out)}: ${Object.values(manifest).join(', ')}`);
