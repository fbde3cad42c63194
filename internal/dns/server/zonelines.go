package server

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// recordLines returns the line on which each record of a zone file starts,
// in the order miekg/dns's parser returns the records, so that errors about
// a record can name its line (the parser reports lines only for syntax
// errors). It returns nil when it cannot tell, e.g. for a $GENERATE range
// it does not understand; callers then name the file without a line.
func recordLines(src []byte) []int {
	var lines []int
	var depth int // open parentheses: a record continues on the next line
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), len(src)+1)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		starts := depth == 0
		content, delta := scanZoneLine(text)
		depth = max(depth+delta, 0)
		if !starts || !content {
			continue
		}
		fields := strings.Fields(text)
		switch strings.ToUpper(fields[0]) {
		case "$ORIGIN", "$TTL":
			continue
		case "$GENERATE":
			count, ok := generateCount(fields)
			if !ok {
				return nil
			}
			for range count {
				lines = append(lines, n)
			}
			continue
		}
		if strings.HasPrefix(fields[0], "$") { // $INCLUDE and the unknown
			return nil
		}
		lines = append(lines, n)
	}
	return lines
}

// scanZoneLine reports whether line holds anything but blanks and a
// comment, and how it changes the parenthesis depth. Quotes and backslash
// escapes hide ';', '(' and ')'.
func scanZoneLine(line string) (content bool, delta int) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\':
			i++
			content = true
		case c == '"':
			quoted = !quoted
			content = true
		case quoted:
		case c == ';':
			return content, delta
		case c == '(':
			delta++
		case c == ')':
			delta--
		case c != ' ' && c != '\t' && c != '\r':
			content = true
		}
	}
	return content, delta
}

// generateCount is how many records "$GENERATE start-stop[/step] ..."
// makes.
func generateCount(fields []string) (int, bool) {
	if len(fields) < 2 {
		return 0, false
	}
	rng, stepText, hasStep := strings.Cut(fields[1], "/")
	step := 1
	if hasStep {
		s, err := strconv.Atoi(stepText)
		if err != nil || s < 1 {
			return 0, false
		}
		step = s
	}
	startText, stopText, ok := strings.Cut(rng, "-")
	start, err1 := strconv.Atoi(startText)
	stop, err2 := strconv.Atoi(stopText)
	if !ok || err1 != nil || err2 != nil || start < 0 || stop < start {
		return 0, false
	}
	return (stop-start)/step + 1, true
}
