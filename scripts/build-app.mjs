// Trunk's post-build hook (Trunk.toml): builds the browser app's wasm into Trunk's staging
// directory, which Trunk then moves to dist/ (index.html, the CSS and the icon are Trunk's):
//
//   cargo build (wasm32, relocations kept: .cargo/config.toml)
//   → wasm-split-cli: cuts the functions marked #[wasm_split] (src/pages/chunks.rs), and what
//     only they reach, into modules fetched on first use, plus __wasm_split.js that loads them
//   → wasm-bindgen --target web on the main module (the JS glue)
//   → zh-CN.json: the Chinese texts, which the wasm leaves out (crates/messages)
//   → wasm-opt -Oz on every module (WASM_OPT_FLAGS) and esbuild's minifier on the JS (release)
//   (the tools' output is used as it comes: nothing here edits what they generate)
//   → pkg/<hash>/…, where <hash> is of the whole set, so one build's modules are never mixed
//     with another's and browsers may keep them for a year (crates/server/src/app.rs);
//   → the loader script in index.html;
//   → brotli and gzip copies of every file (scripts/precompress.mjs), sent as they are.
//
// `trunk build` (debug) builds without optimisation and without the compressed copies.
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { transformSync } from "esbuild";
import { precompress } from "./precompress.mjs";

const exec = promisify(execFile);

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("build-app: run by Trunk (trunk build --release), which names the output folder");
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE === "release";
const root = resolve(import.meta.dirname, "..");
const target = resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
const work = join(target, "app-build");
const NAME = "csp-app";
// wasm-opt from npm's binaryen 132 (scripts/setup-toolchain.sh), not whichever one is on PATH:
// older builds (Debian's 108) emit modules that fail at start-up.
const WASM_OPT = join(root, "node_modules", ".bin", "wasm-opt");

// -Oz; the custom sections wasm-bindgen has read are no use to browsers.
const WASM_OPT_FLAGS = ["-Oz", "--strip-producers", "--strip-target-features"];

