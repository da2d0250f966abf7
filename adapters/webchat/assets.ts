import { readFileSync } from 'node:fs';

/** The embeddable browser widget: plain files, no build step (client/widget.js, client/widget.css). */
export interface WidgetAssets {
  js: Buffer;
  css: Buffer;
}

export const WIDGET_CLIENT_DIR = new URL('./client/', import.meta.url);

/** Reads the widget's files once (at start-up), so the route serves them from memory. */
export function loadWidgetAssets(dir: URL = WIDGET_CLIENT_DIR): WidgetAssets {
  return {
    js: readFileSync(new URL('widget.js', dir)),
    css: readFileSync(new URL('widget.css', dir)),
  };
}
