// `npm run --silent signet -- <command> …`: the stable interface for operators and scripts.
import type { CommandIo } from "@/cli/command";
import { runCli } from "@/cli/main";

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  writeStdout: (bytes) =>
    new Promise((resolve, reject) => {
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
    }),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

process.exitCode = await runCli(process.argv.slice(2), io);
