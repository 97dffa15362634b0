import { memoryStore } from '../src/stores/memory-store.ts';
import { storeConformance } from './store-conformance.ts';

storeConformance('memory', async () => memoryStore());
