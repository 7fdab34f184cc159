module github.com/dockwire/dockwire

go 1.26.5

require github.com/gorilla/websocket v1.5.3

require (
	golang.org/x/crypto v0.59.0
	golang.org/x/sys v0.50.0 // indirect
)

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
