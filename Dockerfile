# One image for both processes: the API (default command) and the worker (see docker-compose.yml).
FROM node:20-bookworm-slim

# openssl: Prisma probes for it at start-up. npm 11 honours "allowScripts" in package.json and
# strict-allow-scripts in .npmrc (npm 10, bundled with Node 20, would run every install script).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g npm@11

# Install, build and run as the unprivileged `node` user, owning /app (tools such as Prisma's config
# loader may want to write caches under node_modules).
WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first so that this layer is reused while only the sources change.
# (.npmrc* matches nothing when the file is absent; the other sources keep the COPY valid.)
COPY --chown=node:node package.json package-lock.json .npmrc* ./
RUN npm install --no-audit --no-fund

COPY --chown=node:node . .
# prisma generate && nest build api && nest build worker
RUN npm run build

ENV NODE_ENV=production \
    PORT=3000
EXPOSE 3000

# The API. docker-compose.yml runs `npx prisma migrate deploy` before it, and overrides the
# command for the worker: node dist/apps/worker/apps/worker/src/main.js
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
