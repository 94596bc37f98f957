#!/usr/bin/env bash
# static-deps.sh — builder stage of tools/Dockerfile: every library the probes link
# against, as static archives under $PREFIX (pkg-config files in $PREFIX/lib/pkgconfig).
#
#   from the builder's Debian packages (their .a files):
#       libnats (libnats_static.a, trixie and later), hiredis, OpenSSL, libsodium, protobuf-c
#   rebuilt from Debian source packages of $SOURCES_SUITE:
#       libcurl (HTTP and HTTPS only) and libpq — Debian's own libcurl.a and libpq.a need
#       GSSAPI, LDAP, IDN, PSL, SSH, RTMP, nghttp2 ... which Debian ships without .a files;
#       libmicrohttpd (cortex's HTTP server) without HTTPS — Debian's links GnuTLS.
#
# Runs as root inside a Debian builder (the Dockerfile's BUILDER_IMAGE, trixie or later).
# The deb-src line is derived from the builder's own apt sources (same mirror).
set -euo pipefail

PREFIX=${PREFIX:-/opt/static}
SOURCES_SUITE=${SOURCES_SUITE:-bookworm}
PG_SOURCE=${PG_SOURCE:-postgresql-15}
WORK=${WORK:-/usr/src/arc-static}
JOBS=${JOBS:-$(nproc)}
export DEBIAN_FRONTEND=noninteractive

log() { printf 'static-deps: %s\n' "$*"; }
die() { printf 'static-deps: %s\n' "$*" >&2; exit 1; }

# quiet CMD...: run CMD with its output in a log; show the log's tail when it fails.
quiet() {
    local logf=$WORK/last.log
    "$@" >"$logf" 2>&1 || { tail -n 40 "$logf" >&2; die "failed: $*"; }
}

install_packages() {
    log "installing the toolchain and the packaged static libraries"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        build-essential pkg-config dpkg-dev ca-certificates \
        libssl-dev zlib1g-dev libzstd-dev \
        libhiredis-dev libjsmn-dev libnats-dev libyaml-dev libsodium-dev libprotobuf-c-dev \
        >/dev/null
    [ -f /usr/lib/x86_64-linux-gnu/libnats_static.a ] || [ -n "$(find /usr/lib -name libnats_static.a -print -quit)" ] ||
        die "this builder's libnats-dev has no libnats_static.a (Debian trixie or later has it)"
}

# The first archive URI of the existing apt sources (one-line or deb822 format).
archive_uri() {
    local f uri
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i; exit }' "$f")
        [ -z "$uri" ] || { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
        [ -z "$uri" ] || { echo "$uri"; return; }
    done
    die "no apt source found to derive a deb-src line from"
}

enable_sources() {
    local uri keyring=/usr/share/keyrings/debian-archive-keyring.gpg opts=""
    uri=$(archive_uri)
    [ -f "$keyring" ] && opts="[signed-by=$keyring] "
    echo "deb-src ${opts}${uri} ${SOURCES_SUITE} main" >/etc/apt/sources.list.d/arc-static-src.list
    apt-get update -qq
}

fetch_sources() {
    log "fetching the Debian source packages curl, $PG_SOURCE and libmicrohttpd ($SOURCES_SUITE)"
    chown _apt "$WORK" 2>/dev/null || true
    (cd "$WORK" && quiet apt-get source -qq "curl/$SOURCES_SUITE" "$PG_SOURCE/$SOURCES_SUITE" \
        "libmicrohttpd/$SOURCES_SUITE")
}

