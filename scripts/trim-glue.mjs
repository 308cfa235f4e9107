// Makes what lies between the main module and its JS glue smaller, in the wasm and in the glue
// at once. Called by scripts/build-app.mjs on release builds, after wasm-bindgen and before
// wasm-opt (which then drops the code nothing reaches any more) and the minifier.
//
// - shortenImports: wasm-bindgen names each import after the browser function and a 16-digit
//   hash (`__wbg_createElement_de4a31ed2fb252be`); about 170 of them, written in both files,
//   are some 3 KB of the first page's brotli transfer that compression cannot shrink. The split
//   modules import only from the main module's exports, which keep their names.
// - dropStreamClasses: the JS classes wasm-streams exports so that JS can read a Rust stream
//   (Leptos's server functions stream with it; this app has none, so nothing makes one), and
//   the wasm exports behind them: about 1.5 KB.
import { readFileSync, writeFileSync } from "node:fs";

/** The glue's import object for the wasm, and the module name the wasm imports it under. */
const GLUE_OBJECT = "import0";

export function shortenImports(wasmPath, jsPath, moduleName) {
  const wasm = readFileSync(wasmPath);
  let js = readFileSync(jsPath, "utf8");

  const sections = readSections(wasm);
  const importSection = sections.find((s) => s.id === 2);
  if (!importSection) throw new Error(`${wasmPath}: no import section`);
  const imports = readImports(wasm.subarray(importSection.start, importSection.end));

  const { object, defined } = glueObject(js, jsPath);
  expectDefined(imports, moduleName, defined, jsPath);

  const short = new Map(defined.map((name, i) => [name, shortName(i)]));
  for (const i of imports) {
    if (i.module === moduleName) {
      i.module = "w";
      i.name = short.get(i.name);
    }
  }
  // The keys of the import object, and the module name it is passed under.
  const renamed = object.replace(/^ {8}(\w+): function/gm, (_, name) => `        ${short.get(name)}: function`);
  js = js.replace(object, () => renamed); // a function: a `$` in the glue stays as it is
  const passed = `"${moduleName}": ${GLUE_OBJECT},`;
  if (!js.includes(passed)) throw new Error(`${jsPath}: does not pass ${GLUE_OBJECT} as "${moduleName}"`);
  js = js.replace(passed, `w: ${GLUE_OBJECT},`);
  expectDefined(imports, "w", glueObject(js, jsPath).defined, jsPath);

  const body = Buffer.concat([uleb(imports.length), ...imports.map(writeImport)]);
  writeFileSync(wasmPath, Buffer.concat([
    wasm.subarray(0, importSection.headerStart),
    Buffer.from([2]), uleb(body.length), body,
    wasm.subarray(importSection.end),
  ]));
  writeFileSync(jsPath, js);
  return short.size;
}

