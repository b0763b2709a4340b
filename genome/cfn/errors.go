package cfn

import (
	"fmt"
	"strings"
)

// Error is a problem in a template, located in the file.
type Error struct {
	File string
	Pos  Pos
	// Path is the key path ("Resources.MyFn.Properties.MemorySize"), when known.
	Path string
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cfn: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Pos.Line, e.Pos.Col)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
