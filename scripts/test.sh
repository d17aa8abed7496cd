#!/usr/bin/env bash
# Runs every test of cachekit: unit tests (Surefire, *Tests) and integration tests
# against real memcached and redis-server processes (Failsafe, *IntegrationTests).
#
# On a fresh Debian or Ubuntu machine it first installs the memcached and redis-server
# packages when they are missing, and sasl2-bin and libsasl2-modules (saslpasswd2 and the
# PLAIN mechanism, for the memcached SASL tests) and openssl (test certificates for the TLS
# tests) and redis-tools (redis-cli, which joins the Redis Cluster of the cluster tests;
# the Sentinel tests run redis-server --sentinel and need no other package), and updates a
# Debian OpenJDK 17 older
# than 17.0.19 (as root, or through sudo): NullAway checks the JSpecify annotations in full (its JSpecify
# mode) only on 17.0.19+, 21.0.8+ or 22+. The tests start their own servers on free
# loopback ports; nothing needs to be running.
#
# Extra arguments go to Maven, e.g. scripts/test.sh -pl cachekit-core
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib/build-env.sh
. scripts/lib/build-env.sh

select_nullaway_mode

missing=()
for binary in memcached redis-server; do
	if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "/usr/bin/$binary" ]; then
		missing+=("$binary")
	fi
done
# redis-cli (Debian package redis-tools) creates the Redis Cluster of the cluster tests.
if ! command -v redis-cli >/dev/null 2>&1 && [ ! -x /usr/bin/redis-cli ]; then
	missing+=(redis-tools)
fi
# openssl makes the certificates of the TLS tests (memcached -Z, redis-server --tls-port).
if ! command -v openssl >/dev/null 2>&1 && [ ! -x /usr/bin/openssl ]; then
	missing+=(openssl)
fi
# saslpasswd2 creates the SASL database of the memcached SASL tests (memcached -S), whose
# PLAIN mechanism is in libsasl2-modules (only recommended by memcached).
if ! command -v saslpasswd2 >/dev/null 2>&1 && [ ! -x /usr/sbin/saslpasswd2 ]; then
	missing+=(sasl2-bin)
fi
# dpkg -s succeeds for a removed package whose configuration files remain: ask for its
# status instead.
if command -v dpkg-query >/dev/null 2>&1 \
		&& ! dpkg-query -W -f='${Status}' libsasl2-modules 2>/dev/null | grep -q 'install ok installed'; then
	missing+=(libsasl2-modules)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "Installing missing server packages: ${missing[*]}"
	apt_install "${missing[@]}"
fi

./mvnw -B -ntp verify "${jspecify[@]}" "$@"

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