function run(command, args) {
  console.log(`build-app: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

/** Minified JS of an ES module (imports, exports and `import.meta` stay). */
function minify(code) {
  return transformSync(code, { loader: "js", minify: true, format: "esm" }).code;
}

// 1. The linked module, with its relocations.
const profile = release ? "wasm-release" : "dev";
run("cargo", ["build", "--target", "wasm32-unknown-unknown", "--bin", NAME, "--profile", profile]);
const linked = join(target, "wasm32-unknown-unknown", release ? profile : "debug", `${NAME}.wasm`);

// 2. Split: the main module plus one module per split point and the code they share.
rmSync(work, { recursive: true, force: true });
const split = join(work, "split");
const bound = join(work, "bindgen");
mkdirSync(split, { recursive: true });
run("wasm-split-cli", [linked, split, "--out-name", NAME]);

// 3. The JS glue for the main module. The split modules link against its exports, so
// wasm-bindgen keeps the linker's exports and names.
run("wasm-bindgen", [
  "--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript",
  "--out-dir", bound, "--out-name", NAME, join(split, `${NAME}.wasm`),
]);

// Which modules each part fetches (its own and the shared ones), read — not changed — from the
// split loader, for `make bench` to print what each part costs. Should the tool's output look
// different one day, the bench prints the whole app's size only.
const loaderText = readFileSync(join(split, "__wasm_split.js"), "utf8");
const chunkFile = Object.fromEntries(
  [...loaderText.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.]+)"/g)]
    .map((m) => [m[1], m[2]]));
const parts = Object.fromEntries(
  [...loaderText.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.]+)"[^]*?\}\s*,\s*\[([^\]]*)\]/g)]
    .map(([, name, file, deps]) => [name, [file, ...deps.split(",").map((d) => d.trim()).filter(Boolean).map((d) => chunkFile[d])]]));
const partsKnown = Object.keys(parts).length > 0 && !Object.values(parts).flat().some((file) => !file);
writeFileSync(join(work, "parts.json"), JSON.stringify(partsKnown ? parts : {}, null, 2));

// 4. The set of files the browser gets.
const files = new Map(); // name in pkg/<hash>/ → path of its bytes
files.set(`${NAME}.js`, join(bound, `${NAME}.js`));
files.set(`${NAME}_bg.wasm`, join(bound, `${NAME}_bg.wasm`));
for (const name of readdirSync(split)) {
  if (name.endsWith(".js") || (name.endsWith(".wasm") && name !== `${NAME}.wasm`)) {
    files.set(name, join(split, name));
  }
}
files.set("__wasm_split.js", join(split, "__wasm_split.js"));
// The Chinese texts, which the wasm leaves out: the app fetches them when Chinese is chosen
// (crates/messages; a small native program prints them).
const chinese = join(work, "zh-CN.json");
console.log("build-app: cargo run -p csp-messages --bin zh-cn-table");
writeFileSync(chinese, execFileSync("cargo", ["run", "--quiet", "-p", "csp-messages", "--bin", "zh-cn-table"], { cwd: root }));
files.set("zh-CN.json", chinese);
if (release) {
  // wasm-opt on two modules at a time (the machine's two cores); the main one takes longest.
  const wasms = [...files].filter(([name]) => name.endsWith(".wasm"));
  const optimise = async ([name, path]) => {
    const out = join(work, `opt-${name}`);
    await exec(WASM_OPT, [...WASM_OPT_FLAGS, "--quiet", path, "-o", out], { cwd: root });
    files.set(name, out);
  };
  const queue = [...wasms];
  await Promise.all([0, 1].map(async () => {
    while (queue.length) await optimise(queue.shift());
  }));
  console.log(`build-app: wasm-opt -Oz on ${wasms.length} modules`);
  for (const [name, path] of [...files].filter(([name]) => name.endsWith(".js"))) {
    const out = join(work, `min-${name}`);
    writeFileSync(out, minify(readFileSync(path, "utf8")));
    files.set(name, out);
  }
}

// JS snippets of wasm-bindgen (none today), kept in their folders.
const snippets = join(bound, "snippets");
if (existsSync(snippets)) {
  for (const name of readdirSync(snippets, { recursive: true })) {
    const path = join(snippets, name);
    if (statSync(path).isFile()) files.set(join("snippets", name), path);
  }
}

// 5. Into the build under a hash of the whole set.
const hash = createHash("sha256");
for (const name of [...files.keys()].sort()) {
  hash.update(name).update(readFileSync(files.get(name)));
}
const dir = `pkg/${hash.digest("hex").slice(0, 16)}`;
mkdirSync(join(staging, dir), { recursive: true });
for (const [name, path] of files) {
  mkdirSync(dirname(join(staging, dir, name)), { recursive: true });
  cpSync(path, join(staging, dir, name));
}

// 6. The loader, in Trunk's index.html.
const js = `/${dir}/${NAME}.js`;
const wasm = `/${dir}/${NAME}_bg.wasm`;
// The glue imports the split loader: both are asked for at once instead of one after the other.
// The inline script reads the addresses from the links, so it is the same in every build: the
// server names it in its Content-Security-Policy by hash, read when it starts, and a rebuild
// under a running server still loads. It compiles the wasm while it arrives; should a proxy in
// between send it under another content type, which streaming refuses, it compiles the
// downloaded bytes instead, as wasm-bindgen's own loader would. In a browser that was signed in
// (state.rs's mark in localStorage) it asks for the session while the code downloads, so a new
// tab does not wait a round trip after the code to know which page to show; the app takes that
// answer for its first session check (src/api.rs, `current_session`).
const early =
  `try { if (localStorage.getItem("csp.session.signed-in")) window.cspSession =` +
  ` fetch("/api/v1/session", { headers: { Accept: "application/json" } }); } catch {}`;
const loader =
  `<link rel="modulepreload" href="${js}" data-app="js">` +
  (files.has("__wasm_split.js") ? `<link rel="modulepreload" href="/${dir}/__wasm_split.js">` : "") +
  `<link rel="preload" href="${wasm}" as="fetch" type="application/wasm" crossorigin data-app="wasm">` +
  `<script type="module">${minify(
    `${early} const at = (part) => document.querySelector(\`link[data-app=\${part}]\`).href;` +
    ` const compiling = WebAssembly.compileStreaming(fetch(at("wasm")))` +
    `.catch(() => fetch(at("wasm")).then((file) => file.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));` +
    ` const { default: init } = await import(at("js")); init({ module_or_path: await compiling });`,
  ).trim()}</script>`;
const indexPath = join(staging, "index.html");
const index = readFileSync(indexPath, "utf8");
if (!index.includes("</head>")) {
  console.error("build-app: index.html has no </head> to put the loader before");
  process.exit(1);
}
// In place of Trunk's (skipped) Rust link, which it leaves in the page.
const page = index.replace(/<link[^>]*data-trunk-skip[^>]*>/, "").replace("</head>", `${loader}</head>`);
writeFileSync(indexPath, page);
if (release) {
  precompress(staging);
}
console.log(`build-app: ${files.size} files in ${dir}, ${release ? "release" : "debug"} build`);
