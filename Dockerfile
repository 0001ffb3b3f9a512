# The reference target (`ingestbench serve`) as an image, for `--target containers` on machines
# that can pull a Node base image. ingestbench builds and tags it itself (ingestbench-reference:<hash>);
# by hand: npm run build && docker build -t ingestbench-reference .
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json* ./
# Production dependencies only. No install scripts: on Node >= 22 SQLite is better-sqlite3 13's
# prebuilt binary; on Node 20 better-sqlite3 12 is built, which needs its script.
RUN if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then s=--ignore-scripts; else s=; fi; \
    npm install --omit=dev --no-audit --no-fund $s && npm cache clean --force
COPY dist/src ./dist/src
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["serve", "--host", "127.0.0.1", "--memory"]
