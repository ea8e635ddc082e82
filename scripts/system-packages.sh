#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
# Usage: scripts/system-packages.sh [run|test]
#   run:  fonts with every Vietnamese letter, gettext (translations), poppler-utils, and
#         LibreOffice without its desktop (practical tasks: recalculating workbooks, reading
#         OpenDocument files, drawing files as pages for the proctor)
#   test: the same, plus Debian's chromium for the browser tests, SoftHSM2 with OpenSC's
#         pkcs11-tool, a software token for the PKCS#11 signing tests, and HAProxy, the
#         load balancer of scripts/cluster.sh (several servers on one machine)
set -euo pipefail
packages=(fonts-liberation2 gettext poppler-utils
  libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)
if [ "${1:-run}" = "test" ]; then
  packages+=(chromium softhsm2 opensc haproxy)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
