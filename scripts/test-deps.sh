#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: Redis, Debian's Chromium and fonts
# (plus any package named as an argument, e.g. wrk for the benchmark).
# Skips what is present. Never downloads a browser of Playwright's own.
set -eu
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
# Varnish with vmod_xkey for tests/integration/test_varnish.py (the shipped deploy/varnish/default.vcl).
[ -x /usr/sbin/varnishd ] || need+=(varnish)
dpkg -s varnish-modules >/dev/null 2>&1 || need+=(varnish-modules)
# nginx and openssl for tests/integration/test_nginx_config.py (`nginx -t` on deploy/nginx/, a throw-away cert).
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Extra commands named on the command line (make bench passes wrk).
for extra in "$@"; do command -v "$extra" >/dev/null 2>&1 || need+=("$extra"); done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package's own varnishd (ports 6081/6082) is not wanted on a test machine: tests start their own.
# Nor the package's own nginx (port 80): the test only runs `nginx -t`.
for service in varnish nginx; do
    if [[ " ${need[*]} " == *" $service "* ]] && command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
done
