import { createRequire } from 'node:module';
import { TokenStoreError } from './token-store-error.js';

/** The optional peer dependencies of `@mcp-oauth/token-store`: installed only by embedders that use them. */
export type OptionalBackend = '@napi-rs/keyring' | '@keyv/redis' | 'keyv';

/**
 * How the stores find an optional backend: `resolve` (synchronous, at store creation, for the keyring helper's
 * module path) and `import` (the module itself, on first use). Both throw when the package is not installed.
 * Injectable so that tests can make a backend absent.
 */
export interface BackendLoader {
  resolve(specifier: OptionalBackend): string;
  import(specifier: OptionalBackend): Promise<unknown>;
}

/** Resolves and imports from this package's own location (the embedder's node_modules). */
export const defaultBackendLoader: BackendLoader = {
  resolve: (specifier) => createRequire(import.meta.url).resolve(specifier),
  import: (specifier) => import(specifier),
};

/** The install command for the given packages, e.g. `npm install @keyv/redis keyv`. */
export function installCommand(packages: readonly OptionalBackend[]): string {
  return `npm install ${packages.join(' ')}`;
}

/** Whether `error` says that a module could not be found (CommonJS resolve or ESM import). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** The `store_backend_missing` error of `feature`, whose message ends with the command to run. */
export function backendMissing(
  feature: string,
  packages: readonly OptionalBackend[],
  cause?: unknown,
): TokenStoreError {
  return new TokenStoreError(
    'store_backend_missing',
    `${feature} needs the optional package${packages.length > 1 ? 's' : ''} ${packages.join(', ')}, which ${
      packages.length > 1 ? 'are' : 'is'
    } not installed; run: ${installCommand(packages)}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * The resolved path of `specifier`, or `store_backend_missing` for `feature` naming `packages` to install.
 * Errors other than "not found" are rethrown as they are.
 */
export function resolveBackend(
  loader: BackendLoader,
  specifier: OptionalBackend,
  feature: string,
  packages: readonly OptionalBackend[] = [specifier],
): string {
  try {
    return loader.resolve(specifier);
  } catch (error) {
    if (isModuleNotFound(error)) throw backendMissing(feature, packages, error);
    throw error;
  }
}

/** The module `specifier` (dynamic import), or `store_backend_missing` for `feature` naming `packages`. */
export async function importBackend<T>(
  loader: BackendLoader,
  specifier: OptionalBackend,
  feature: string,
  packages: readonly OptionalBackend[] = [specifier],
): Promise<T> {
  try {
    return (await loader.import(specifier)) as T;
  } catch (error) {
    if (isModuleNotFound(error)) throw backendMissing(feature, packages, error);
    throw error;
  }
}
