#!/usr/bin/env bash
# A node of flash's cluster in the native runtime: services/messaging/native.sh, which
# knows every node by its codename and ports.
# shellcheck shell=bash source-path=SCRIPTDIR source=../messaging/native.sh
. "$ARC_ROOT/services/messaging/native.sh"
