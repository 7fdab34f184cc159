package mockdaemon

import (
	"errors"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// buildFromConfig applies the changes of an import or a commit
// (--change) to cfg as dockerd's BuildFromConfig does: they are joined
// into one Dockerfile, each instruction must be one of validCommitCommands
// (CMD, ENTRYPOINT, HEALTHCHECK, ENV, EXPOSE, LABEL, ONBUILD, USER,
// VOLUME, WORKDIR; any other is "x is not a valid change command"), and
// they are dispatched in turn with the builder's variable expansion over
// the config's Env (ENV PATH=/x:$PATH). Every failure is invalid input.
func buildFromConfig(cfg imageConfig, changes []string) (imageConfig, error) {
	if len(changes) == 0 {
		return cfg, nil
	}
	df, err := parseDockerfileText([]byte(strings.Join(changes, "\n")))
	if err != nil {
		return cfg, errInvalid(err.Error())
	}
	for _, n := range df.nodes {
		if !validCommitCommands[n.cmd] {
			return cfg, errInvalid(n.cmd + " is not a valid change command")
		}
	}
	instrs := make([]*dfInstr, 0, len(df.nodes))
	for _, n := range df.nodes {
		in, err := parseInstruction(n)
		if err != nil {
			return cfg, errInvalid(err.Error())
		}
		instrs = append(instrs, in)
	}
	cfg = cfg.clone()
	lex := dfLex{escape: df.escape}
	cmdSet := false
	for _, in := range instrs {
		if err := lex.expandInstr(in, cfg.Env); err != nil {
			return cfg, errInvalid(err.Error())
		}
		if err := applyInstr(&cfg, in, lex, &cmdSet); err != nil {
			return cfg, errInvalid(err.Error())
		}
	}
	return cfg, nil
}

// validCommitCommands are the instructions an import or a commit accepts
// as changes (dockerd's list).
var validCommitCommands = map[string]bool{
	"cmd": true, "entrypoint": true, "healthcheck": true, "env": true, "expose": true,
	"label": true, "onbuild": true, "user": true, "volume": true, "workdir": true,
}

// applyInstr is the dispatch of one change instruction, already expanded,
// to cfg: what the builder's dispatch does to the run config, with no
// step committed. cmdSet says whether a CMD came before (an ENTRYPOINT
// without one clears Cmd, as in a build).
func applyInstr(cfg *imageConfig, in *dfInstr, lex dfLex, cmdSet *bool) error {
	switch in.kind {
	case "env":
		for _, kv := range in.kvs {
			cfg.Env = setEnv(slices.Clone(cfg.Env), kv.key, kv.value)
		}
	case "label":
		cfg.Labels = maps.Clone(cfg.Labels)
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, kv := range in.kvs {
			cfg.Labels[kv.key] = kv.value
		}
	case "cmd":
		cfg.Cmd = commandOf(in, *cfg)
		*cmdSet = *cmdSet || len(in.cmdLine) != 0
	case "entrypoint":
		cfg.Entrypoint = commandOf(in, *cfg)
		if !*cmdSet {
			cfg.Cmd = nil
		}
	case "healthcheck":
		cfg.Healthcheck = mustJSON(in.health)
	case "onbuild":
		cfg.OnBuild = append(slices.Clone(cfg.OnBuild), in.value)
	case "workdir":
		p := in.value
		if p == "" {
			return errors.New("cannot normalize nothing")
		}
		if !path.IsAbs(p) {
			p = path.Join("/", cfg.WorkingDir, p)
		}
		cfg.WorkingDir = p
	case "user":
		cfg.User = in.value
	case "expose":
		cfg.ExposedPorts = maps.Clone(cfg.ExposedPorts)
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, w := range in.words {
			ports, err := lex.expandWords(w, cfg.Env)
			if err != nil {
				return err
			}
			for _, p := range ports {
				keys, err := exposedPorts(p)
				if err != nil {
					return err
				}
				for _, k := range keys {
					cfg.ExposedPorts[k] = struct{}{}
				}
			}
		}
	case "volume":
		cfg.Volumes = maps.Clone(cfg.Volumes)
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range in.paths {
			if v == "" {
				return errors.New("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
	}
	return nil
}

// commandOf is a CMD, ENTRYPOINT or RUN command: the shell-form line after
// the config's SHELL, the exec form as written.
func commandOf(in *dfInstr, cfg imageConfig) []string {
	if in.prependShell && in.cmdLine != nil {
		return append(cfg.shell(), in.cmdLine...)
	}
	return slices.Clone(in.cmdLine)
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
