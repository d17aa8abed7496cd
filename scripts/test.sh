#!/usr/bin/env bash
# Runs every test of cachekit: unit tests (Surefire, *Tests) and integration tests
# against real memcached and redis-server processes (Failsafe, *IntegrationTests).
#
# On a fresh Debian or Ubuntu machine it first installs the memcached and redis-server
# packages when they are missing (as root, or through sudo). The tests start their own
# servers on free loopback ports; nothing needs to be running.
#
# Extra arguments go to Maven, e.g. scripts/test.sh -pl cachekit-core
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for binary in memcached redis-server; do
	if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "/usr/bin/$binary" ]; then
		missing+=("$binary")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing missing server packages: ${missing[*]}"
	if [ "$(id -u)" -eq 0 ]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "error: ${missing[*]} missing and not root; install with: apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

./mvnw -B -ntp verify "$@"

# A skipped test hides missing work: every test must run.
skipped=0
for summary in */target/failsafe-reports/failsafe-summary.xml; do
	[ -f "$summary" ] || continue
	count=$(sed -n 's:.*<skipped>\([0-9]*\)</skipped>.*:\1:p' "$summary")
	skipped=$((skipped + ${count:-0}))
done
for report in */target/surefire-reports/TEST-*.xml; do
	[ -f "$report" ] || continue
	count=$(sed -n 's:.*<testsuite [^>]*skipped="\([0-9]*\)".*:\1:p' "$report" | head -n 1)
	skipped=$((skipped + ${count:-0}))
done
if [ "$skipped" -ne 0 ]; then
	echo "error: $skipped test(s) were skipped; every test must run" >&2
	exit 1
fi
