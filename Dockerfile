FROM python:3.12.14-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app

COPY pyproject.toml README.md ./
COPY kaguaruoo kaguaruoo
COPY accounts accounts
COPY listings listings
COPY messaging messaging
COPY contracts contracts
COPY privacy privacy
COPY campaigns campaigns
RUN pip install .

COPY . .
# The message catalogs are compiled here (Babel, no gettext in the image); .mo files are not in git.
RUN pybabel compile -d locale -D django
RUN DEBUG=false SECRET_KEY=collectstatic-only SITE_URL=https://build.invalid python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 kagu && mkdir -p /app/var && chown -R kagu /app/var
USER kagu

EXPOSE 8000
# No access log from gunicorn: the site writes one JSON line per request itself, without query strings.
CMD ["gunicorn", "kaguaruoo.wsgi:application", "--bind", "0.0.0.0:8000"]
