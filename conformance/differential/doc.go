// Package differential holds one daemon to another: it sends the same
// request sequences to both (a real dockerd and the mock, usually), over
// raw HTTP/1.1 on unix sockets, and reports where their answers differ
// once ids, times, sizes and allocated addresses are normalised away.
//
// The command conformance/cmd/diffcheck runs it against the daemon named
// by DOCKWIRE_REAL_DOCKER_HOST and the in-process mock, at API 1.41:
//
//	go run ./conformance/cmd/diffcheck -gen 200 -v
//
// # What is compared
//
// Each step's answers are decoded into a tree and walked side by side:
// the status; the headers (all but Date, Content-Length and
// Transfer-Encoding; Server without its version; the base64 JSON of
// X-Docker-Container-Path-Stat decoded); the body's kind (empty, one JSON
// value, a JSON message stream, stdcopy frames, text or raw stream, tar);
// for JSON, the key set, the value types and the values at every depth;
// for message streams, the messages in order (consecutive {"stream"}
// chunks joined, a layer's progress kept last); for stdcopy frames, the
// text of each stream (consecutive frames of one stream joined: how a
// daemon splits its writes is not part of the API); for tar, each
// member's name, type, mode, size, link and (small files) content; and
// how the body ended (eof, or still open when the step's read time ran
// out). Lists of objects may come in any order (they are also compared
// sorted); lists of scalars compare in order.
//
// # Normalisation
//
// Before comparing, every string of an answer is rewritten the same way on
// both sides: an id saved as {{c}} prints <c> (its 12-character form
// <c:12>), any other 64-hex id is named by the JSON key it first appeared
// under (<NetworkID>, <EndpointID#2>) or numbered (<id1>), unknown short
// ids <short1>, swarm ids <sw1>, join tokens SWMTKN-1-<secret>; RFC 3339
// times <time> (the zero time stays); "3 seconds" <dur>; IPv4 and MAC
// addresses the requests did not name <ip> and <mac>; each daemon's own
// identity (version, data root, host name, kernel, id, the test image's
// id) <server-version>, <root>, <host>, <kernel>, <daemon-id>,
// <image-id>; the run's id <run>. Values under the keys Pid, Size,
// SizeRw, SizeRootFs, VirtualSize, SharedSize, Created, time, timeNano,
// HostPort and Index, and under a step's volatile patterns, compare by
// type and zero-ness only.
//
// # The sequence format
//
// Sequences are text, in testdata/corpus/*.seq:
//
//	# a comment
//	seq exec/tty-only-at-start exec-framing
//	POST /containers/create?name={{name}} {"Image":"{{image}}","Cmd":["sleep","300"],"Labels":{{labels}}}
//	  save c .Id
//	POST /containers/{{c}}/start
//	POST /containers/{{c}}/exec {"Cmd":["sh","-c","echo out"],"AttachStdout":true}
//	  save e .Id
//	POST /exec/{{e}}/start {"Tty":true}
//
// A line `seq NAME CLASS [alone]` starts a sequence; CLASS groups its
// differences in the report, alone keeps anything else from running beside
// it (swarm). A step is `METHOD PATH [JSON]`: the path without /v1.NN (the
// check adds it), its query written unencoded (%20 for a space), the JSON
// body on the rest of the line. Indented lines under a step:
//
//	save VAR .path            keep a value of the answer (.Id, .[0].Id, .aux.ID; in a
//	                          message stream, the first message that has it) as {{VAR}}
//	body "TEXT" | body <<END  a raw body (Go-quoted, or a here-document up to END)
//	header NAME VALUE         a request header
//	file NAME [MODE] TEXT     a file of a tar body (TEXT quoted or <<END)
//	dir NAME | link NAME TARGET | symlink NAME TARGET
//	tarfile NAME MEMBER TEXT  a member of a tar file NAME inside the tar body
//	compress gzip|bzip2|xz    compress the tar body (bzip2 and xz with the host's tools)
//	stdin [after DUR] "TEXT"  bytes for a hijacked stream (attach, exec start)
//	close-stdin               half-close the connection after stdin
//	read DUR                  how long a stream may stay silent before it counts as open
//	volatile PATTERN...       compare the values there by type and zero-ness only
//	mask REGEXP               replace matches by <masked> before comparing (ping times)
//	pause DUR                 wait before sending
//
// A line `finally METHOD PATH [JSON]` adds a step that runs at the end
// whatever happened, not compared (swarm leave). Built-in variables:
// {{image}}, {{name}} (a name unique to the sequence, to put on everything
// it makes), {{labels}} (the JSON object of the sequence's label: put it on
// everything it makes), {{label}} (key=value for label filters),
// {{hostdir}} (a host directory for binds), {{port}} (a free loopback
// port), {{imageid}} (the test image's id on each daemon: a swarm task
// given the image by name would try to pull it) and {{run}}. After each
// sequence, everything carrying its label or its name is removed from both
// daemons, and so are the dangling images its builds left (a stage the
// final image does not descend from).
//
// Generate makes more sequences from a seed: containers with random valid
// HostConfig, NetworkingConfig and Mounts combinations, networks with
// random IPAM, service specs with random key casing, random walks through
// a container's lifecycle (every operation in every state, valid or not)
// and a small labelled world listed with random valid and invalid
// filters.
//
// # Known differences
//
// The known-differences file (testdata/known.txt) lists accepted
// differences, one a line:
//
//	SEQUENCE | REQUEST | PATH | REASON
//
// SEQUENCE, REQUEST (the step as written, "GET /containers/{{c}}/json")
// and PATH are patterns where * is any run of characters. REASON starts
// with "TODO(mock): CLASS" for a mock bug not fixed yet, or says why the
// difference is accepted. An entry that matched nothing while a sequence it
// names ran is reported as stale. A difference in a step that used a value
// one daemon did not give (a create that failed on one side) is a
// follow-on: it is counted, not listed, and needs no entry.
package differential
