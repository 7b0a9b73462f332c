#!/usr/bin/env bash
# Installs the real peers that the interop tests and benchmarks talk to, from Debian's packages.
# Idempotent: packages already present are left alone, and apt is only asked when one is missing.
set -euo pipefail

packages=(kcat zookeeper zookeeper-bin zktop python3-kafka python3-confluent-kafka
  python3-kazoo python3-snappy python3-lz4 python3-xxhash netcat-openbsd tmux default-jre-headless hyperfine lz4 zstd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all peers present"
  exit 0
fi
echo "install-peers: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# would start a system ZooKeeper on :2181; the tests start their own on free ports.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
$SUDO rm -f /usr/sbin/policy-rc.d
echo "install-peers: done"
