import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { describeCheckpointStorage } from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { describeLeaseStore } from '../../src/testing/storage/lease-conformance.js';

describeCheckpointStorage('InMemoryCheckpointStorage', () => new InMemoryCheckpointStorage());
describeLeaseStore('InMemoryCheckpointStorage', (now) => new InMemoryCheckpointStorage({ now }));
