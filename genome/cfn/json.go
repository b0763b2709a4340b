package cfn

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// lineIndex converts byte offsets into 1-based line and column positions.
// Columns count runes (a tab is one column), as yaml.v3 counts them.
type lineIndex struct {
	src    []byte
	starts []int // byte offset of each line's first byte
	// cache of the last conversion, for sequential access on long lines
	lastLine, lastOff, lastCol int
	// cache of the last offset conversion
	offLine, offCol, offOff int
}

func newLineIndex(src []byte) *lineIndex {
	li := &lineIndex{src: src, starts: make([]int, 1, 64)}
	for i, c := range src {
		if c == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	li.lastLine = -1
	return li
}

// line returns the 0-based line holding off.
func (li *lineIndex) line(off int) int {
	lo, hi := 0, len(li.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if li.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// pos returns the position of byte offset off.
func (li *lineIndex) pos(off int) Pos {
	if off > len(li.src) {
		off = len(li.src)
	}
	ln := li.line(off)
	from, col := li.starts[ln], 1
	if ln == li.lastLine && off >= li.lastOff {
		from, col = li.lastOff, li.lastCol
	}
	if ln == 0 && from == 0 && len(li.src) >= 3 && string(li.src[:3]) == "\ufeff" {
		from = 3 // yaml.v3 does not count a byte order mark as a column
	}
	for i := from; i < off; {
		_, n := utf8.DecodeRune(li.src[i:])
		i += n
		col++
	}
	li.lastLine, li.lastOff, li.lastCol = ln, off, col
	return Pos{ln + 1, col}
}

// offset returns the byte offset of a 1-based line and rune column, or -1.
// Conversions in increasing order on one line continue from the last one,
// so a long single-line flow collection costs linear time.
func (li *lineIndex) offset(p Pos) int {
	if p.Line < 1 || p.Line > len(li.starts) {
		return -1
	}
	i, c := li.starts[p.Line-1], 1
	if p.Line == 1 && len(li.src) >= 3 && string(li.src[:3]) == "\ufeff" {
		i = 3
	}
	if li.offLine == p.Line && li.offCol <= p.Col {
		i, c = li.offOff, li.offCol
	}
	for ; c < p.Col; c++ {
		if i >= len(li.src) || li.src[i] == '\n' {
			return -1
		}
		_, n := utf8.DecodeRune(li.src[i:])
		i += n
	}
	li.offLine, li.offCol, li.offOff = p.Line, p.Col, i
	return i
}

// jsonParser is a JSON reader that keeps the byte extent and position of
// every value. encoding/json drops positions and yaml.v3 rejects valid JSON
// (the "\/" escape, keys over 1024 characters), so templates in JSON are read
// here.
type jsonParser struct {
	path string
	src  []byte
	i    int
	li   *lineIndex
}

func parseJSON(path string, src []byte, li *lineIndex) (*Value, error) {
	p := &jsonParser{path: path, src: src, li: li}
	if len(src) >= 3 && string(src[:3]) == "\ufeff" {
		p.i = 3
	}
	p.ws()
	v, err := p.value(0, "")
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(src) {
		return nil, p.errf(p.i, "", "unexpected %s after the end of the JSON document", p.what())
	}
	return v, nil
}

func (p *jsonParser) errf(off int, path, format string, args ...any) *Error {
	return &Error{File: p.path, Pos: p.li.pos(off), Path: path, Msg: "malformed JSON: " + fmt.Sprintf(format, args...)}
}

// what describes the byte at p.i for messages.
func (p *jsonParser) what() string {
	if p.i >= len(p.src) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.src[p.i:])
	if r == utf8.RuneError || r < 0x20 {
		return fmt.Sprintf("byte 0x%02x", p.src[p.i])
	}
	return fmt.Sprintf("%q", r)
}

func (p *jsonParser) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *jsonParser) value(depth int, path string) (*Value, error) {
	if depth > maxDepth {
		return nil, &Error{File: p.path, Pos: p.li.pos(p.i), Path: path, Msg: fmt.Sprintf("nesting deeper than %d levels", maxDepth)}
	}
	if p.i >= len(p.src) {
		return nil, p.errf(p.i, path, "unexpected end of file, expected a value")
	}
	start := p.i
	v := &Value{Pos: p.li.pos(start)}
	v.src = srcInfo{ok: true, off: start, tagOff: start, keyOff: -1, flow: true}
	switch c := p.src[p.i]; {
	case c == '{':
		p.i++
		v.Kind = Map
		v.Fields = map[string]*Value{}
		p.ws()
		if p.i < len(p.src) && p.src[p.i] == '}' {
			p.i++
			break
		}
		for {
			p.ws()
			if p.i >= len(p.src) || p.src[p.i] != '"' {
				return nil, p.errf(p.i, path, "expected a string key, found %s", p.what())
			}
			keyOff := p.i
			key, err := p.str(path)
			if err != nil {
				return nil, err
			}
			keyEnd := p.i
			keyPos := p.li.pos(keyOff) // before the value: conversions go forward
			kp := joinPath(path, key)
			p.ws()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				return nil, p.errf(p.i, kp, "expected ':' after a key, found %s", p.what())
			}
			p.i++
			p.ws()
			e, err := p.value(depth+1, kp)
			if err != nil {
				return nil, err
			}
			e.KeyPos = keyPos
			e.src.keyOff, e.src.keyEnd = keyOff, keyEnd
			if old, dup := v.Fields[key]; dup {
				return nil, &Error{File: p.path, Pos: e.KeyPos, Path: kp, Key: key,
					Msg: fmt.Sprintf("duplicate key %q (first at %s)", key, old.KeyPos)}
			}
			v.Keys = append(v.Keys, key)
			v.Fields[key] = e
			p.ws()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == '}' {
				p.i++
				break
			}
			return nil, p.errf(p.i, path, "expected ',' or '}' in an object, found %s", p.what())
		}
	case c == '[':
		p.i++
		v.Kind = List
		v.List = []*Value{}
		p.ws()
		if p.i < len(p.src) && p.src[p.i] == ']' {
			p.i++
			break
		}
		for n := 0; ; n++ {
			p.ws()
			e, err := p.value(depth+1, joinPath(path, strconv.Itoa(n)))
			if err != nil {
				return nil, err
			}
			v.List = append(v.List, e)
			p.ws()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == ']' {
				p.i++
				break
			}
			return nil, p.errf(p.i, path, "expected ',' or ']' in an array, found %s", p.what())
		}
	case c == '"':
		s, err := p.str(path)
		if err != nil {
			return nil, err
		}
		v.Kind, v.Str = String, s
		v.src.style = styleDouble
	case c == '-' || (c >= '0' && c <= '9'):
		if err := p.number(path); err != nil {
			return nil, err
		}
		v.Kind, v.Str = Number, string(p.src[start:p.i])
		f, err := strconv.ParseFloat(v.Str, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			return nil, p.errf(start, path, "bad number %q", v.Str)
		}
		v.Num = f
	case p.lit("true"):
		v.Kind, v.Bool, v.Str = Bool, true, "true"
	case p.lit("false"):
		v.Kind, v.Bool, v.Str = Bool, false, "false"
	case p.lit("null"):
		v.Kind, v.Str = Null, "null"
	default:
		return nil, p.errf(p.i, path, "unexpected %s, expected a value", p.what())
	}
	v.src.end = p.i
	return v, nil
}

