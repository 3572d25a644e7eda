/**
 * dynalite as its own process, so its data outlives the app processes the durability suite kills.
 * Prints one JSON line `{"endpoint":"http://127.0.0.1:<port>"}` on stdout, then serves until SIGTERM or until
 * its stdin closes (the parent died).
 * Usage: tsx test/durability/dynalite-server.ts [dataDir]
 */
import { startEmbeddedDynamo } from '../../src/store/dynamodb/embedded-dynamo.js';

const path = process.argv[2];
const dynamo = await startEmbeddedDynamo(path ? { path } : {});
process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void dynamo.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
