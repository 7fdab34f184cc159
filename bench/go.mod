module github.com/dockwire/dockwire/bench

go 1.26.5

require github.com/dockwire/dockwire v0.0.0

require github.com/moby/moby/api v1.56.1

require github.com/moby/patternmatcher v0.6.1

replace github.com/dockwire/dockwire => ..
