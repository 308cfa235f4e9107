// Trunk's post-build hook (Trunk.toml): builds the browser app's wasm into Trunk's staging
// directory, which Trunk then moves to dist/ (index.html, the CSS and the icon are Trunk's):
//
//   cargo build (wasm32, relocations kept: .cargo/config.toml)
//   → wasm-split-cli: cuts the functions marked #[wasm_split] (src/pages/chunks.rs), and what
//     only they reach, into modules fetched on first use, plus __wasm_split.js that loads them
//   → wasm-bindgen --target web on the main module (the JS glue); in release builds the
//     imports between the two get short names and the unused stream classes go
//     (scripts/trim-glue.mjs)
//   → zh-CN.json: the Chinese texts, which the wasm leaves out (crates/messages)
//   → parts.css: the styles of the pages in the split modules (style/parts.css); the split
//     loader adds it to the page with the first of them and waits for it like for a module
//     (style/main.css, Trunk's, has the rest)
//   → wasm-opt -Oz on every module (WASM_OPT_FLAGS) and esbuild's minifier on the JS and
//     parts.css (release)
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
import { dropStreamClasses, shortenImports } from "./trim-glue.mjs";

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

// -Oz, and: the lowest KB of memory is never used (Rust's data starts at 1 MiB and its stack
// grows down from there), so constant offsets may be folded into addresses; the custom
// sections wasm-bindgen has read are no use to browsers.
const WASM_OPT_FLAGS = ["--low-memory-unused", "-Oz", "--strip-producers", "--strip-target-features"];

function run(command, args) {
  console.log(`build-app: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

/** Minified JS of an ES module (imports, exports and `import.meta` stay), or CSS. */
function minify(code, loader) {
  return transformSync(code, loader === "css" ? { loader, minify: true } : { loader, minify: true, format: "esm" }).code;
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

if (release) {
  const [wasm, glue] = [join(bound, `${NAME}_bg.wasm`), join(bound, `${NAME}.js`)];
  const count = shortenImports(wasm, glue, `./${NAME}_bg.js`);
  console.log(`build-app: short names for the main module's ${count} imports from its glue`);
  const dropped = dropStreamClasses(wasm, glue);
  console.log(`build-app: dropped ${dropped.classes} unused stream classes and ${dropped.exports} exports`);
}

// Which modules each part fetches (its own and the shared ones), read from the loader before
// it is minified; `make bench` prints what each part costs from this.
const loaderText = readFileSync(join(split, "__wasm_split.js"), "utf8");
const chunkFile = Object.fromEntries(
  [...loaderText.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.]+)"/g)]
    .map((m) => [m[1], m[2]]));
