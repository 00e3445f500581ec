/**
 * The architecture, checked by `npm test` (test/architecture/dependency-rules.test.ts):
 * the network engine stays pure, and no app imports another.
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-pure',
      comment: 'libs/engine is plain TypeScript over plain data: no framework, driver, queue or logger.',
      severity: 'error',
      from: { path: '^libs/engine/' },
      to: {
        path: [
          'node_modules/(@nestjs|@prisma|prisma|bullmq|ioredis|pg|pino|nestjs-pino|express|@apollo|graphql|prom-client)/',
          '^libs/(persistence|jobs|config)/',
          '^apps/',
        ],
      },
    },
    {
      name: 'engine-has-no-io',
      comment: 'No file system, network or process access in the engine.',
      severity: 'error',
      from: { path: '^libs/engine/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|cluster|dgram|dns|worker_threads|process)$' },
    },
    {
      name: 'apps-are-separate',
      comment: 'An app never imports another app; shared code lives in libs/.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
