// A module of its own so that the go-interop module's `go vet ./...` and `go build` skip this
// directory: it is built in GOPATH mode against Debian's go-plugin sources (see
// ../build-go-plugin.sh), which the go-interop module (standard library only) cannot import.
module gobrpc-goplugin-host

go 1.21
