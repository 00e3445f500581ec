import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * GraphiQL from the packages' own files, never a CDN: the explorer must work on machines and
 * sites without internet. React 18 is pinned because later versions ship no UMD builds.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: 'react/umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { file: 'react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { file: 'graphiql/graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { file: 'graphiql/graphiql.min.css', type: 'text/css' },
};

export const EXPLORER_ASSET_PREFIX = '/graphiql/assets/';

const EXPLORER_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Switchyard GraphQL explorer</title>
    <link rel="stylesheet" href="${EXPLORER_ASSET_PREFIX}graphiql.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading the explorer…</div>
    <script src="${EXPLORER_ASSET_PREFIX}react.js"></script>
    <script src="${EXPLORER_ASSET_PREFIX}react-dom.js"></script>
    <script src="${EXPLORER_ASSET_PREFIX}graphiql.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
      const defaultQuery = '{\\n  clusters {\\n    name\\n    revision\\n  }\\n}\\n';
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
      );
    </script>
  </body>
</html>
`;

function resolveAsset(file: string): string {
  const [pkg, ...rest] = file.split('/');
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), ...rest);
}

/** Serves the explorer page on a browser's GET of the GraphQL path, and its assets. */
export function graphqlExplorer(graphqlPath: string) {
  const cache = new Map<string, Buffer>();
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path === graphqlPath && request.accepts(['application/json', 'text/html']) === 'text/html' && !request.query.query) {
      response.type('text/html').send(EXPLORER_PAGE);
      return;
    }
    if (request.path.startsWith(EXPLORER_ASSET_PREFIX)) {
      const asset = ASSETS[request.path.slice(EXPLORER_ASSET_PREFIX.length)];
      if (!asset) return next();
      let body = cache.get(asset.file);
      if (!body) cache.set(asset.file, (body = readFileSync(resolveAsset(asset.file))));
      response.type(asset.type).set('Cache-Control', 'public, max-age=86400').send(body);
      return;
    }
    next();
  };
}
