# syntax=docker/dockerfile:1
# One image for both duban processes: the worker (default command) and the API
# (`node dist/api/main.js`). The Temporal binaries are not installed here: a container talks to a
# real Temporal service (docker-compose.yml, a cluster, or Temporal Cloud).

FROM node:20-slim AS build
WORKDIR /app
# the image needs neither the Temporal binaries nor a browser (that is for the browser test)
ENV DUBAN_SKIP_TEMPORAL_INSTALL=1 \
    DUBAN_SKIP_BROWSER=1 \
    DUBAN_SKIP_POSTGRES_INSTALL=1 \
    npm_config_audit=false \
    npm_config_fund=false
# dependencies first, so source edits do not reinstall them; postinstall runs every install script,
# so all of them are copied (test/unit/dockerfile.test.ts replays this stage without Docker)
COPY package.json package-lock.json ./
# (build-console.mjs does nothing here: the console's sources come with the next COPY, and
# `npm run build` builds it)
COPY scripts/install-*.mjs scripts/build-console.mjs scripts/
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production \
    DUBAN_SKIP_TEMPORAL_INSTALL=1 \
    DUBAN_API_HOST=0.0.0.0 \
    DUBAN_API_PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc does not copy .sql files; the record's migrations are read from here at start
COPY --from=build /app/activities/record/migrations ./activities/record/migrations
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 3000
# the worker bundles the workflow code at start; the API answers /readyz once Temporal is reachable
CMD ["node", "dist/worker/main.js"]
