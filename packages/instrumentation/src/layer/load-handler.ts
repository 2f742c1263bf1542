import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } from './errors.js';

// biome-ignore lint/suspicious/noExplicitAny: a handler takes whatever the function's events are.
export type LoadedHandler = (...args: any[]) => any;

const requireModule = createRequire(import.meta.url);

/** A handler string split as the runtime splits it: `src/app.handlers.main` → `src`, `app`, `handlers.main`. */
export interface HandlerSpec {
  moduleRoot: string;
  moduleName: string;
  /** Dotted path of the function inside the module. */
  handlerPath: string;
}

export function parseHandler(handler: string): HandlerSpec {
  if (handler.includes('..')) {
    throw new MalformedHandlerName(
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handler);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match || match[1] === undefined || match[2] === undefined)
    throw new MalformedHandlerName('Bad handler');
  return {
    moduleRoot: handler.slice(0, handler.length - base.length),
    moduleName: match[1],
    handlerPath: match[2],
  };
}

/**
 * Loads the handler named by `_HANDLER` (relative to `LAMBDA_TASK_ROOT`, or absolute) the way the
 * Node.js runtime does, so a function behaves the same with and without the layer:
 *
 * 1. `<root>/<module>` without extension, with `require`;
 * 2. `<module>.js` with `require`, unless the nearest package.json says `"type": "module"`;
 * 3. `<module>.js` with `import` when it does, then `<module>.mjs` with `import`, then
 *    `<module>.cjs` with `require`;
 * 4. else `<module>` as a package, resolved from the task root and the module root.
 *
 * The function is then looked up along the dotted path, in the module's default export too (an
 * ES module may export an object). Errors carry the runtime's names (`Runtime.ImportModuleError`…).
 */
export async function loadHandler(taskRoot: string, handler: string): Promise<LoadedHandler> {
  const spec = parseHandler(handler);
  const module = await loadModule(taskRoot, spec);
  const found = lookup(module, spec.handlerPath) ?? lookup(defaultExport(module), spec.handlerPath);
  if (found === undefined || found === null)
    throw new HandlerNotFound(`${handler} is undefined or not exported`);
  if (typeof found !== 'function') throw new HandlerNotFound(`${handler} is not a function`);
  return found as LoadedHandler;
}

async function loadModule(taskRoot: string, spec: HandlerSpec): Promise<unknown> {
  const file = path.resolve(taskRoot, spec.moduleRoot, spec.moduleName);
  try {
    if (existsSync(file)) return requireModule(file);
    const typeModule = nearestPackageIsModule(path.dirname(file));
    if (!typeModule && existsSync(`${file}.js`)) return requireModule(`${file}.js`);
    if (typeModule && existsSync(`${file}.js`)) return await import(pathToFileURL(`${file}.js`).href);
    if (existsSync(`${file}.mjs`)) return await import(pathToFileURL(`${file}.mjs`).href);
    if (existsSync(`${file}.cjs`)) return requireModule(`${file}.cjs`);
    return requireModule(
      requireModule.resolve(spec.moduleName, { paths: [taskRoot, path.resolve(taskRoot, spec.moduleRoot)] }),
    );
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
}

/** The runtime's rule: the nearest package.json decides, and a node_modules folder ends the search. */
function nearestPackageIsModule(folder: string): boolean {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

function lookup(module: unknown, dottedPath: string): unknown {
  let value = module;
  for (const key of dottedPath.split('.')) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function defaultExport(module: unknown): unknown {
  return typeof module === 'object' && module !== null && 'default' in module
    ? (module as { default: unknown }).default
    : undefined;
}
