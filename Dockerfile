# Stretch Coach on gunicorn: the wheel is built in one stage and installed in a small runtime
# stage with no compiler or build tool, run as an unprivileged user. docs/deploying/container.md says how.

# Any image with Python 3.11 or newer and its venv module. deploy/check_container.py passes one
# made from Debian's packages where no registry can be reached.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY skill skill
COPY routines routines
COPY interaction_model interaction_model
# The project's wheel and every dependency's, so the runtime stage installs without a network.
# Behind a TLS-inspecting proxy, hand pip its CA: --secret id=pip-ca,src=/path/to/ca-bundle.pem
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && python3 -m venv /opt/pip \
    && /opt/pip/bin/pip wheel --no-cache-dir --disable-pip-version-check --wheel-dir /wheels . \
    && sha256sum /wheels/*.whl > /wheels.sha256

FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 coach \
    && useradd --system --uid 10001 --gid coach --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin coach \
    && mkdir /data && chown coach:coach /data
# Podman's build cache does not look into a bind mount from another stage, so without this copy
# (which changes whenever a wheel does) a rebuild would keep installing the first wheels it saw.
COPY --from=build /wheels.sha256 /opt/stretch-coach.wheels.sha256
# Installed from the wheels alone; pip and setuptools leave again, nothing installs at run time.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python3 -m venv /opt/stretch-coach \
    && /opt/stretch-coach/bin/pip install --no-cache-dir --disable-pip-version-check \
        --no-index --find-links /wheels stretch-coach \
    && /opt/stretch-coach/bin/pip uninstall --yes --quiet pip setuptools

# HOST: reachable from outside the container. The data folder holds the SQLite database when
# SKILL_DATABASE_URL is not set to a PostgreSQL server.
ENV PATH=/opt/stretch-coach/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8080 \
    SKILL_DATABASE_URL=sqlite:////data/stretch-coach.sqlite3
# Numeric, so orchestrators that insist on a non-root user (runAsNonRoot) can check it.
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 8080
# The image has no curl; Python is there anyway. A non-2xx answer or no answer fails the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8080') + '/health', timeout=4)"]
# gunicorn's master creates the app once, then forks the workers (skill/server.py).
ENTRYPOINT ["python", "-m", "skill"]
CMD ["serve"]
