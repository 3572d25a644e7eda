import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { describeCheckpointStorage } from './conformance.js';
import { describeLeaseStore } from './lease-conformance.js';

describeCheckpointStorage('InMemoryCheckpointStorage', () => new InMemoryCheckpointStorage());
describeLeaseStore('InMemoryCheckpointStorage', (now) => new InMemoryCheckpointStorage({ now }));
