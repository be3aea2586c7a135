package main

// time-corpus: Go's texts for time.Time values as Go decodes them from gob.
//
// Writes DIR/corpus.json: one entry per time.Time, each with a gob stream of
// that time alone (hex) and the texts Go gives the value its decoder returns:
// encoding/json's (Time.MarshalJSON's, or its error) and Time.String(). The times are
// every time.Time inside the positive fixture cases (source "case:NAME") and a
// seeded random corpus (source "random") covering UTC, zero offset not
// flagged UTC, odd-minute and seconds offsets, offsets past 24 hours, years
// outside [0,9999] and the zero time.
//
// Also writes DIR/kv_entry.gob and DIR/kv_entry.json: a KVEntry value with
// Go-initialism field names (TTL, UserID, URL, HTTPServer), a time and an
// interface{} field, and encoding/json's text of the value Go decodes back.
//
// main() pins time.Local to UTC, so a decoded zero offset prints as Go on a
// TZ=UTC host prints it ("+0000 UTC").

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"time"
)

// KVEntry is a key-value entry as a Go service would send it.
type KVEntry struct {
	Key        string
	TTL        int64
	UserID     int
	URL        string
	HTTPServer string
	Created    time.Time
	Extra      interface{}
}

// Label is the concrete type KVEntry.Extra holds (registered as "main.Label").
type Label struct {
	Name   string
	Weight int
	Zero   int // always zero: omitted from the value, still in the type definition
}

type timeEntry struct {
	Source    string `json:"source"`
	Gob       string `json:"gob"`
	JSON      string `json:"json,omitempty"`
	JSONError string `json:"json_error,omitempty"`
	String    string `json:"string"`
}

func cmdTimeCorpus(args []string) error {
	fs := flag.NewFlagSet("time-corpus", flag.ContinueOnError)
	out := fs.String("out", "", "output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("time-corpus: -out is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// First: gob type ids are per process, and KVEntry's bytes should be what a fresh
	// process writes.
	if err := writeKVEntry(*out); err != nil {
		return err
	}
	var entries []timeEntry
	for _, name := range sortedCaseNames() {
		c := caseIndex[name]
		if c.Kind != KindPositive || c.Values == nil {
			continue
		}
		var times []time.Time
		for _, v := range c.Values() {
			collectTimes(reflect.ValueOf(v), &times, 0)
		}
		for _, t := range times {
			e, err := timeCorpusEntry("case:"+name, t)
			if err != nil {
				return fmt.Errorf("case %s: %w", name, err)
			}
			entries = append(entries, e)
		}
	}
	for _, t := range randomTimes(rand.New(rand.NewSource(11)), 400) {
		e, err := timeCorpusEntry("random", t)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	return writeJSON(filepath.Join(*out, "corpus.json"), entries)
}

// collectTimes appends every time.Time reachable from v.
func collectTimes(v reflect.Value, out *[]time.Time, depth int) {
	if !v.IsValid() || depth > 50 {
		return
	}
	if v.Type() == reflect.TypeOf(time.Time{}) {
		*out = append(*out, v.Interface().(time.Time))
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectTimes(v.Elem(), out, depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			collectTimes(v.Field(i), out, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			collectTimes(v.Index(i), out, depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			collectTimes(it.Key(), out, depth+1)
			collectTimes(it.Value(), out, depth+1)
		}
	}
}

// timeCorpusEntry encodes t alone on a fresh gob stream, decodes it with a
// fresh decoder, and records Go's texts of the decoded value.
func timeCorpusEntry(source string, t time.Time) (timeEntry, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(t); err != nil {
		return timeEntry{}, err
	}
	var got time.Time
	if err := gob.NewDecoder(bytes.NewReader(buf.Bytes())).Decode(&got); err != nil {
		return timeEntry{}, err
	}
	e := timeEntry{Source: source, Gob: hex.EncodeToString(buf.Bytes()), String: got.String()}
	// What encoding/json calls (json.Marshal wraps the error in its own words).
	if j, err := got.MarshalJSON(); err != nil {
		e.JSONError = err.Error()
	} else {
		var s string
		if err := json.Unmarshal(j, &s); err != nil {
			return timeEntry{}, err
		}
		e.JSON = s
	}
	return e, nil
}

// randomTimes draws n times: instants mostly in 1900-2100, some anywhere in
// years 0-9999 and some outside it; zones UTC, time.Local, zero offset not
// flagged UTC, whole hours, odd minutes, offsets with seconds, and offsets
// past 24 hours. Every tenth is the zero time in a random zone kind.
func randomTimes(r *rand.Rand, n int) []time.Time {
	var out []time.Time
	for i := 0; i < n; i++ {
		var year int
		switch r.Intn(10) {
		case 0:
			year = r.Intn(10000)
		case 1:
			year = []int{-1, -500, 10000, 12345, 300000}[r.Intn(5)]
		default:
			year = 1900 + r.Intn(200)
		}
		nsec := 0
		switch r.Intn(4) {
		case 0:
			nsec = r.Intn(1e9)
		case 1:
			nsec = r.Intn(1000) * 1e6
		case 2:
			nsec = r.Intn(10) * 1e8
		}
		t := time.Date(year, time.Month(1+r.Intn(12)), 1+r.Intn(31), r.Intn(24), r.Intn(60), r.Intn(60), nsec, time.UTC)
		if i%10 == 9 {
			t = time.Time{}
		}
		out = append(out, t.In(randomZone(r)))
	}
	return out
}

func randomZone(r *rand.Rand) *time.Location {
	switch r.Intn(8) {
	case 0, 1:
		return time.UTC
	case 2:
		// time.Local on a TZ=UTC host: what gob carries for it is offset 0, not
		// the UTC marker (main() pins time.Local to time.UTC itself, so use the
		// equivalent zone).
		return time.FixedZone("UTC", 0)
	case 3:
		return time.FixedZone("", 0)
	case 4:
		return time.FixedZone("H", (r.Intn(27)-12)*3600)
	case 5:
		return time.FixedZone("M", (r.Intn(27*60)-12*60)*60)
	case 6:
		// Seconds in the offset; avoid -119..-60 s, which MarshalBinary rejects.
		for {
			off := r.Intn(4*3600) - 2*3600
			if off/60 != -1 {
				return time.FixedZone("S", off)
			}
		}
	default:
		// Past 24 hours (MarshalJSON rejects those), within gob's int16 minutes.
		h := 24 + r.Intn(100)
		if r.Intn(2) == 0 {
			h = -h
		}
		return time.FixedZone("", h*3600+r.Intn(60)*60)
	}
}

func writeKVEntry(dir string) error {
	gob.Register(Label{})
	v := KVEntry{
		Key:        "session/42",
		TTL:        30,
		UserID:     7,
		URL:        "https://example.com/x",
		HTTPServer: "nginx",
		Created:    time.Date(2026, 12, 6, 17, 57, 30, 500000000, time.FixedZone("", 0)),
		Extra:      Label{Name: "blue", Weight: 3},
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	var got KVEntry
	if err := gob.NewDecoder(bytes.NewReader(buf.Bytes())).Decode(&got); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "kv_entry.gob"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, "kv_entry.json"), map[string]any{
		"desc":       "KVEntry{Key, TTL, UserID, URL, HTTPServer, Created (zero offset, not UTC), Extra: Label{blue, 3}} as Go decodes it",
		"json":       got,
		"created_go": got.Created.String(),
	})
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
