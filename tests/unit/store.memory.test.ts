import { storeContract } from '../contract/store.contract.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

/** The store contract on the in-memory adapter (the one the use cases' unit tests run on). */
storeContract('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});
