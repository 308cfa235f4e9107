// `make bench`: what the app's main wasm module is made of — its code by crate and its largest
// functions, read from the function names the module carries before wasm-opt strips them
// (target/app-build/bindgen/, written by scripts/build-app.mjs). Shares, not brotli bytes:
// wasm-opt shrinks everything by about the same factor.
import { readFileSync } from 'node:fs';

/** Unsigned LEB128 at `at`: [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** The module's sections: { id, name (custom ones), start, end } of each payload. */
function sections(bytes) {
  const found = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    let name = '';
    if (id === 0) {
      const [length, from] = leb(bytes, start);
      name = bytes.subarray(from, from + length).toString('utf8');
    }
    found.push({ id, name, start, end: start + size });
    at = start + size;
  }
  return found;
}

/** Number of imported functions (they come first in the function index space). */
function importedFunctions(bytes, section) {
  let [count, at] = leb(bytes, section.start);
  let functions = 0;
  while (count--) {
    for (let text = 0; text < 2; text++) {
      const [length, next] = leb(bytes, at);
      at = next + length;
    }
    const kind = bytes[at++];
    if (kind === 0) {
      functions++;
      at = leb(bytes, at)[1];
    } else if (kind === 1) {
      at += 1; // element type
      const flags = bytes[at++];
      at = leb(bytes, at)[1];
      if (flags & 1) at = leb(bytes, at)[1];
    } else if (kind === 2) {
      const flags = bytes[at++];
      at = leb(bytes, at)[1];
      if (flags & 1) at = leb(bytes, at)[1];
    } else if (kind === 3) {
      at += 2; // value type, mutability
    } else {
      at = leb(bytes, at + 1)[1]; // tag: attribute, type index
    }
  }
  return functions;
}

/** Function index → name, from the "name" custom section. */
function functionNames(bytes, section) {
  const names = new Map();
  let at = leb(bytes, section.start)[1] + 'name'.length;
  while (at < section.end) {
    const kind = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    if (kind === 1) {
      let [count, p] = leb(bytes, start);
      while (count--) {
        const [index, q] = leb(bytes, p);
        const [length, r] = leb(bytes, q);
        names.set(index, bytes.subarray(r, r + length).toString('utf8'));
        p = r + length;
      }
    }
    at = start + size;
  }
  return names;
}

/** A readable Rust path from a mangled (legacy `_ZN…E` or v0 `_R…`) symbol, roughly. */
export function demangle(symbol) {
  if (symbol.startsWith('_ZN')) {
    const parts = [];
    let at = 3;
    while (at < symbol.length && symbol[at] !== 'E') {
      const digits = /^\d+/.exec(symbol.slice(at))[0];
      at += digits.length;
      parts.push(symbol.slice(at, at + Number(digits)));
      at += Number(digits);
    }
    if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
    return parts.join('::')
      .replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
      .replace(/\$RF\$/g, '&').replace(/\$C\$/g, ',').replace(/\$BP\$/g, '*')
      .replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\.\./g, '::')
      .replace(/^_</, '<').replace(/::_([{<])/g, '::$1');
  }
  if (symbol.startsWith('_R')) {
    // v0: drop the crates' hashes (`Cs<hash>_`), then read the `<length><identifier>`s in order.
    const text = symbol.slice(2).replace(/Cs[0-9A-Za-z]+_(?=\d)/g, '');
    const words = [];
    const token = /(\d+)_?/y;
    for (let at = 0; at < text.length;) {
      token.lastIndex = at;
      const found = /[1-9]/.test(text[at]) && token.exec(text);
      const word = found && text.slice(token.lastIndex, token.lastIndex + Number(found[1]));
      if (found && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word) && word.length === Number(found[1])) {
        words.push(word);
        at = token.lastIndex + word.length;
      } else {
        at++;
      }
    }
    return words.join('::');
  }
  // wasm-bindgen's glue for closures and conversions is named by its signature.
  if (/->/.test(symbol)) return `wasm_bindgen::(glue) ${symbol}`;
  return symbol;
}

/** The crate a function belongs to: the first `crate::` in its path (the trait's or type's). */
export function crateOf(path) {
  const match = /([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(path);
  return match ? match[1] : '(other)';
}

/** Prints the main module's code by crate and its largest functions. */
export function printContributors(wasmPath, { crates = 12, functions = 10 } = {}) {
  const bytes = readFileSync(wasmPath);
  const all = sections(bytes);
  const imports = all.find((s) => s.id === 2);
  const code = all.find((s) => s.id === 10);
  const data = all.find((s) => s.id === 11);
  const nameSection = all.find((s) => s.id === 0 && s.name === 'name');
  if (!code || !nameSection) {
    console.log(`(${wasmPath} has no code or no function names: contributors not shown)`);
    return;
  }
  const firstDefined = imports ? importedFunctions(bytes, imports) : 0;
  const names = functionNames(bytes, nameSection);
  const bodies = [];
  let [count, at] = leb(bytes, code.start);
  for (let index = firstDefined; count--; index++) {
    const [size, start] = leb(bytes, at);
    bodies.push({ name: demangle(names.get(index) ?? `function ${index}`), size });
    at = start + size;
  }
  const codeBytes = bodies.reduce((sum, f) => sum + f.size, 0);
  const byCrate = new Map();
  for (const f of bodies) byCrate.set(crateOf(f.name), (byCrate.get(crateOf(f.name)) ?? 0) + f.size);
  const share = (n) => `${((100 * n) / codeBytes).toFixed(1).padStart(5)} %`;
  const kb = (n) => `${(n / 1024).toFixed(1).padStart(6)} KB`;
  console.log(`\nthe main module before wasm-opt: code ${kb(codeBytes)}, data ${kb(data ? data.end - data.start : 0)}`);
  console.log('its code by crate');
  for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, crates)) {
    console.log(`  ${crate.padEnd(32)} ${kb(size)} ${share(size)}`);
  }
  console.log('its largest functions');
  for (const f of [...bodies].sort((a, b) => b.size - a.size).slice(0, functions)) {
    console.log(`  ${kb(f.size)} ${share(f.size)}  ${f.name.slice(0, 110)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printContributors(process.argv[2] ?? 'target/app-build/bindgen/csp-app_bg.wasm');
}
