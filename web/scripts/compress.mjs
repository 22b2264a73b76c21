// Writes a .gz sibling for every .js, .css, .html, .svg and .json file in dist/ (the server
// serves precompressed files when the browser accepts gzip) and prints the compressed size of
// what the first page load needs. No dependencies: node's zlib only.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const exts = /\.(js|mjs|css|html|svg|json)$/;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const sizes = new Map();
for (const file of walk(dist)) {
  if (!exts.test(file)) continue;
  const gz = gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${file}.gz`, gz);
  sizes.set(relative(dist, file), gz.length);
}

// The first load is index.html plus the files it references directly.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = ['index.html', ...[...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1])];
let total = 0;
for (const f of initial) {
  const n = sizes.get(f);
  if (n === undefined) continue;
  total += n;
  console.log(`  ${f}  ${(n / 1024).toFixed(1)} KiB gz`);
}
console.log(`initial load: ${(total / 1024).toFixed(1)} KiB compressed (budget 200 KiB)`);
if (total > 200 * 1024) {
  console.error('initial load is over budget');
  process.exit(1);
}
