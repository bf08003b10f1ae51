/**
 * The receipt key's secret: its logical id in the stack, and the environment variable carrying
 * its ARN to the functions that sign (delivery worker) or check (receipt endpoint) tokens.
 */
export const receiptKeySecret = { id: 'ReceiptKey', envName: 'RECEIPT_KEY_SECRET_ARN' } as const;
