# Territori's production image: `docker compose up` (compose.yaml) runs it with PostgreSQL,
# Redis, the task worker and Caddy in front. docs/operations.md explains it from zero.

# --- front-end packages (bootstrap-italia, vega, htmx): only the runtime ones ---------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- the Python application and its dependencies, built into a virtual environment -------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
RUN /venv/bin/pip install --upgrade pip && /venv/bin/pip install .

# --- what production needs, and nothing else ----------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint (report and sheet PDFs) needs Pango; pg_dump/pg_restore for `territori backup`
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin territori \
 && mkdir -p /var/lib/territori /srv/static /srv/media \
 && chown territori:territori /var/lib/territori /srv/static /srv/media
COPY --from=build /venv /venv
COPY --from=assets /build/node_modules /srv/node_modules
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=territori.settings.production \
    TERRITORI_VAR=/var/lib/territori \
    TERRITORI_NODE_MODULES=/srv/node_modules \
    TERRITORI_STATIC_ROOT=/srv/static \
    TERRITORI_MEDIA_ROOT=/srv/media \
    TERRITORI_BIND=0.0.0.0:8000
USER territori
WORKDIR /home/territori
# the static files are collected into the image (a dummy key: nothing secret is used)
RUN SECRET_KEY=collect-static-only territori vendor-assets \
 && SECRET_KEY=collect-static-only territori collectstatic --no-input -v 0
VOLUME ["/var/lib/territori"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/salute/', timeout=8).status == 200 else 1)"
CMD ["territori", "serve"]
