import { describe, expect, it } from 'vitest';
import { parseHandler } from './load-handler.js';

describe('parseHandler', () => {
  it('splits module root, module and the dotted function path as the runtime does', () => {
    expect(parseHandler('index.handler')).toEqual({
      moduleRoot: '',
      moduleName: 'index',
      handlerPath: 'handler',
    });
    expect(parseHandler('src/app.handlers.main')).toEqual({
      moduleRoot: 'src/',
      moduleName: 'app',
      handlerPath: 'handlers.main',
    });
    expect(parseHandler('/opt/custom/entry.run')).toEqual({
      moduleRoot: '/opt/custom/',
      moduleName: 'entry',
      handlerPath: 'run',
    });
    // Only the last path segment holds the module name: dots before it belong to folders.
    expect(parseHandler('dist.v2/index.handler')).toEqual({
      moduleRoot: 'dist.v2/',
      moduleName: 'index',
      handlerPath: 'handler',
    });
  });

  it('refuses handler strings the runtime refuses, with its error names', () => {
    expect(() => parseHandler('index')).toThrow(
      expect.objectContaining({ name: 'Runtime.MalformedHandlerName' }),
    );
    expect(() => parseHandler('../up/index.handler')).toThrow(/Use absolute paths/);
  });
});
