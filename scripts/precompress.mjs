// Writes a brotli (.br) and a gzip (.gz) copy of each text and wasm asset of a release build,
// once, so the server sends them as they are (tower-http's ServeDir picks the copy the browser
// accepts) instead of compressing the wasm again on every request. Called by
// scripts/build-app.mjs (Trunk's post-build hook) for release builds, or by hand with a
// directory. Debug builds (`trunk build`, `trunk serve`) are left alone: they change often and are served
// from this machine.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const kinds = new Set([".wasm", ".js", ".css", ".html", ".svg", ".txt", ".json"]);

export function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      precompress(path);
      continue;
    }
    if (!entry.isFile() || !kinds.has(extname(entry.name))) continue;
    const bytes = readFileSync(path);
    const br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    const gz = gzipSync(bytes, { level: 9 });
    writeFileSync(`${path}.br`, br);
    writeFileSync(`${path}.gz`, gz);
    console.log(`precompress: ${entry.name} ${bytes.length} B → br ${br.length} B, gzip ${gz.length} B`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node scripts/precompress.mjs <directory>");
    process.exit(2);
  }
  precompress(dir);
}
