import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { describeCheckpointStorage } from './conformance.js';

describeCheckpointStorage('InMemoryCheckpointStorage', () => new InMemoryCheckpointStorage());
