# The reference target (`ingestbench serve`) as an image, for `--target containers` on machines
# that can pull a Node base image. ingestbench builds and tags it itself (ingestbench-reference:<hash>);
# by hand: npm run build && docker build -t ingestbench-reference .
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json* ./
# Production dependencies only. Where Node has node:sqlite (22.16+, 24) the optional better-sqlite3
# is left out and no install script is needed; on Node 20 better-sqlite3 12 fetches its binary.
RUN if node -e "process.exit(typeof require('node:sqlite').StatementSync.prototype.setReturnArrays === 'function' ? 0 : 1)" 2>/dev/null; \
    then flags="--omit=optional --ignore-scripts"; else flags=""; fi; \
    npm install --omit=dev --no-audit --no-fund $flags && npm cache clean --force
COPY dist/src ./dist/src
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["serve", "--host", "127.0.0.1", "--memory"]
