#!/usr/bin/env bash
# Install the Debian packages listed in deploy/system-packages.txt for one use:
#   ensure-system.sh run        what the product needs (make run; the Docker image)
#   ensure-system.sh test       that plus what the test suite needs (make test)
#   ensure-system.sh run build  the Docker image's build stage (adds npm)
# The Dockerfile reads the same file, so the image, `make run` and `make test`
# cannot drift apart. Installs what is missing when run as root (apt-get);
# otherwise stops with one line naming what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
uses="${*:-test}"
list=deploy/system-packages.txt

wanted() {  # package names whose WHERE column names one of the uses in $1 (test implies run)
  awk -v uses=" $1 " '!/^[[:space:]]*#/ && NF >= 2 {
    if (uses ~ / test /) uses = uses "run "
    n = split($2, where, ",")
    for (i = 1; i <= n; i++)
      if (index(uses, " " where[i] " ")) { print $1; break }
  }' "$list"
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ไม่ใช่ระบบ Debian: ติดตั้งแพ็กเกจเทียบเท่าเอง / not a Debian system: install the equivalents of: $(wanted "$uses" | tr '\n' ' ')" >&2
  exit 0
fi
need=()
while read -r name; do installed "$name" || need+=("$name"); done < <(wanted "$uses")
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ขาดแพ็กเกจระบบ ติดตั้งด้วย / missing system packages, install with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "ติดตั้งแพ็กเกจระบบ / installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${need[@]}" >/dev/null
