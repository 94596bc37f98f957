#!/usr/bin/env bash
# friday — installs SigNoz's histogramQuantile binary (the ClickHouse UDF declared in
# histogram-quantile-function.xml) into the user_scripts volume. Run once by the
# init-clickhouse service before ClickHouse starts; does nothing when it is already there.
# Without network access it warns and lets the stack start: SigNoz then works, except the
# quantile panels of histogram metrics, until a later `make otel-up` can fetch it.
set -euo pipefail

dest=/var/lib/clickhouse/user_scripts/histogramQuantile
version=${HISTOGRAM_QUANTILE_VERSION:-v0.0.1}

if [ -x "$dest" ]; then
    echo "histogramQuantile is installed ($dest)"
    exit 0
fi

os=$(uname -s | tr '[:upper:]' '[:lower:]')
arch=$(uname -m | sed -e 's/aarch64/arm64/' -e 's/x86_64/amd64/')
url=${HISTOGRAM_QUANTILE_URL:-https://github.com/SigNoz/signoz/releases/download/histogram-quantile%2F${version}/histogram-quantile_${os}_${arch}.tar.gz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "fetching histogramQuantile ${version} for ${os}/${arch}"
if wget -q -T 60 -O "$tmp/hq.tar.gz" "$url" && tar -xzf "$tmp/hq.tar.gz" -C "$tmp" &&
    [ -f "$tmp/histogram-quantile" ]; then
    mkdir -p "$(dirname "$dest")"
    mv "$tmp/histogram-quantile" "$dest"
    chmod 0755 "$dest"
    echo "histogramQuantile installed ($dest)"
else
    echo "warning: could not fetch histogramQuantile from $url;" \
        "SigNoz quantiles of histogram metrics will fail until it is installed" >&2
fi
