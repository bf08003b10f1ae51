/**
 * Sizing of the functions of the pipeline, shared by the CDK stack and by the local runtime's
 * Lambda cost estimates (GB-seconds are memory times duration). A queue worker's timeout also
 * sets its queue's visibility timeout (`consumerVisibility` in queues.ts).
 */
export interface FunctionSizing {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export const functionSizing = {
  relationWriter: { memoryMb: 512, timeoutSeconds: 10 },
  planner: { memoryMb: 512, timeoutSeconds: 30 },
  fanoutWorker: { memoryMb: 1024, timeoutSeconds: 300 },
  deliveryWorker: { memoryMb: 1024, timeoutSeconds: 150 },
  /** One HMAC check and one small transaction per call: little memory, a short timeout. */
  receipt: { memoryMb: 256, timeoutSeconds: 10 },
} as const satisfies Record<string, FunctionSizing>;
