# One image for all four services (gateway, articles, comments, moderation); the container's
# command picks the entry point, e.g. `node dist/apps/articles/src/main.js` (see docker-compose.yml).
# The default command runs the gateway.
#
#   docker build -t comment-platform:local .
#
# PID 1: node itself (exec form, no shell in between), so SIGTERM reaches it directly and Nest's
# shutdown hooks (app.enableShutdownHooks() in libs/http) close HTTP, Kafka and MongoDB cleanly.
# Node does not reap orphaned children as PID 1, so run the container with an init
# (`init: true` in docker-compose.yml, `docker run --init`), which forwards signals to node.

# Node 24 LTS (Node 20 reached its end of life in April 2026; CI runs the unit specs on both).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: full install (dev dependencies: typescript, tsc-alias), compile to dist/ ------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until package.json / package-lock.json change.
# --ignore-scripts: tsc and tsc-alias need no install scripts (those in the tree are for swc,
# watchers and telemetry, none used by the build).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
# tsc -p tsconfig.build.json, then tsc-alias rewrites the @app/* paths to relative requires, so
# dist/ runs with plain node (no tsconfig-paths at run time).
RUN npm run build

# ---- runtime: production dependencies + compiled code, non-root ---------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    SCARF_ANALYTICS=false
WORKDIR /app
# Installed as root and left root-owned: the node user can read but not modify the app.
# --ignore-scripts: no production dependency needs an install script (only protobufjs' version
# notice and swagger-ui's telemetry have one). The npm cache is dropped in the same layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /tmp/* /root/.npm
COPY --from=build /app/dist ./dist

USER node
STOPSIGNAL SIGTERM
# gateway 3000, articles 3001, comments 3002, moderation 3003 (each service's PORT).
EXPOSE 3000 3001 3002 3003
# No HEALTHCHECK here: PORT differs per service, so docker-compose.yml defines the check
# (GET /health/ready on 127.0.0.1:$PORT with node's fetch; the image has no curl/wget).
CMD ["node", "dist/apps/gateway/src/main.js"]
