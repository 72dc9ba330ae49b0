# corpusgate: `docker build -t corpusgate .`, or `docker compose up --build` with compose.yaml.
FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# build = generate the protobuf code (buf, a dev dependency) + tsc; then drop the dev dependencies.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web console's static files are served from the sources' place (see src/http/console-route.ts).
COPY --from=build /app/src/console/static ./src/console/static
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# SIGTERM drains in-flight requests for SHUTDOWN_GRACE_MS (25 s) before exiting.
CMD ["node", "dist/src/cli/index.js", "serve"]
