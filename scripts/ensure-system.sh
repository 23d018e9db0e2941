#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium and its driver (browser
# tests), ffmpeg (transcoding tests), Thai fonts (screenshots and PDFs that show Thai),
# Pango (the reports' PDF).
# Installs what is missing when run as root; otherwise says exactly what to install.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
fc-list 2>/dev/null | grep -i "tlwg\|sarabun\|noto sans thai" >/dev/null || need+=(fonts-thai-tlwg)
# Certificates embed Laksaman; their tests read the PDF back with pdftotext.
[ -f /usr/share/fonts/truetype/tlwg/Laksaman.ttf ] || need+=(fonts-tlwg-laksaman-ttf)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Pango lays out the reports' PDF (WeasyPrint): Thai shaping and line breaks. grep reads all
# of ldconfig's output (no -q), so pipefail never sees a SIGPIPE.
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# The mirror's satellite-link test and bench drop packets at random with nftables
# (ip and tc come with iproute2).
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v tc >/dev/null 2>&1 || need+=(iproute2)
[ ${#need[@]} -eq 0 ] && exit 0

mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "ขาดแพ็กเกจระบบ / missing system packages: ${need[*]}" >&2
  echo "ติดตั้งด้วย / install with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "ติดตั้งแพ็กเกจระบบ / installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
