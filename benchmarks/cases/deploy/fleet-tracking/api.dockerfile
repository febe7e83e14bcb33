FROM node:latest AS assets # expect: CTR002
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ .
RUN npm run build

FROM python:3.12-slim AS build # ok: CTR001, CTR005
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim # expect: CTR005
RUN useradd --create-home --uid 10001 fleet
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/* && rm -rf /wheels
COPY --from=assets /web/dist ./static
COPY --chown=fleet:fleet fleet_tracking/ fleet_tracking/
USER fleet
RUN mkdir -p /app/cache
COPY docker/fleet-entrypoint.sh /usr/local/bin/fleet-entrypoint.sh
USER root # expect: CTR001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/fleet-entrypoint.sh"]
CMD ["uvicorn", "fleet_tracking.vehicle_positions:app", "--host", "0.0.0.0", "--port", "8080"]
