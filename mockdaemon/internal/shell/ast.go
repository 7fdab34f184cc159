package shell

// The syntax tree. Words are kept as their raw source text (quotes and all)
// and expanded when the command runs.

// Word is one shell word as written, quotes included.
type Word string

// List is a sequence of and-or lists separated by ";", "&" or newlines.
type List struct {
	Items []*AndOr
}

// AndOr is pipelines joined by && and ||; Background is a trailing "&".
type AndOr struct {
	Pipes      []*Pipeline
	Ops        []string // Ops[i] joins Pipes[i] and Pipes[i+1]
	Background bool
}

// Pipeline is commands joined by "|", optionally negated with "!".
type Pipeline struct {
	Negate bool
	Cmds   []Command
}

// Command is one of *SimpleCmd, *Group, *Subshell, *If, *Loop, *For,
// *Case, *FuncDef or *Redirected.
type Command interface{ command() }

// Assign is NAME=value.
type Assign struct {
	Name  string
	Value Word
}

// Redir is a redirection: [Fd]Op Target, with Fd -1 for the default.
type Redir struct {
	Fd     int
	Op     string // < > >> >| <> <& >& << <<-
	Target Word   // for << and <<-, the delimiter
	Doc    *HereDoc
}

// HereDoc is the body of a here-document; Quoted (a quoted delimiter)
// turns expansion off.
type HereDoc struct {
	Body   string
	Quoted bool
}

// SimpleCmd is assignments, words and redirections.
type SimpleCmd struct {
	Assigns []Assign
	Args    []Word
	Redirs  []Redir
}

// Group is { list; }.
type Group struct{ Body *List }

// Subshell is ( list ).
type Subshell struct{ Body *List }

// If is if/elif/else/fi: Conds[i] guards Bodies[i].
type If struct {
	Conds  []*List
	Bodies []*List
	Else   *List
}

// Loop is while (or until, with Until set).
type Loop struct {
	Until bool
	Cond  *List
	Body  *List
}

// For is for Var [in Items]; do Body; done.
type For struct {
	Var   string
	In    bool
	Items []Word
	Body  *List
}

// CaseItem is one pattern list and its body.
type CaseItem struct {
	Patterns []Word
	Body     *List
}

// Case is case Word in items esac.
type Case struct {
	Word  Word
	Items []CaseItem
}

// FuncDef is name() compound-command.
type FuncDef struct {
	Name string
	Body Command
}

// Redirected is a compound command with redirections.
type Redirected struct {
	Cmd    Command
	Redirs []Redir
}

func (*SimpleCmd) command()  {}
func (*Group) command()      {}
func (*Subshell) command()   {}
func (*If) command()         {}
func (*Loop) command()       {}
func (*For) command()        {}
func (*Case) command()       {}
func (*FuncDef) command()    {}
func (*Redirected) command() {}
