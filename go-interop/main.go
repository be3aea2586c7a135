// Command gointerop generates Go gob fixtures and checks Rust-produced gob
// streams with Go's encoding/gob. See README.md.
package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

const usage = `usage:
  gointerop list [-dirs]                  print every case name (with its fixture dir)
  gointerop gen -case NAME -out DIR       generate DIR/NAME.gob and DIR/NAME.json (one case per process!)
  gointerop index -out FILE               write the case index (JSON)
  gointerop truncations -dir DIR -out F   decode every proper prefix of selected fixture streams
  gointerop decode [-list]                Rust->Go checker: stdin lines "SHAPE HEX", JSON line per input
  gointerop ctx-server [-tcp A] [-delay D]  net/rpc with contexts and keegancsmith/rpc's _goRPC_.Cancel (see ctx_server.go)
  gointerop time-corpus -out DIR          write Go's JSON and String() texts of gob-decoded times
  gointerop netrpc-suite -tcp A -http B   Go's net/rpc server_test.go client cases against a server
  gointerop netrpc-diff -tcp A [-unix U] [-http H -http-path P]
                                          a scripted client suite; one JSON line per step (compare servers)
  gointerop netrpc-record -script S -tcp A -out F   record one scripted stream's request and reply bytes
  gointerop client-scenario -scenario NAME (-addr A | -listen L)
                                          Go's client in one of the Rust server examples' scenarios
  gointerop tap-check -addr A [-http] -log F   call through gobrpc tap --json, check its lines (F) against Go's calls
  gointerop serve-check -write DIR | -addr A [-net unix] [-http] -record F
                                          Go's client against gobrpc serve (files for it; checks of replies and record)`

func main() {
	// Decoded times whose offset matches time.Local would get the Local
	// location; pin it so output does not depend on the environment.
	time.Local = time.UTC
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "list":
		dirs := len(os.Args) > 2 && os.Args[2] == "-dirs"
		for _, n := range sortedCaseNames() {
			if dirs {
				fmt.Println(n, caseIndex[n].dir())
			} else {
				fmt.Println(n)
			}
		}
	case "gen":
		err = cmdGen(os.Args[2:])
	case "index":
		err = cmdIndex(os.Args[2:])
	case "truncations":
		err = cmdTruncations(os.Args[2:])
	case "decode":
		err = cmdDecode(os.Args[2:])
	case "bench-codec":
		err = cmdBenchCodec(os.Args[2:])
	case "bench-rpc-client":
		err = cmdBenchRPCClient(os.Args[2:])
	case "server":
		err = cmdServer(os.Args[2:])
	case "ctx-server":
		err = cmdCtxServer(os.Args[2:])
	case "time-corpus":
		err = cmdTimeCorpus(os.Args[2:])
	case "netrpc-suite":
		err = cmdNetrpcSuite(os.Args[2:])
	case "netrpc-diff":
		err = cmdNetrpcDiff(os.Args[2:])
	case "netrpc-record":
		err = cmdNetrpcRecord(os.Args[2:])
	case "client-scenario":
		err = cmdClientScenario(os.Args[2:])
	case "tap-check":
		err = cmdTapCheck(os.Args[2:])
	case "serve-check":
		err = cmdServeCheck(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gointerop:", err)
		os.Exit(1)
	}
}

func mustHex(s string) []byte {
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\n' && c != '\t' {
			clean = append(clean, c)
		}
	}
	b, err := hex.DecodeString(string(clean))
	if err != nil {
		panic(err)
	}
	return b
}
