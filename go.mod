module github.com/dockwire/dockwire

go 1.26.5
