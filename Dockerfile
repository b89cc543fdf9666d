# Signet's container image. It runs the very scripts CI tests: `node scripts/build.mjs` builds the
# app tree (Next's standalone output with the compiled server, CLI and workers), and the image runs
# that tree's start.sh, as `npm test`'s browser suite does. No container engine runs on the
# machines this project is developed on: this file is written to match what CI tests, but the
# image itself has not been built here.

# --- build: all dependencies, the sources, the build -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
# postinstall generates the Prisma client from the schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs scripts/no-schema-engine.sh ./scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

# --- runtime: the app tree alone, as an unprivileged user --------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    SIGNET_DATA_DIR=/data \
    NEXT_TELEMETRY_DISABLED=1
RUN groupadd --system --gid 10001 signet \
 && useradd --system --uid 10001 --gid signet --home-dir /app --shell /usr/sbin/nologin signet \
 && mkdir -p /data \
 && chown signet:signet /data \
 && chmod 700 /data
COPY --from=build /src/.next/standalone /app
RUN ln -s /app/signet /usr/local/bin/signet
WORKDIR /app
USER signet
# Documents, the embedded database (without DATABASE_URL) and generated secrets live here.
VOLUME ["/data"]
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["/app/start.sh"]