const parts = Object.fromEntries(
  [...loaderText.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([\w.]+)"[^]*?\}\s*,\s*\[([^\]]*)\]/g)]
    .map(([, name, file, deps]) => [name, [file, ...deps.split(",").map((d) => d.trim()).filter(Boolean).map((d) => chunkFile[d])]]));
if (Object.keys(parts).length === 0 || Object.values(parts).flat().some((file) => !file)) {
  console.error("build-app: could not read the parts from __wasm_split.js (has its format changed?)");
  process.exit(1);
}

// The parts' stylesheet is one more thing each part waits for: a loader like the modules'
// (makeLoad: loaded once, asked again after a failure) that adds the <link> and settles when
// the sheet has loaded or failed. So a page of a part is drawn styled, or not at all (the app
// then offers a reload, as when a module cannot be fetched).
const STYLES = `
/* the parts' stylesheet (added by scripts/build-app.mjs) */
const __parts_css = makeLoad(() => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("./parts.css", import.meta.url);
    const loaded = new Promise((resolve, reject) => {
        link.onload = resolve;
        link.onerror = () => {
            link.remove();
            reject(new Error("parts.css could not be loaded"));
        };
    });
    document.head.append(link);
    return async () => loaded;
}
, []);
`;
const partLoaders = /(export const __wasm_split_load_\w+ = wrapAsyncCb\(makeLoad\(\(\) => \{[^]*?\}\s*,\s*\[)/g;
const styledLoader = loaderText.replace(/\nexport const __wasm_split_load_/, `${STYLES}$&`).replace(partLoaders, "$1__parts_css, ");
if ((styledLoader.match(/\[__parts_css, /g) ?? []).length !== Object.keys(parts).length) {
  console.error("build-app: could not make the parts wait for parts.css (has __wasm_split.js changed?)");
  process.exit(1);
}
writeFileSync(join(work, "__wasm_split.js"), styledLoader);
for (const files of Object.values(parts)) files.push("parts.css");
writeFileSync(join(work, "parts.json"), JSON.stringify(parts, null, 2));

// 4. The set of files the browser gets.
const files = new Map(); // name in pkg/<hash>/ → path of its bytes
files.set(`${NAME}.js`, join(bound, `${NAME}.js`));
files.set(`${NAME}_bg.wasm`, join(bound, `${NAME}_bg.wasm`));
for (const name of readdirSync(split)) {
  if (name.endsWith(".js") || (name.endsWith(".wasm") && name !== `${NAME}.wasm`)) {
    files.set(name, join(split, name));
  }
}
files.set("__wasm_split.js", join(work, "__wasm_split.js"));
// The Chinese texts, which the wasm leaves out: the app fetches them when Chinese is chosen
// (crates/messages; a small native program prints them).
const chinese = join(work, "zh-CN.json");
console.log("build-app: cargo run -p csp-messages --bin zh-cn-table");
writeFileSync(chinese, execFileSync("cargo", ["run", "--quiet", "-p", "csp-messages", "--bin", "zh-cn-table"], { cwd: root }));
files.set("zh-CN.json", chinese);
files.set("parts.css", join(root, "style", "parts.css"));
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
  for (const [name, path] of [...files].filter(([name]) => /\.(js|css)$/.test(name))) {
    const out = join(work, `min-${name}`);
    writeFileSync(out, minify(readFileSync(path, "utf8"), name.endsWith(".css") ? "css" : "js"));
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
// under a running server still loads. It compiles the wasm while it arrives and starts the app
// in a task of its own afterwards: the browser is not blocked by compiling and the app's first
// drawing in one long task (Lighthouse's total blocking time on the signed-in list: ~100 ms less).
// Should a proxy in between send the wasm under another content type, which streaming refuses,
// it compiles the downloaded bytes instead, as wasm-bindgen's own loader would.
// In a browser that is signed in (state.rs's mark in localStorage) it first asks for the
// session and for what this page asked for as it opened last time in this tab (sessionStorage:
// its address, then the URLs, a line each; written by src/api/early.rs, which also hands these
// answers to the app's first requests): on a slow network they arrive with the code instead of
// a round trip after it. A request that gets no answer (the server restarting) is forgotten, so
// the app asks for itself.
const early =
  `const early = (window.cspEarly = {}); try { if (localStorage.getItem("csp.session.signed-in")) {` +
  ` const [at, ...urls] = (sessionStorage.getItem("csp.early") ?? "").split("\\n");` +
  ` for (const url of ["/api/v1/session", ...(at === location.pathname + location.search ? urls : [])])` +
  ` if (url.startsWith("/api/v1/") && !early[url])` +
  ` (early[url] = fetch(url, { headers: { Accept: "application/json" } })).catch(() => delete early[url]); } } catch {}`;
const loader =
  `<link rel="modulepreload" href="${js}" data-app="js">` +
  (files.has("__wasm_split.js") ? `<link rel="modulepreload" href="/${dir}/__wasm_split.js">` : "") +
  `<link rel="preload" href="${wasm}" as="fetch" type="application/wasm" crossorigin data-app="wasm">` +
  `<script type="module">${minify(
    `${early} const at = (part) => document.querySelector(\`link[data-app=\${part}]\`).href;` +
    ` const compiling = WebAssembly.compileStreaming(fetch(at("wasm")))` +
    `.catch(() => fetch(at("wasm")).then((file) => file.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));` +
    ` const { default: init } = await import(at("js")); const module = await compiling;` +
    ` await new Promise((next) => setTimeout(next)); init({ module_or_path: module });`,
    "js",
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
