package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
)

// walMagic starts every log record, so a reader can tell a record from the
// zeros a crashed file system may leave at the end of a file.
const walMagic = 0xF0E1D2C3

// maxRecord bounds one record, so a corrupt length cannot make Open allocate
// without limit.
const maxRecord = 64 << 20

// checksum is the CRC-32C of a record's payload.
func checksum(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }

// encodeRecord frames payload as magic, length, CRC-32C, payload.
func encodeRecord(c Change) ([]byte, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding change %d: %w", c.Rev, err)
	}
	buf := make([]byte, 12+len(payload))
	binary.BigEndian.PutUint32(buf[0:4], walMagic)
	binary.BigEndian.PutUint32(buf[4:8], uint32(len(payload)))
	binary.BigEndian.PutUint32(buf[8:12], checksum(payload))
	copy(buf[12:], payload)
	return buf, nil
}

// ErrCorrupt means the log is damaged before records that are intact. Those
// records were acknowledged, so the store refuses to open rather than cut
// them off; the file is left as it was for an operator to inspect.
var ErrCorrupt = errors.New("write-ahead log is corrupt")

// logContent is what readLog found in a log file.
type logContent struct {
	changes []Change
	good    int64 // offset just after the last intact record
	size    int64 // size of the file
}

// readLog returns every intact change in the log at path and the offset
// just after the last intact one. A damaged record with nothing intact after
// it is a torn tail: the process died while writing it, so it was never
// acknowledged and reading stops there. A damaged record followed by an
// intact one is corruption of acknowledged data: readLog returns an error
// wrapping ErrCorrupt that names the file and both offsets.
func readLog(path string) (logContent, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return logContent{}, nil
	}
	if err != nil {
		return logContent{}, fmt.Errorf("reading log: %w", err)
	}
	lc := logContent{size: int64(len(b))}
	off := 0
	for off < len(b) {
		c, n, ok := decodeRecord(b[off:])
		if !ok {
			break
		}
		lc.changes = append(lc.changes, c)
		off += n
	}
	lc.good = int64(off)
	if off == len(b) {
		return lc, nil
	}
	if next := nextRecord(b, off+1); next >= 0 {
		var rev uint64
		if len(lc.changes) > 0 {
			rev = lc.changes[len(lc.changes)-1].Rev
		}
		return logContent{}, fmt.Errorf("%w: %s: the record at offset %d (after revision %d) is damaged, "+
			"but an intact record follows at offset %d, so acknowledged changes would be lost by cutting it; "+
			"the file is left untouched: keep a copy, then either repair it or cut it to %d bytes to start with the changes before the damage",
			ErrCorrupt, path, off, rev, next, off)
	}
	return lc, nil
}

// nextRecord returns the offset of the first intact record in b at or after
// from, or -1. A CRC-32C over a decodable change makes a false match
// vanishingly unlikely.
func nextRecord(b []byte, from int) int {
	var magic [4]byte
	binary.BigEndian.PutUint32(magic[:], walMagic)
	for from < len(b) {
		i := bytes.Index(b[from:], magic[:])
		if i < 0 {
			return -1
		}
		if _, _, ok := decodeRecord(b[from+i:]); ok {
			return from + i
		}
		from += i + 1
	}
	return -1
}

// decodeRecord reads the record at the start of b and returns its change
// and length; ok is false when b does not start with an intact record.
func decodeRecord(b []byte) (c Change, n int, ok bool) {
	if len(b) < 12 || binary.BigEndian.Uint32(b[0:4]) != walMagic {
		return Change{}, 0, false
	}
	size := binary.BigEndian.Uint32(b[4:8])
	if size > maxRecord || int64(len(b)-12) < int64(size) {
		return Change{}, 0, false
	}
	payload := b[12 : 12+int(size)]
	if checksum(payload) != binary.BigEndian.Uint32(b[8:12]) {
		return Change{}, 0, false
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return Change{}, 0, false
	}
	return c, 12 + int(size), true
}
