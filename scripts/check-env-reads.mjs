#!/usr/bin/env node
/**
 * Enforces "src/config.ts is the only reader of process.env" (style.md §3.6) without ESLint.
 *
 * Scans every .ts/.mts/.cts file under src, flows, knowledge, adapters and tests, plus root *.ts
 * (vitest.config.ts). Comments are ignored; strings are not (a template literal may interpolate
 * process.env, and the rule is simpler to follow than to argue with). Flags `process.env`,
 * `process['env']`, destructuring `{ env } = process` and `import { env } from 'node:process'`.
 *
 * Tests: code under test takes an env object (loadConfig(env)), so tests never need process.env.
 * The one exception is handing the parent's environment to a child process, which must be written
 * as a spread, e.g. `spawn(cmd, args, { env: { ...process.env, PORT: '0' } })`; in tests/ a
 * `...process.env` spread is allowed, any other use is not. Nothing outside tests/ is exempt.
 *
 * Exit code 1 with file:line for each finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIRS = ['src', 'flows', 'knowledge', 'adapters', 'tests'];
const ALLOWED_FILE = 'src/config.ts';
const EXTENSIONS = /\.(ts|mts|cts)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'data', 'coverage']);

const PATTERNS = [
  /\bprocess\s*(?:\?\.|\.)\s*env\b/g,
  /\bprocess\s*\[\s*['"`]env['"`]\s*\]/g,
  /\{[^}]*\benv\b[^}]*\}\s*=\s*(?:globalThis\.)?process\b/g,
  /\bimport\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](?:node:)?process['"]/g,
];
const TEST_SPREAD = /\.\.\.\s*process\.env\b/g;

/** Removes comments while keeping strings and line numbers intact. */
function stripComments(source) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i += 1;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      out += c;
      i += 1;
    }
  }
  return out;
}

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (EXTENSIONS.test(name)) yield path;
  }
}

function lineOf(source, index) {
  return source.slice(0, index).split('\n').length;
}

const files = [
  ...DIRS.flatMap((d) => [...walk(join(ROOT, d))]),
  ...readdirSync(ROOT).filter((n) => EXTENSIONS.test(n)).map((n) => join(ROOT, n)),
];

const findings = [];
for (const file of files) {
  const rel = relative(ROOT, file).split(sep).join('/');
  if (rel === ALLOWED_FILE) continue;
  let code = stripComments(readFileSync(file, 'utf8'));
  if (rel.startsWith('tests/')) code = code.replace(TEST_SPREAD, (m) => ' '.repeat(m.length));
  for (const pattern of PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      findings.push(`${rel}:${lineOf(code, match.index)}: ${match[0].replace(/\s+/g, ' ')}`);
    }
  }
}

if (findings.length > 0) {
  console.error(`process.env may only be read in ${ALLOWED_FILE} (pass values from Config instead):`);
  for (const f of findings) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`env reads ok: ${files.length} files checked; only ${ALLOWED_FILE} reads process.env`);
