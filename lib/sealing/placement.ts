import { z } from "zod";

/** Where the visible stamp goes on a document: a rectangle on a page as displayed, in points; null for no visible stamp. */
export const placementSchema = z
  .object({
    page: z.number().int().min(1).max(100_000),
    rect: z.object({
      x: z.number().finite(),
      y: z.number().finite(),
      width: z.number().positive().max(14_400),
      height: z.number().positive().max(14_400),
    }),
  })
  .nullable();

export type Placement = z.infer<typeof placementSchema>;
