/** Node's `url` module as `@vscode/debugadapter` uses it (only `URL`), for the web bundle: the platform's URL. */
export const URL = globalThis.URL;
export default { URL };
