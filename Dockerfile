# investwire worker image (used by docker-compose.yml)
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY investwire ./investwire
COPY schemas ./schemas
COPY extraction ./extraction
COPY aggregation ./aggregation
COPY streams ./streams
COPY connectors ./connectors
RUN pip install --no-cache-dir . && useradd --create-home investwire && mkdir -p /data && chown investwire /data
USER investwire
ENTRYPOINT ["investwire"]
CMD ["worker"]
