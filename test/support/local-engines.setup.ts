import type { TestProject } from 'vitest/node';
import { startLocalEngines } from '../../shared/local/engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

/** One DynamoDB Local and one fauxqs for the whole run; each test isolates itself by table and queue names. */
export default async function setup(project: TestProject) {
  const engines = await startLocalEngines();
  project.provide('dynamodbEndpoint', engines.dynamodbEndpoint);
  project.provide('sqsEndpoint', engines.sqsEndpoint);
  return async () => {
    await engines.stop();
  };
}
