import { z } from 'zod';
import { reservedActionFields } from './action-event.ts';

/**
 * The `emit` action: for each recipient, an event put back on the bus (source `herald.actions`)
 * for a team's own service, or for another recipe to trigger on. See README, "Actions".
 */
export const emitSchema = z.strictObject({
  detailType: z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/, 'expected a name such as "BenefitGranted"'),
  /** Fields of the emitted detail, each copied from a field of the trigger's: `{"orderTotal": "total"}`. */
  fields: z
    .record(z.string(), z.string().min(1))
    // Checked here rather than as the record's key schema, whose error would not say why.
    .superRefine((fields, context) => {
      for (const field of Object.keys(fields)) {
        const reason = !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(field)
          ? 'expected a field name such as "couponValue"'
          : (reservedActionFields as readonly string[]).includes(field)
            ? `is set by Herald (${reservedActionFields.join(', ')})`
            : undefined;
        if (reason) context.addIssue({ code: 'custom', path: [field], message: reason });
      }
    })
    .optional(),
});
