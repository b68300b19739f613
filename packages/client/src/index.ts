export {
  type CallbackServer,
  type CallbackServerOptions,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  escapeHtml,
  startCallbackServer,
} from './callback-server.js';
export { ClientError, type ClientErrorCode, isClientError } from './client-error.js';
export { assertBrowsableUrl, openBrowser } from './open-browser.js';
