#!/usr/bin/env bash
# Builds the image and smoke-tests it where a Docker Engine runs:
#   bash docker/smoke-test.sh            (from the repository root)
# Start on a fresh volume (embedded Chroma, local embedder), wait for /health/ready, log in,
# store a memory and find it, stop (timed), start again on the same volume and find it again.
# Leaves nothing behind but the image. Exit 0 only if every step passed.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-memory-system:smoke}
NAME=memory-system-smoke-$$
VOLUME=$NAME-data
PORT=${PORT:-39123}
PASSWORD=smoke-admin-password-0123456789

cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  docker volume rm "$VOLUME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; docker logs --tail 50 "$NAME" >&2 || true; exit 1; }

start() {
  docker run -d --name "$NAME" -p "127.0.0.1:$PORT:3000" -v "$VOLUME:/data" \
    -e ADMIN_PASSWORD="$PASSWORD" -e JWT_SECRET="$(head -c 48 /dev/urandom | base64)" \
    -e NODE_ENV=test "$IMAGE" >/dev/null
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && return 0
    sleep 1
  done
  fail 'the service did not become ready in 120 s'
}

token() {
  curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" |
    node -e 'process.stdin.on("data", (d) => console.log(JSON.parse(d).accessToken))'
}

search() {
  curl -sf "http://127.0.0.1:$PORT/api/v1/memories/search" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d '{"query":"smoke test memory"}'
}

step "build $IMAGE"
docker build -f docker/Dockerfile -t "$IMAGE" .
docker image ls "$IMAGE" --format 'image size: {{.Size}}'

step 'start on a fresh volume'
start
[ "$(docker exec "$NAME" id -u)" != 0 ] || fail 'the service runs as root'
docker exec "$NAME" sh -c 'cat /proc/1/comm' | grep -q tini || fail 'PID 1 is not tini'

step 'log in, store, search'
TOKEN=$(token)
curl -sf "http://127.0.0.1:$PORT/api/v1/memories" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"content":"the smoke test memory","type":"note"}' >/dev/null
search "$TOKEN" | grep -q 'the smoke test memory' || fail 'the stored memory was not found'

step 'stop'
started=$(date +%s%N)
docker stop "$NAME" >/dev/null
echo "stopped in $(( ($(date +%s%N) - started) / 1000000 )) ms"
docker rm "$NAME" >/dev/null

step 'start again on the same volume'
start
search "$(token)" | grep -q 'the smoke test memory' || fail 'the memory did not survive the restart'

step 'all passed'
