#!/bin/sh
# Regenerates busybox.golden.json: runs every case of golden_test.go in a
# container of busybox:dockwire on the real daemon (under the shared lock)
# and records what busybox printed and its exit status.
#   eval "$(cat /tmp/dockerd.env)"; mockdaemon/internal/shell/testdata/update-busybox-golden.sh
set -eu
: "${DOCKWIRE_REAL_DOCKER_HOST:?set it to the real daemon (eval \"\$(cat /tmp/dockerd.env)\")}"
cd "$(dirname "$0")/.."
exec flock /tmp/dockwire-real.lock go test -run '^TestBusyboxGolden$' -count=1 -update .
