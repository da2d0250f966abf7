import { describe, expect, it } from 'vitest';
import { compactScript, compactStyles, loadWidgetAssets } from '../../../adapters/webchat/assets.js';
import { WIDGET_BOOT_MARKER } from '../../../src/http/widget.router.js';

/** The widget's files as the server keeps them: without comments and indentation, still the same code. */
describe('widget assets', () => {
  it('When the script is compacted, then whole-line comments, blank lines and indentation go and every statement stays', () => {
    const source = [
      '/*',
      ' * Header',
      ' */',
      '(function () {',
      "  'use strict';",
      '  // a note',
      '',
      '  /** One line of JSDoc. */',
      '  var a = /*@marker*/null; // kept: code on the line',
      '  /* x */ var b = 2;',
      '  return a === null && b === 2;',
      '})();',
    ].join('\n');
    const compact = compactScript(source);
    expect(compact).toBe("(function () {\n'use strict';\nvar a = /*@marker*/null; // kept: code on the line\n/* x */ var b = 2;\nreturn a === null && b === 2;\n})();\n");
    expect(new Function(`return ${compact.trim().replace(/;$/, '')}`)()).toBe(true);
  });

  it('When a multi-line comment ends with code on its last line, then compacting refuses rather than drop the code', () => {
    expect(() => compactScript('/* a\n b */ var x = 1;\n')).toThrow(/block comment/);
  });

  it('When the styles are compacted, then comments and indentation go and the rules stay', () => {
    expect(compactStyles('/* top */\n.a {\n  color: red; /* why */\n}\n\n.b::after { content: ""; }\n')).toBe('.a {\ncolor: red;\n}\n.b::after { content: ""; }\n');
  });

  it("When the widget's own files are loaded, then the script still parses, keeps its boot marker once and carries no comment lines", () => {
    const { js, css } = loadWidgetAssets();
    const script = js.toString('utf8');
    expect(() => new Function(script)).not.toThrow();
    expect(script.split(WIDGET_BOOT_MARKER)).toHaveLength(2);
    expect(script).not.toMatch(/^\s*\/\//m);
    expect(css.toString('utf8')).toContain('.tl-launcher');
    expect(css.toString('utf8')).not.toContain('/*');
  });
});
