import type ProviderClass from 'oidc-provider';

let loaded: Promise<typeof ProviderClass> | undefined;

/**
 * Imports oidc-provider once. Its entry point prints "Unsupported runtime" on Node 20 (it targets Node 22 LTS,
 * works on 20: SPEC-NOTES §5); that one line is filtered so test and demo output stay readable.
 */
export function loadOidcProvider(): Promise<typeof ProviderClass> {
  loaded ??= (async () => {
    // biome-ignore lint/suspicious/noConsole: filtering a third-party start-up notice, restored right after
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes('Unsupported runtime')) warn(...args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return loaded;
}
