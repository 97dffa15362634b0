import { memoryStore } from '../src/stores/memory-store.ts';
import { tokenVaultSuite } from './token-vault-suite.ts';

tokenVaultSuite('memory', async () => memoryStore());
