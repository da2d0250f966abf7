import { readFileSync } from 'node:fs';

/** The embeddable browser widget: plain files, no build step (client/widget.js, client/widget.css). */
export interface WidgetAssets {
  js: Buffer;
  css: Buffer;
}

export const WIDGET_CLIENT_DIR = new URL('./client/', import.meta.url);

/**
 * Reads the widget's files once (at start-up), so the route serves them from memory, without their
 * comments and indentation (a third of the bytes; the files in the repository keep them).
 */
export function loadWidgetAssets(dir: URL = WIDGET_CLIENT_DIR): WidgetAssets {
  return {
    js: Buffer.from(compactScript(readFileSync(new URL('widget.js', dir), 'utf8'))),
    css: Buffer.from(compactStyles(readFileSync(new URL('widget.css', dir), 'utf8'))),
  };
}

/**
 * widget.js without whole-line comments (`// …`, and `/* … *\/` blocks that fill their lines), blank
 * lines and indentation. Line breaks between statements stay, so no token changes and automatic
 * semicolon insertion reads it as before; comments that share a line with code stay too. The script has
 * no template literals or multi-line strings, where a line could start with `//` as text.
 */
export function compactScript(source: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const line of source.split('\n')) {
    const text = line.trim();
    if (inBlock) {
      if (text.endsWith('*/')) inBlock = false;
      else if (text.includes('*/')) throw new Error('widget.js: code after a block comment on the same line');
      continue;
    }
    if (text === '' || text.startsWith('//')) continue;
    if (text.startsWith('/*') && !text.includes('*/')) {
      inBlock = true;
      continue;
    }
    if (text.startsWith('/*') && text.endsWith('*/') && text.indexOf('*/') === text.length - 2) continue;
    out.push(text);
  }
  return out.join('\n') + '\n';
}

/** widget.css without comments, blank lines and indentation (its only string is `content: ""`). */
export function compactStyles(source: string): string {
  return (
    source
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join('\n') + '\n'
  );
}
