package main

// Mismatch: replies of Go types a Rust caller easily declares wrong, for the
// client's tests of replies that do not fit the caller's type (issue 11 item 2).

// Mismatch is registered with every other service (newRPCServer).
type Mismatch struct{}

// Uint64 replies 1<<63 + n: a Go uint64 that no int64 can hold.
func (Mismatch) Uint64(n int, reply *uint64) error {
	*reply = 1<<63 + uint64(n)
	return nil
}
