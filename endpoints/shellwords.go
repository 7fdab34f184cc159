package endpoints

import "strings"

// splitCommand splits a command given as one string into its words the
// way docker-py does (its split_command is Python's shlex.split, POSIX
// rules, no comments): words are separated by spaces, tabs and newlines;
// '...' keeps everything literally; "..." keeps everything but a
// backslash before " or \, which escapes it; outside quotes a backslash
// escapes any character; quotes join the word they touch (a"b c"d is one
// word) and "" alone is an empty word. An unterminated quote or a
// trailing backslash is an *ArgError, as shlex raises ValueError.
func splitCommand(op, field, s string) ([]string, error) {
	words := []string{}
	var w strings.Builder
	inWord := false // a word is open, even if empty ("")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 == len(s) {
				return nil, argErr(op, field, s, "no escaped character after the last backslash")
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, argErr(op, field, s, "no closing quotation")
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			closed := false
			for i++; i < len(s); i++ {
				c := s[i]
				if c == '"' {
					closed = true
					break
				}
				if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
					c = s[i]
				}
				w.WriteByte(c)
			}
			if !closed {
				return nil, argErr(op, field, s, "no closing quotation")
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
