import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** What a running `herald start` tells other commands: `.herald/runtime.json` under the cwd. */
const runtimeFile = z.object({
  dynamodbEndpoint: z.string().min(1),
  tables: z.record(z.string(), z.string()),
  /** The SQS engine and queue URLs by definition id: `herald campaign` sends readers and jobs. */
  sqsEndpoint: z.string().min(1).optional(),
  queues: z.record(z.string(), z.string()).optional(),
  /** How far the runtime's clock is ahead of the wall clock (`herald start --at`), so commands share it. */
  clockOffsetMs: z.number().optional(),
});
export type RuntimeFile = z.infer<typeof runtimeFile>;

export const runtimeFilePath = (cwd = process.cwd()) => join(cwd, '.herald', 'runtime.json');

export const writeRuntimeFile = async (content: RuntimeFile, cwd = process.cwd()): Promise<void> => {
  await mkdir(join(cwd, '.herald'), { recursive: true });
  await writeFile(runtimeFilePath(cwd), `${JSON.stringify(content, null, 2)}\n`);
};

/** The running runtime's engines and tables, or undefined when none wrote its file here. */
export const readRuntimeFile = async (cwd = process.cwd()): Promise<RuntimeFile | undefined> => {
  const text = await readFile(runtimeFilePath(cwd), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : runtimeFile.parse(JSON.parse(text));
};

/** A stopped runtime's engines are gone: other commands must not find them. */
export const removeRuntimeFile = async (cwd = process.cwd()): Promise<void> => {
  await rm(runtimeFilePath(cwd), { force: true });
};
