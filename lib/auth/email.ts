import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .email("Enter a valid email address.");

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
