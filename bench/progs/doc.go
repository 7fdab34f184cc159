// Package progs holds the minimal programs the size, cold-start and
// real-daemon figures compare: each task written three times, with
// dockwire, with the official SDK (github.com/moby/moby/client) and, as
// the floor, with net/http and a small struct. Each task's programs do
// the same requests and print the same thing:
//
//   - list: list all containers (the daemon found as the docker CLI finds
//     it: DOCKER_HOST...), print how many; the floor pins /v1.41 and dials
//     the unix socket of DOCKER_HOST.
//   - listtls: the same over tcp+TLS (DOCKER_HOST=tcp://..., DOCKER_TLS_VERIFY,
//     DOCKER_CERT_PATH).
//   - runlogs: create a container of $BENCH_IMAGE running `echo hello`,
//     start it, wait for it, copy its demultiplexed logs to stdout, remove it.
//   - ping: one ping, then print "ok": the cold-start figure is the time
//     from exec to that line.
//   - stream: `stream logs ID` or `stream archive ID PATH` reads a
//     container's logs (demultiplexed) or a path's tar archive to the end,
//     discarding it, and prints the byte count.
package progs
