/**
 * Errors that services throw. Each knows the HTTP status and RFC 9457 problem it maps to, so
 * services never import HTTP types and the global filter maps them all one way.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** A short, stable slug; the problem `type` is built from it. */
  abstract readonly code: string;
  /** Seconds a client should wait before retrying (sent as `Retry-After`). */
  readonly retryAfterSeconds?: number;
  /** Extra members of the problem document. */
  readonly extensions: Record<string, unknown> = {};

  constructor(detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

export class MemoryNotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Memory not found';
  readonly code = 'memory-not-found';
  constructor(id: string) {
    super(`No memory with id ${JSON.stringify(id)} exists for this user.`);
  }
}

export class DuplicateMemory extends DomainError {
  readonly status = 409;
  readonly title = 'Duplicate memory';
  readonly code = 'duplicate-memory';
  constructor(existingId: string) {
    super(`Another memory (${existingId}) already has this content and type.`);
    this.extensions.existingId = existingId;
  }
}

export class InvalidRequest extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly code = 'invalid-request';
  constructor(detail: string, errors?: Array<{ field: string; messages: string[] }>) {
    super(detail);
    if (errors) this.extensions.errors = errors;
  }
}

export type Backend = 'chroma' | 'vllm' | 'state';

const BACKEND_NAMES: Record<Backend, string> = {
  chroma: 'ChromaDB',
  vllm: 'The inference server',
  state: 'The state store',
};

/** A backend could not be reached or answered with a transient failure: retry later. */
export class BackendUnavailable extends DomainError {
  readonly status = 503;
  readonly title = 'Backend unavailable';
  readonly code = 'backend-unavailable';
  override readonly retryAfterSeconds: number;
  constructor(
    readonly backend: Backend,
    reason: string,
    retryAfterSeconds = 5,
  ) {
    super(`${BACKEND_NAMES[backend]} is unavailable: ${reason}`);
    this.retryAfterSeconds = retryAfterSeconds;
    this.extensions.backend = backend;
  }
}

/** A backend refused our request for a reason that retrying will not fix (configuration). */
export class BackendMisconfigured extends DomainError {
  readonly status = 502;
  readonly title = 'Backend rejected the request';
  readonly code = 'backend-misconfigured';
  constructor(
    readonly backend: Backend,
    reason: string,
  ) {
    super(`${BACKEND_NAMES[backend]} rejected the request: ${reason}`);
    this.extensions.backend = backend;
  }
}

/** The LLM's answer was not what was asked for (malformed JSON, wrong shape), even when asked again. */
export class UnusableModelAnswer extends DomainError {
  readonly status = 502;
  readonly title = 'Unusable model answer';
  readonly code = 'unusable-model-answer';
}

/** The model refused the input itself (for example, longer than its context). */
export class InputRejected extends DomainError {
  readonly status = 422;
  readonly title = 'Input rejected by the model';
  readonly code = 'input-rejected';
}

/** A feature that needs a backend the deployment does not have configured. */
export class FeatureUnavailable extends DomainError {
  readonly status = 503;
  readonly title = 'Feature unavailable';
  readonly code = 'feature-unavailable';
}

/** No valid credentials came with the request. */
export class Unauthenticated extends DomainError {
  readonly status = 401;
  readonly title = 'Unauthenticated';
  readonly code = 'unauthenticated';
}

/** The caller is known but may not do this. */
export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly code = 'forbidden';
}

/** Something the caller named does not exist for them (its existence is never revealed). */
export class NotFound extends DomainError {
  readonly status = 404;
  readonly code: string;
  constructor(
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.code = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly code = 'conflict';
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly code = 'too-many-requests';
  override readonly retryAfterSeconds: number;
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** The route exists, but not for this HTTP method. */
export class MethodNotAllowed extends DomainError {
  readonly status = 405;
  readonly title = 'Method not allowed';
  readonly code = 'method-not-allowed';
}

/**
 * The client went away before its answer: the work stops at its next step. Nobody reads the
 * answer; 499 is what proxies log for it.
 */
export class ClientGone extends DomainError {
  readonly status = 499;
  readonly title = 'Client closed request';
  readonly code = 'client-closed-request';
}

/** The body is in a format the route does not read (JSON sent as text/plain, say). */
export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
  readonly code = 'unsupported-media-type';
}

/** A URL the router refuses before any route is looked at (too long a segment, bad encoding). */
export class UnreadableUrl extends DomainError {
  readonly title = 'Unreadable URL';
  readonly code = 'unreadable-url';
  constructor(
    readonly status: 400 | 414,
    detail: string,
  ) {
    super(detail);
  }
}
