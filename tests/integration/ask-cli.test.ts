import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The `ask` command as outside tools use it: stdout carries only the JSON lines DESIGN.md specifies. */
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    timeout: 60_000,
  });

describe('npm run ask', () => {
  it('--jsonl prints exactly one JSON object per non-empty input line and nothing else', () => {
    const out = run(['--jsonl'], 'đăng ký khai sinh cần gì\n\nxin chào\nlam so do lan dau o dau\n');
    expect(out.status).toBe(0);
    const lines = out.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    const rows = lines.map((l) => JSON.parse(l));
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['alternatives', 'answered', 'intent', 'procedure', 'question', 'score']);
      expect(['procedure', 'greeting', 'handoff', 'news', 'track', 'feedback', 'other']).toContain(row.intent);
    }
    expect(rows[0].procedure).toEqual({ code: '1.001193', name: 'Đăng ký khai sinh' });
    expect(rows[1]).toMatchObject({ question: 'xin chào', intent: 'greeting', answered: false, procedure: null });
    expect(rows[2].procedure.name).toMatch(/Giấy chứng nhận quyền sử dụng đất lần đầu/);
  });

  it('prints the rendered Vietnamese answer in human mode', () => {
    const out = run(['thủ tục đăng ký kết hôn']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Đăng ký kết hôn');
    expect(out.stdout).toContain('Thời hạn giải quyết');
  });

  it('explains its usage and exits 2 without a question', () => {
    const out = run([]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('usage');
  });
});
