# streamscore as an image: docker compose up --build (docker-compose.yml wires it to Kafka and the registry).
# Pinned to the Node version the project is developed and tested with.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY config ./config
COPY schemas ./schemas
COPY models ./models
USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["run", "--config", "/app/config/iot-anomaly.yaml"]