build_curl() {
    local src
    src=$(find "$WORK" -maxdepth 1 -type d -name 'curl-*' | head -n 1)
    [ -n "$src" ] || die "curl source not unpacked"
    log "building libcurl (HTTP/HTTPS only) from $(basename "$src")"
    cd "$src"
    quiet ./configure --prefix="$PREFIX" --disable-shared --enable-static \
        --disable-dependency-tracking --enable-ipv6 --with-openssl \
        --without-zlib --without-brotli --without-zstd --without-libidn2 --without-libpsl \
        --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-librtmp \
        --without-libssh2 --without-libssh --without-gssapi --without-libgsasl \
        --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
        --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
        --disable-gopher --disable-mqtt --disable-ftp --disable-file --disable-manual \
        --without-ca-bundle --without-ca-path
    quiet make -j"$JOBS" -C lib
    quiet make -C lib install
    quiet make -C include install
    quiet make install-pkgconfigDATA
    # curl writes OpenSSL as bare -lssl -lcrypto; name the packages instead so that
    # OpenSSL's own private dependencies (zlib, zstd, ...) follow in a static link.
    # shellcheck disable=SC2016  # ${libdir} is pkg-config syntax, kept literally
    sed -i -e '/^Requires.private:/d' \
        -e 's/^Libs:.*/Libs: -L${libdir} -lcurl/' \
        -e 's/^Libs.private:.*/Libs.private: -pthread\nRequires.private: libssl libcrypto/' \
        "$PREFIX/lib/pkgconfig/libcurl.pc"
}

build_libpq() {
    local src
    src=$(find "$WORK" -maxdepth 1 -type d -name 'postgresql-*' | head -n 1)
    [ -n "$src" ] || die "$PG_SOURCE source not unpacked"
    log "building libpq (OpenSSL; no GSSAPI, LDAP, ICU, zlib) from $(basename "$src")"
    cd "$src"
    quiet ./configure --prefix="$PREFIX" --with-openssl --without-gssapi --without-ldap \
        --without-icu --without-readline --without-zlib --without-lz4 --without-zstd \
        --without-llvm --without-systemd --without-pam --without-libxml --without-selinux
    quiet make -j"$JOBS" -C src/interfaces/libpq all-static-lib libpq.pc
    quiet make -j"$JOBS" -C src/common libpgcommon.a
    quiet make -j"$JOBS" -C src/port libpgport.a
    install -d "$PREFIX/lib/pkgconfig" "$PREFIX/include"
    install -m 644 src/interfaces/libpq/libpq.a src/common/libpgcommon.a src/port/libpgport.a "$PREFIX/lib/"
    install -m 644 src/interfaces/libpq/libpq.pc "$PREFIX/lib/pkgconfig/"
    install -m 644 src/interfaces/libpq/libpq-fe.h src/interfaces/libpq/libpq-events.h \
        src/include/postgres_ext.h src/include/pg_config_ext.h "$PREFIX/include/"
}

# cortex's HTTP server: plain HTTP on 127.0.0.1 (or behind Docker's port mapping), so no
# GnuTLS; libmicrohttpd.pc then names only -pthread.
build_microhttpd() {
    local src
    src=$(find "$WORK" -maxdepth 1 -type d -name 'libmicrohttpd-*' | head -n 1)
    [ -n "$src" ] || die "libmicrohttpd source not unpacked"
    log "building libmicrohttpd (no HTTPS) from $(basename "$src")"
    cd "$src"
    quiet ./configure --prefix="$PREFIX" --disable-shared --enable-static \
        --disable-dependency-tracking --disable-https --disable-doc --disable-examples \
        --disable-curl --without-gnutls
    quiet make -j"$JOBS" -C src/microhttpd
    quiet make -C src/microhttpd install
    quiet make -C src/include install
    quiet make install-pkgconfigDATA
}

# Debian names the archive libnats_static.a and its libnats.pc points at the shared
# library: expose it as libnats.a with a .pc that names its own dependencies.
link_nats() {
    local a
    a=$(find /usr/lib -name libnats_static.a -print -quit)
    log "using $a"
    install -d "$PREFIX/lib/pkgconfig"
    ln -sf "$a" "$PREFIX/lib/libnats.a"
    cat >"$PREFIX/lib/pkgconfig/libnats.pc" <<EOF
prefix=$PREFIX
Name: libnats
Description: NATS C client (static, from Debian's libnats-dev)
Version: $(pkg-config --modversion libnats)
Requires.private: libssl libcrypto libsodium libprotobuf-c
Cflags: $(pkg-config --cflags libnats)
Libs: -L\${prefix}/lib -lnats
Libs.private: -pthread
EOF
}

main() {
    install -d "$WORK"
    install_packages
    enable_sources
    fetch_sources
    build_curl
    build_libpq
    build_microhttpd
    link_nats
    rm -rf "$WORK"
    log "done: $(cd "$PREFIX/lib" && echo *.a)"
}

main "$@"
