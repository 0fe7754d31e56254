#!/usr/bin/env bash
# Start the production set-up with Docker Compose and check it from outside: the home page,
# an indicator page, the API, a staff login and a background task run by the worker.
# Where Docker is not available it says so and stops (exit 0 locally; exit 1 with CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "compose smoke test skipped: Docker is not available on this machine"
  [ "${CI:-}" = "true" ] && [ "${TERRITORI_REQUIRE_DOCKER:-}" = "true" ] && exit 1
  exit 0
fi

if [ ! -f .env ]; then
  cp deploy/env.example .env
  sed -i "s/^SECRET_KEY=.*/SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')/" .env
  sed -i "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')/" .env
  sed -i "s/^TERRITORI_DOMAIN=.*/TERRITORI_DOMAIN=localhost/" .env
  sed -i "s/^EMAIL_BACKEND=.*/EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend/" .env
fi

docker compose up -d --build --wait
trap 'docker compose logs --tail=50 web worker || true' ERR

base="https://localhost"
curl_() { curl --silent --show-error --insecure --fail --max-time 60 "$@"; }

echo "==> demo data (the Turin agenda) and a staff account"
docker compose exec -T web territori demo >/dev/null
password=$(docker compose exec -T web python -c "import secrets; print(secrets.token_urlsafe(16))")
docker compose exec -T -e PW="$password" web territori shell -c "
import os
from django.contrib.auth import get_user_model
User = get_user_model()
user, _ = User.objects.get_or_create(username='smoke', defaults={'is_staff': True, 'email': 'smoke@example.org'})
user.set_password(os.environ['PW']); user.save()
"

echo "==> home, an indicator page, the API, the health check"
curl_ "$base/" | grep -q "Territori"
curl_ "$base/indicatori/10AMB017/" | grep -q "<h1"
curl_ "$base/api/v1/indicators/?limit=1" | grep -q '"count"'
curl_ "$base/salute/" | grep -q '"database"'
curl_ -o /dev/null "$base/static/territori/css/territori.css" || curl_ -o /dev/null "$base/favicon.ico"

echo "==> a login"
jar=$(mktemp)
token=$(curl_ -c "$jar" "$base/account/accedi/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
curl_ -b "$jar" -c "$jar" -o /dev/null -H "Referer: $base/account/accedi/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=smoke" \
  --data-urlencode "password=$password" "$base/account/accedi/"
curl_ -b "$jar" "$base/account/" | grep -q "smoke"

echo "==> a background task run by the worker"
docker compose exec -T web territori shell -c "
from territori.publication.tasks import open_data_build_task
print(open_data_build_task.enqueue().id)
" >/dev/null
for _ in $(seq 1 60); do
  if curl_ "$base/salute/" | grep -q '"last_finished": "'; then
    echo "smoke test passed"
    exit 0
  fi
  sleep 5
done
echo "the worker did not finish the task in 5 minutes" >&2
exit 1
