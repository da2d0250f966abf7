import type { Storage, StoreItems } from 'botbuilder';
import type { KeyValueRepo } from '../ports/store.js';

/**
 * Botkit's dialog state in our store (botkit.md §8), so a dialog survives a restart and continues on
 * another worker. Writes arrive with eTag '*': races are prevented upstream by the per-conversation
 * turn lock, not here.
 */
export class DialogStorage implements Storage {
  constructor(private readonly repo: KeyValueRepo) {}

  async read(keys: string[]): Promise<StoreItems> {
    return (await this.repo.read(keys)) as StoreItems;
  }

  async write(changes: StoreItems): Promise<void> {
    await this.repo.write(changes);
  }

  async delete(keys: string[]): Promise<void> {
    await this.repo.delete(keys);
  }
}
