/**
 * Configuring and starting the whole system (src/system/index.ts) in embedded mode for a test, in one
 * place: the tests differ only in what they add to the environment and to startSystem's options.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import type { ScryptParams } from '../../src/core/password.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem, type RunningSystem, type SystemOptions } from '../../src/system/index.js';

/** Console password hashing cheap enough for tests (production keeps the default cost). */
export const CHEAP_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

/**
 * Configuration for a system under test: any free port on loopback, silent logs, the test's DATA_DIR,
 * a fresh session secret, then `env` (which may override any of these; `undefined` unsets a key).
 */
export function testConfig(dataDir: string, env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SESSION_SECRET: randomUUID() + randomUUID(),
    ...env,
  });
}

/**
 * startSystem over testConfig(dataDir, env), logging through createLogger(config); `options` are
 * startSystem's other options (clock, passwordParams, listen, deadlines, adapters …) as given.
 */
export async function startTestSystem(
  dataDir: string,
  env: Record<string, string | undefined> = {},
  options: Omit<SystemOptions, 'config' | 'logger'> = {},
): Promise<RunningSystem> {
  const config = testConfig(dataDir, env);
  return startSystem({ config, logger: createLogger(config), ...options });
}

/** The environment that connects a system under test to a fake Zalo OA and a fake Graph API (both channels on). */
export function fakePlatformsEnv(zalo: { env(): Record<string, string> }, graph: { appSecret: string; pageAccessToken: string; base: string; version: string }): Record<string, string> {
  return {
    ...zalo.env(),
    FB_APP_SECRET: graph.appSecret,
    FB_PAGE_ACCESS_TOKEN: graph.pageAccessToken,
    FB_VERIFY_TOKEN: 'xac-minh',
    GRAPH_API_BASE: graph.base,
    GRAPH_API_VERSION: graph.version,
  };
}
