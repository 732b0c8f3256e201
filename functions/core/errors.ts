/**
 * Named errors with stable codes and Chinese messages.
 * Every way in (HTTP, sheet, webhook, schedule) reports these the same way:
 * the HTTP layer maps `status`, the sheet writes `message` into the row's status column.
 */
export type ErrorDetails = Record<string, unknown> | undefined;

export abstract class DeskError extends Error {
  abstract readonly code: string;
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 422;
  readonly details: ErrorDetails;
  constructor(message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input does not match the schema (shape, type, format). */
export class ValidationError extends DeskError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(message = '输入数据格式不正确', details?: ErrorDetails) {
    super(message, details);
  }
}

export class UnauthorizedError extends DeskError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
  constructor(message = '未登录或登录凭证无效，请重新登录') {
    super(message);
  }
}

export class ForbiddenError extends DeskError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor(message = '当前岗位无权执行此操作', details?: ErrorDetails) {
    super(message, details);
  }
}

export class NotFoundError extends DeskError {
  readonly code: string;
  readonly status = 404;
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(message, details);
    this.code = code;
  }
}

/** Someone else changed the record first (optimistic version check failed). */
export class VersionConflictError extends DeskError {
  readonly code = 'VERSION_CONFLICT';
  readonly status = 409;
  constructor(message = '记录已被他人修改，请刷新后重试', details?: ErrorDetails) {
    super(message, details);
  }
}

/** The record to create already exists. */
export class AlreadyExistsError extends DeskError {
  readonly code: string;
  readonly status = 409;
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(message, details);
    this.code = code;
  }
}

/** Same idempotency key, different request. */
export class IdempotencyKeyReusedError extends DeskError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
  constructor(message = '幂等键已用于另一笔不同的请求，请使用新的幂等键') {
    super(message);
  }
}

/** A business rule refuses the request (well-formed input, wrong in context). */
export class BusinessRuleError extends DeskError {
  readonly code: string;
  readonly status = 422;
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(message, details);
    this.code = code;
  }
}

export const isDeskError = (error: unknown): error is DeskError => error instanceof DeskError;

/** The body every error answer carries, on every way out. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export const toErrorBody = (error: DeskError): ErrorBody => ({
  error: {
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
  },
});
