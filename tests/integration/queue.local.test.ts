import { createLocalBackend } from '../../src/queue/local/index.js';
import { queueContract } from '../contract/queue.contract.js';

/** The embedded-mode runner passes the same conformance suite as BullMQ. */
queueContract('local (in-process)', async () => {
  const backend = createLocalBackend();
  return { backend, cleanup: () => backend.close() };
});
