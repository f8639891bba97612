export { ChannelstreamBackend, type BackendOptions } from './backend-client.js';
export { ChannelstreamApiError, type ApiErrorKind } from './api-error.js';
export type * from './api-types.js';
export type { RequestSigner, RequestToSign } from './signers/request-signer.js';
export { LegacyTimestampSigner, SIGNATURE_HEADER, type LegacyTimestampSignerOptions } from './signers/legacy-timestamp-signer.js';
export { TimestampSigner } from './signers/timestamp-signer.js';
export { StrictRequestSigner, STRICT_SIGNATURE_HEADERS, canonicalRequest, type StrictRequestSignerOptions } from './signers/strict-request-signer.js';
