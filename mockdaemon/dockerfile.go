package mockdaemon

import (
	"encoding/json"
	"strconv"
	"strings"
)

// applyChange applies one Dockerfile instruction (import and commit
// --change) to cfg: those of dockerd's validCommitCommands (CMD,
// ENTRYPOINT, HEALTHCHECK, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME,
// WORKDIR); any other is "x is not a valid change command".
func applyChange(cfg *imageConfig, line string) error {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil
	}
	instr, args, _ := strings.Cut(line, " ")
	args = strings.TrimSpace(args)
	switch strings.ToUpper(instr) {
	case "CMD":
		cfg.Cmd = execForm(args)
	case "ENTRYPOINT":
		cfg.Entrypoint = execForm(args)
	case "ENV":
		for _, kv := range parseKV(args, true) {
			cfg.Env = setEnv(cfg.Env, kv[0], kv[1])
		}
	case "LABEL":
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, kv := range parseKV(args, false) {
			cfg.Labels[kv[0]] = kv[1]
		}
	case "WORKDIR":
		cfg.WorkingDir = args
	case "USER":
		cfg.User = args
	case "EXPOSE":
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range wordsForm(args) {
			ports, err := exposedPorts(p)
			if err != nil {
				return err
			}
			for _, p := range ports {
				cfg.ExposedPorts[p] = struct{}{}
			}
		}
	case "VOLUME":
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range wordsForm(args) {
			if v = strings.TrimSpace(v); v == "" {
				return errInvalid("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
	case "HEALTHCHECK":
		n, err := parseDockerfileLine(line, '\\')
		if err != nil {
			return errInvalid(err.Error())
		}
		h, err := parseHealthcheck(n.args, n.json, newDFFlags(n.flags))
		if err != nil {
			return errInvalid(err.Error())
		}
		cfg.Healthcheck = mustJSON(h)
	case "ONBUILD":
		cfg.OnBuild = append(cfg.OnBuild, args)
	default:
		return errInvalid(strings.ToLower(instr) + " is not a valid change command")
	}
	return nil
}

// execForm parses a JSON array argument, or wraps shell form in sh -c
// (VOLUME's shell form is a list of words).
func execForm(args string) []string {
	var l []string
	if strings.HasPrefix(args, "[") && json.Unmarshal([]byte(args), &l) == nil {
		return l
	}
	return []string{"/bin/sh", "-c", args}
}

// wordsForm parses the argument of VOLUME, EXPOSE and the like: a JSON
// array, or words separated by white space (never a shell command).
func wordsForm(args string) []string {
	var l []string
	if strings.HasPrefix(args, "[") && json.Unmarshal([]byte(args), &l) == nil {
		return l
	}
	return strings.Fields(args)
}

// exposedPorts expands an EXPOSE word ("80", "53/udp", "8000-8002/tcp")
// into ExposedPorts keys, like go-connections' nat.ParsePortSpecs.
func exposedPorts(word string) ([]string, error) {
	port, proto, _ := strings.Cut(word, "/")
	proto = strings.ToLower(proto)
	if proto == "" {
		proto = "tcp"
	}
	start, end, err := parsePortRange(port)
	if err != nil {
		return nil, errInvalid("Invalid containerPort: " + port)
	}
	var out []string
	for p := start; p <= end; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+proto)
	}
	return out, nil
}

// parseKV parses "k=v k2='v 2'" or the legacy "k v" form.
func parseKV(args string, legacy bool) [][2]string {
	var out [][2]string
	words := shellWords(args)
	if len(words) == 0 {
		return nil
	}
	if !strings.Contains(words[0], "=") {
		if len(words) >= 1 {
			k, v, _ := strings.Cut(args, " ")
			out = append(out, [2]string{k, unquote(strings.TrimSpace(v))})
		}
		return out
	}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// shellWords splits s on blanks, honouring quotes and backslashes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
			in = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if ek, _, _ := strings.Cut(e, "="); ek == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}
