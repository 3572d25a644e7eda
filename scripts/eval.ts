/** `npm run eval`: see scripts/eval/cli.ts and docs/evaluation.md. */
import { loadDotEnv } from '../src/app/config.js';
import { runEvalCli } from './eval/cli.js';

loadDotEnv();
process.exitCode = await runEvalCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
