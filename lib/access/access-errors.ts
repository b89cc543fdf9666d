import { SignetError } from "@/lib/engine/errors";

/** Deliberately the same for "not a member" and "member without the role": ids of other organisations reveal nothing. */
export class ForbiddenError extends SignetError {
  constructor(message = "You do not have permission to do this in this organisation.") {
    super("auth.forbidden", message, { status: 403 });
  }
}

/** Separation of duties: roles are always given by someone else. */
export class OwnRolesError extends ForbiddenError {
  constructor() {
    super("You cannot change your own roles. Ask another administrator of the organisation.");
  }
}

export class NotFoundError extends SignetError {
  constructor(what: string) {
    super("not_found", `${what} was not found.`, { status: 404 });
  }
}

export class ValidationError extends SignetError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super("validation", message, { status: 422 });
    this.field = field;
  }
}
