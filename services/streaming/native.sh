#!/usr/bin/env bash
# services/streaming/native.sh — strange in the native runtime. Pulsar has no Debian
# package: it runs natively only when PULSAR_HOME (environment, or this folder's .env)
# points at an unpacked Pulsar distribution (bin/pulsar, conf/standalone.conf) and a Java
# runtime is there (JAVA_HOME or java on PATH). Then: `bin/pulsar standalone` without the
# functions worker and stream storage, as in docker-compose.yml, from a copy of the
# distribution's standalone.conf with the broker on 127.0.0.1:ARC_STRANGE_PORT and the
# admin REST API on 127.0.0.1:ARC_STRANGE_ADMIN_PORT; metadata, bookie and ZooKeeper data
# in the state folder (data/strange), JVM memory from ARC_STRANGE_MEM. Otherwise the
# service is "not started" with the reason and the remedy.
# Sourced by mk/scripts/runtime-native.sh (native/lib.sh describes the contract).
# shellcheck shell=bash disable=SC2034  # NATIVE_* are read by the runtime

NATIVE_STOPWAIT=60
STRANGE_HOME=$(svc_var PULSAR_HOME "")
STRANGE_HOME=${STRANGE_HOME%/}

native_check() {
    NATIVE_REMEDY="set PULSAR_HOME=/path/to/apache-pulsar-3.3.x (an unpacked Pulsar distribution), or use Docker (ARC_RUNTIME=docker)"
    if [ -z "$STRANGE_HOME" ]; then
        NATIVE_REASON="PULSAR_HOME is not set (Pulsar has no Debian package)"
        return 1
    fi
    if [ ! -x "$STRANGE_HOME/bin/pulsar" ] || [ ! -f "$STRANGE_HOME/conf/standalone.conf" ]; then
        NATIVE_REASON="PULSAR_HOME=$STRANGE_HOME is not a Pulsar distribution (no bin/pulsar or conf/standalone.conf)"
        return 1
    fi
    if [ -n "${JAVA_HOME:-}" ] && [ ! -x "$JAVA_HOME/bin/java" ]; then
        NATIVE_REASON="JAVA_HOME=$JAVA_HOME has no bin/java"
        NATIVE_REMEDY="set JAVA_HOME to a Java 17 runtime, or use Docker (ARC_RUNTIME=docker)"
        return 1
    fi
    if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then
        NATIVE_REASON="no Java runtime for Pulsar (JAVA_HOME is not set and java is not on PATH)"
        NATIVE_REMEDY="install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME, or use Docker (ARC_RUNTIME=docker)"
        return 1
    fi
}

# strange_conf SOURCE: the distribution's standalone.conf with our keys set.
strange_conf() {
    awk -v broker="$ARC_STRANGE_PORT" -v web="$ARC_STRANGE_ADMIN_PORT" '
        BEGIN { want["brokerServicePort"] = broker; want["webServicePort"] = web
                want["bindAddress"] = "127.0.0.1"; want["advertisedAddress"] = "127.0.0.1" }
        { k = $0; sub(/=.*/, "", k) }
        ($0 !~ /^[[:space:]]*#/) && (k in want) { print k "=" want[k]; done[k] = 1; next }
        { print }
        END { print ""; print "# Set by the A.R.C. native runtime."
              for (k in want) if (!(k in done)) print k "=" want[k] }' "$1"
}

native_prepare() {
    mkdir -p "$NATIVE_DATA" "$NATIVE_RUN" "$NATIVE_LOGS/strange"
    strange_conf "$STRANGE_HOME/conf/standalone.conf" >"$NATIVE_RUN/standalone.conf.tmp"
    mv "$NATIVE_RUN/standalone.conf.tmp" "$NATIVE_RUN/standalone.conf"
}

native_command() {
    # bin/pulsar changes into PULSAR_HOME: every data path is absolute.
    NATIVE_CMD=("$STRANGE_HOME/bin/pulsar" standalone --no-functions-worker --no-stream-storage
        --metadata-dir "$NATIVE_DATA/metadata" --bookkeeper-dir "$NATIVE_DATA/bookkeeper"
        --zookeeper-dir "$NATIVE_DATA/zookeeper")
    NATIVE_ENV=("PULSAR_MEM=$(svc_var ARC_STRANGE_MEM "-Xms512m -Xmx1024m -XX:MaxDirectMemorySize=512m")"
        "PULSAR_STANDALONE_CONF=$NATIVE_RUN/standalone.conf"
        "PULSAR_LOG_DIR=$NATIVE_LOGS/strange")
    [ -z "${JAVA_HOME:-}" ] || NATIVE_ENV+=("JAVA_HOME=$JAVA_HOME")
}

native_shell() {
    cd "$NATIVE_DATA" || exit 1
    say "strange: a shell in $NATIVE_DATA (admin: $STRANGE_HOME/bin/pulsar-admin --admin-url http://127.0.0.1:$ARC_STRANGE_ADMIN_PORT ...)"
    exec "${SHELL:-bash}" -i
}