// lit consumes word if it is next.
func (p *jsonParser) lit(word string) bool {
	if strings.HasPrefix(string(p.src[p.i:min(len(p.src), p.i+len(word))]), word) {
		p.i += len(word)
		return true
	}
	return false
}

func (p *jsonParser) number(path string) error {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	intStart := p.i
	if digits() == 0 {
		return p.errf(start, path, "bad number")
	}
	if p.src[intStart] == '0' && p.i-intStart > 1 {
		return p.errf(start, path, "bad number: leading zero")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.errf(start, path, "bad number: no digits after '.'")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.errf(start, path, "bad number: no digits in the exponent")
		}
	}
	return nil
}

// str reads a JSON string starting at the opening quote.
func (p *jsonParser) str(path string) (string, error) {
	start := p.i
	p.i++
	// fast path: no escapes
	for j := p.i; j < len(p.src); j++ {
		c := p.src[j]
		if c == '"' {
			s := p.src[p.i:j]
			if utf8.Valid(s) {
				p.i = j + 1
				return string(s), nil
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var b strings.Builder
	for {
		if p.i >= len(p.src) {
			return "", p.errf(start, path, "unterminated string")
		}
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.errf(p.i, path, "control character 0x%02x in a string", c)
		case c == '\\':
			if p.i+1 >= len(p.src) {
				return "", p.errf(start, path, "unterminated string")
			}
			e := p.src[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.errf(p.i-2, path, "bad \\u escape")
				}
				if utf16.IsSurrogate(r) {
					if p.i+1 < len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						r2, ok := p.hex4()
						if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
							r = dec
						} else {
							p.i = save
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b.WriteRune(r)
			default:
				return "", p.errf(p.i-2, path, "unknown escape \\%c", e)
			}
		default:
			r, n := utf8.DecodeRune(p.src[p.i:])
			if r == utf8.RuneError && n == 1 {
				return "", p.errf(p.i, path, "invalid UTF-8 byte 0x%02x in a string", c)
			}
			b.Write(p.src[p.i : p.i+n])
			p.i += n
		}
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.src) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.src[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}
