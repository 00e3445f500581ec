import { readFileSync } from 'node:fs';
import path from 'node:path';
import accepts from 'accepts';
import type { FastifyInstance } from 'fastify';

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

/**
 * Serves the explorer page on a browser's GET of the GraphQL path (a client asking for JSON, or
 * sending a query, still reaches GraphQL), and the page's assets.
 */
export function registerGraphqlExplorer(fastify: FastifyInstance, graphqlPath: string): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // Routing has already happened: the matched route says whether this is the GraphQL path.
    const asksForPage =
      request.routeOptions.url === graphqlPath &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !(request.query as Record<string, unknown> | undefined)?.query &&
      accepts(request.raw).type(['application/json', 'text/html']) === 'text/html';
    if (!asksForPage) return done();
    void reply.type('text/html; charset=utf-8').send(EXPLORER_PAGE);
  });
  const cache = new Map<string, Buffer>();
  fastify.get<{ Params: { file: string } }>(`${EXPLORER_ASSET_PREFIX}:file`, (request, reply) => {
    const asset = ASSETS[request.params.file];
    if (!asset) return reply.callNotFound();
    let body = cache.get(asset.file);
    if (!body) cache.set(asset.file, (body = readFileSync(resolveAsset(asset.file))));
    return reply.type(asset.type).header('Cache-Control', 'public, max-age=86400').send(body);
  });
}
