package store

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
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

// readLog returns every intact change in the log at path and the offset just
// after the last intact one. Reading stops at the first torn or corrupt
// record: it and anything after it were never acknowledged.
func readLog(path string) ([]Change, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("opening log: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	r := bufio.NewReader(f)
	var changes []Change
	var good int64
	for {
		c, n, ok := readRecord(r)
		if !ok {
			return changes, good, nil
		}
		changes = append(changes, c)
		good += n
	}
}

func readRecord(r io.Reader) (Change, int64, bool) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Change{}, 0, false
	}
	n := binary.BigEndian.Uint32(hdr[4:8])
	if binary.BigEndian.Uint32(hdr[0:4]) != walMagic || n > maxRecord {
		return Change{}, 0, false
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Change{}, 0, false
	}
	if checksum(payload) != binary.BigEndian.Uint32(hdr[8:12]) {
		return Change{}, 0, false
	}
	var c Change
	if err := json.Unmarshal(payload, &c); err != nil {
		return Change{}, 0, false
	}
	return c, int64(12 + n), true
}