/** The wasm-streams classes, in the glue and as the main module's exports. */
export function dropStreamClasses(wasmPath, jsPath) {
  const wasm = readFileSync(wasmPath);
  let js = readFileSync(jsPath, "utf8");
  const classes = [...js.matchAll(/^export class (IntoUnderlying\w+) \{$/gm)].map((m) => m[1]);
  for (const name of classes) {
    const block = new RegExp(
      `^export class ${name} \\{\\n[^]*?^\\}\\n` +
      `if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`, "m");
    const registry = new RegExp(`^const ${name}Finalization = [^;]*;\\n`, "m");
    if (!block.test(js) || !registry.test(js)) throw new Error(`${jsPath}: class ${name} is not as expected (has wasm-bindgen's output changed?)`);
    js = js.replace(block, "").replace(registry, "");
  }
  if (/IntoUnderlying|intounderlying/.test(js)) throw new Error(`${jsPath}: still names a wasm-streams class after dropping them`);

  const sections = readSections(wasm);
  const exportSection = sections.find((s) => s.id === 7);
  const exports = readExports(wasm.subarray(exportSection.start, exportSection.end));
  const kept = exports.filter((e) => !/^(__wbg_)?intounderlying/.test(e.name));
  const body = Buffer.concat([uleb(kept.length), ...kept.map((e) => e.bytes)]);
  writeFileSync(wasmPath, Buffer.concat([
    wasm.subarray(0, exportSection.headerStart),
    Buffer.from([7]), uleb(body.length), body,
    wasm.subarray(exportSection.end),
  ]));
  writeFileSync(jsPath, js);
  return { classes: classes.length, exports: exports.length - kept.length };
}

/** Each export with its name and its bytes as they are. */
function readExports(bytes) {
  let [count, at] = readUleb(bytes, 0);
  const exports = [];
  for (let i = 0; i < count; i++) {
    const start = at;
    const [length, nameStart] = readUleb(bytes, at);
    const name = bytes.subarray(nameStart, nameStart + length).toString("utf8");
    const [, end] = readUleb(bytes, nameStart + length + 1); // kind, then index
    exports.push({ name, bytes: bytes.subarray(start, end) });
    at = end;
  }
  return exports;
}

/** The glue's import object, and the names it defines, in the order it writes them. */
function glueObject(js, jsPath) {
  const object = js.match(new RegExp(`const ${GLUE_OBJECT} = \\{\\n([^]*?)\\n    \\};`));
  if (!object) throw new Error(`${jsPath}: no \`const ${GLUE_OBJECT} = {…}\` (has wasm-bindgen's output changed?)`);
  return { object: object[0], defined: [...object[1].matchAll(/^ {8}(\w+): function/gm)].map((m) => m[1]) };
}

/** Every import of the wasm from `module` has its function in the glue (and there is one). */
function expectDefined(imports, module, defined, jsPath) {
  const imported = imports.filter((i) => i.module === module).map((i) => i.name);
  const missing = imported.filter((name) => !defined.includes(name));
  if (imported.length === 0 || missing.length > 0) {
    throw new Error(`${jsPath}: lacks what the wasm imports from "${module}": ${missing.join(", ") || "(nothing imported)"}`);
  }
}

/** a … z, A … Z, then two letters: never a JS keyword nor `__proto__`. */
function shortName(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  do {
    name = letters[i % letters.length] + name;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return name === "do" || name === "if" || name === "in" ? `$${name}` : name;
}

function readSections(bytes) {
  const sections = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const headerStart = at;
    const id = bytes[at++];
    const [size, after] = readUleb(bytes, at);
    sections.push({ id, headerStart, start: after, end: after + size });
    at = after + size;
  }
  return sections;
}

/** Each import with its module, name and the bytes of its description, kept as they are. */
function readImports(bytes) {
  let at = 0;
  const uleb = () => {
    const [value, after] = readUleb(bytes, at);
    at = after;
    return value;
  };
  const name = () => {
    const length = uleb();
    const text = bytes.subarray(at, at + length).toString("utf8");
    at += length;
    return text;
  };
  const limits = () => {
    const flags = uleb();
    uleb();
    if (flags & 1) uleb();
  };
  const count = uleb();
  const imports = [];
  for (let i = 0; i < count; i++) {
    const module = name();
    const field = name();
    const start = at;
    const kind = bytes[at++];
    if (kind === 0) uleb(); // function: type index
    else if (kind === 1) { at++; limits(); } // table: element type, limits
    else if (kind === 2) limits(); // memory
    else if (kind === 3) at += 2; // global: value type, mutability
    else throw new Error(`import ${module}.${field}: unknown kind ${kind}`);
    imports.push({ module, name: field, description: bytes.subarray(start, at) });
  }
  return imports;
}

function writeImport({ module, name, description }) {
  const text = (s) => {
    const bytes = Buffer.from(s, "utf8");
    return Buffer.concat([uleb(bytes.length), bytes]);
  };
  return Buffer.concat([text(module), text(name), description]);
}

function readUleb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function uleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Buffer.from(out);
}
