export { createApi } from './client';
export type { Api, ApiOptions, OkadaClient } from './client';
export { openLive } from './live';
export type { LiveConnection, LiveEvent, LiveOptions, LiveState } from './live';
export { ApiError, BAD_RESPONSE, NETWORK_ERROR, errorFromBody, isProblem } from './problem';
export type { FieldError, Problem } from './problem';
export { AUTH_CHANNEL, REFRESH_LOCK, Session } from './session';
export type { Account, SessionEvent, TokenResponse } from './session';
export type { components, operations, paths } from './schema.gen';
