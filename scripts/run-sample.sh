#!/usr/bin/env bash
# Builds and runs the sample application on http://localhost:8080. It needs no cache
# server; set CACHEKIT_MEMCACHED_SERVERS=host:port to use memcached.
#
# Extra arguments go to the application, e.g. scripts/run-sample.sh --server.port=9090
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp -pl sample-app -am package -DskipTests
exec java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar "$@"
