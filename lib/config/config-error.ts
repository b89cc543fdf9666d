import { SignetError } from "@/lib/engine/errors";

/** Configuration that stops start-up: the message says what to set and where. */
export class ConfigError extends SignetError {
  constructor(message: string) {
    super("config.invalid", message, { status: 500 });
  }
}
