# Production image of every process (deploy/kubernetes/cqrs.yaml): what runs, no
# test or lint tools. Installs requirements.txt only; the development file is for
# development machines and CI.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN python -m pip install --no-cache-dir -r requirements.txt

COPY manage.py Procfile ./
COPY config config
COPY commands commands
COPY projections projections
COPY readapi readapi
COPY scripts scripts
RUN python manage.py collectstatic --noinput --verbosity 0 \
    && DJANGO_SETTINGS_MODULE=config.settings.read \
       python manage.py collectstatic --noinput --verbosity 0

# CQRS_HOME (metrics files, logs) defaults to /app/.local: the process user's.
RUN useradd --system --uid 10001 cqrs && mkdir -p .local && chown cqrs .local
USER cqrs
EXPOSE 8000 8001
# The write web by default; the manifests choose the role with their own command.
CMD ["gunicorn", "--config", "python:config.gunicorn", "config.wsgi_write:application", \
     "--bind", "0.0.0.0:8000"]
