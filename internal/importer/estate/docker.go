package estate

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// dockerRun is what a `docker run` line in a user-data script says.
type dockerRun struct {
	// Line is the command as written (continuations joined).
	Line  string
	Image string
	// Ports are the -p mappings; Host is 0 when docker picks it.
	Ports []portMap
	// Memory and CPU are Kubernetes quantities from --memory and --cpus.
	Memory, CPU string
}

type portMap struct{ Host, Container int }

// decodeUserData turns a user_data attribute into the script it holds.
// State keeps launch templates' user data as base64 (maybe gzipped, as
// cloud-init allows) and instances' and launch configurations' as a SHA-1
// hash only; why says which when there is no script.
func decodeUserData(v string) (script, why string) {
	switch {
	case v == "":
		return "", "no user data"
	case regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(v):
		return "", "state keeps only a hash of this user data, not the script"
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return v, "" // written in the clear (user_data of some providers' data sources)
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return "", "the user data is gzip that does not decompress"
		}
		raw, err = io.ReadAll(io.LimitReader(zr, 1<<20))
		if err != nil {
			return "", "the user data is gzip that does not decompress"
		}
	}
	return string(raw), ""
}

// findDockerRun finds the first `docker run` (or `podman run`) in a script.
func findDockerRun(script string) (dockerRun, bool) {
	joined := strings.ReplaceAll(strings.ReplaceAll(script, "\\\r\n", " "), "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		words := shellWords(line)
		for i := 0; i+1 < len(words); i++ {
			bin := words[i][strings.LastIndex(words[i], "/")+1:]
			if (bin == "docker" || bin == "podman") && words[i+1] == "run" {
				d := parseRun(words[i+2:])
				d.Line = strings.Join(strings.Fields(line), " ")
				return d, true
			}
		}
	}
	return dockerRun{}, false
}

// takesValue reports whether a docker run flag takes the next word as its
// value.
func takesValue(flag string) bool {
	switch flag {
	case "-p", "--publish", "-e", "--env", "-v", "--volume", "-m", "--memory", "--cpus",
		"-u", "--user", "-w", "--workdir", "-h", "--hostname", "-l", "--label", "--name",
		"--restart", "--network", "--net", "--env-file", "--log-driver", "--log-opt",
		"--entrypoint", "--mount", "--add-host", "--dns", "--pull", "-c", "--cpu-shares",
		"--health-cmd", "--ulimit", "--cap-add", "--cap-drop", "--memory-reservation",
		"--platform", "--device", "--tmpfs", "--expose", "--stop-timeout", "--shm-size", "--pid":
		return true
	}
	return false
}

func parseRun(words []string) dockerRun {
	var d dockerRun
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") || w == "-" {
			d.Image = w
			return d
		}
		flag, val, inline := strings.Cut(w, "=")
		if !inline && len(flag) > 2 && flag[1] != '-' && takesValue(flag[:2]) {
			flag, val, inline = flag[:2], flag[2:], true // -p8080:80
		}
		if !inline && takesValue(flag) && i+1 < len(words) {
			i++
			val = words[i]
		}
		d.apply(flag, val)
	}
	return d
}

func (d *dockerRun) apply(flag, val string) {
	switch flag {
	case "-p", "--publish":
		if pm, ok := parsePublish(val); ok {
			d.Ports = append(d.Ports, pm)
		}
	case "-m", "--memory":
		d.Memory = memoryQuantity(val)
	case "--cpus":
		if f, err := strconv.ParseFloat(val, 64); err == nil && f > 0 {
			d.CPU = strconv.Itoa(int(f*1000+0.5)) + "m"
		}
	}
}

// parsePublish reads [ip:][host:]container[/proto].
func parsePublish(v string) (portMap, bool) {
	v, _, _ = strings.Cut(v, "/")
	parts := strings.Split(v, ":")
	c, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return portMap{}, false
	}
	pm := portMap{Container: c}
	if len(parts) >= 2 {
		pm.Host, _ = strconv.Atoi(parts[len(parts)-2])
	}
	return pm, true
}

// memoryQuantity turns docker's 512m/1g (binary units) into 512Mi/1Gi.
func memoryQuantity(v string) string {
	m := regexp.MustCompile(`^(\d+)([bkmgBKMG]?)$`).FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	unit := map[string]string{"": "", "b": "", "k": "Ki", "m": "Mi", "g": "Gi"}[strings.ToLower(m[2])]
	return m[1] + unit
}

// shellWords splits a line as a shell would for plain commands: quotes
// group, a # starts a comment. Enough for user-data scripts; anything with
// substitutions keeps its $ and is treated as unknown by the caller.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == '#' && !in:
			return words
		case c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|':
			if in {
				words, in = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
