# syntax=docker/dockerfile:1
# zonescore container: `docker build -t zonescore .`, then see "Running in a container" in README.md.

# --- builder: turn the source tree and every dependency into wheels ---------------------------
# Nothing from this stage ships except the wheels, so build tools and sources stay out of the image.
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY scoring_models ./scoring_models
RUN pip wheel --wheel-dir /wheels .

# --- runtime: a slim Python with only the installed wheels ------------------------------------
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ZONESCORE_LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/zonescore-metrics
RUN groupadd --system --gid 10001 zonescore \
 && useradd --system --uid 10001 --gid zonescore --home-dir /srv/zonescore --create-home zonescore
COPY --from=builder /wheels /tmp/wheels
RUN pip install --no-index --find-links=/tmp/wheels zonescore && rm -rf /tmp/wheels
# The Alembic migrations are not part of the wheel; app.migrate looks for alembic.ini and
# migrations/ next to the installed `app` package, so put them there.
COPY alembic.ini /tmp/migrations-src/alembic.ini
COPY migrations /tmp/migrations-src/migrations
RUN dest="$(python -c 'import app, pathlib; print(pathlib.Path(app.__file__).resolve().parent.parent)')" \
 && cp -r /tmp/migrations-src/alembic.ini /tmp/migrations-src/migrations "$dest"/ \
 && rm -rf /tmp/migrations-src

WORKDIR /srv/zonescore
USER zonescore:zonescore
EXPOSE 8000

# /readyz answers 200 only when the database is reachable and migrated; urllib raises on 503, so
# the exit code is non-zero then. python -c instead of curl: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

# Migrate (idempotent), then serve; arguments after the image name go to `zonescore serve`, e.g.
# `docker run … zonescore --workers 4`. The metrics directory is emptied first because
# prometheus_client's multiprocess files from an earlier run would be counted again.
ENTRYPOINT ["/bin/sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && zonescore migrate && exec zonescore serve --host 0.0.0.0 --port 8000 \"$@\"", "zonescore"]
CMD ["--workers", "1"]
