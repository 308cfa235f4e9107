// Trunk's post-build hook (Trunk.toml): writes a brotli (.br) and a gzip (.gz) copy of each
// text and wasm asset of a release build, once, so the server sends them as they are
// (tower-http's ServeDir picks the copy the browser accepts) instead of compressing the wasm
// again on every request. Debug builds (`trunk serve`) are left alone: they change often and
// are served from this machine.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("precompress: no directory (TRUNK_STAGING_DIR or an argument)");
  process.exit(2);
}
if ((process.env.TRUNK_PROFILE ?? "release") !== "release") {
  process.exit(0);
}
const kinds = new Set([".wasm", ".js", ".css", ".html", ".svg", ".txt", ".json"]);
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || !kinds.has(extname(name))) continue;
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
  console.log(`precompress: ${name} ${bytes.length} B → br ${br.length} B, gzip ${gz.length} B`);
}
