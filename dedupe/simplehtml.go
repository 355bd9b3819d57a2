package dedupe

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// simpleHTML is tokenize for plain markup, read straight from the string:
// x/net/html's tokenizer copies the input through a reader buffer, allocates
// a few KB per item and decodes byte by byte, which made it a quarter of an
// item's analysis. It handles text (carriage returns included), tags whose
// names are letters and digits, attributes of the usual forms (key,
// key=value, key="…", key='…'), comments, and the raw text of the skipped
// <script>, <style>, <iframe> and <noscript> (embeds), exactly as the
// tokenizer reads them; on anything else — doctypes, processing
// instructions, other raw-text elements, script holding "<!--", <link>,
// unusual attribute or comment syntax, a
// tag or comment cut off at the end — it returns false and the caller
// tokenizes the whole item instead. FuzzSimpleHTML holds it to the
// tokenizer's result.
func (tb *textBuilder) simpleHTML(src string) bool {
	skipDepth, textStart := 0, 0
	for i := 0; ; {
		j := strings.IndexByte(src[i:], '<')
		if j < 0 {
			break
		}
		i += j
		var next byte
		if i+1 < len(src) {
			next = src[i+1]
		}
		end := next == '/'
		switch {
		case isLetter(next):
		case end && i+2 < len(src) && isLetter(src[i+2]):
		case strings.HasPrefix(src[i+1:], "!--"):
			// A comment: the tokenizer ends it at the first "-->", unless
			// it opens with ">" or "->" or holds "--!>", which end it
			// sooner; those, and a comment cut off at the end, are left
			// to the tokenizer.
			k := strings.Index(src[i+4:], "-->")
			if k < 0 || strings.HasPrefix(src[i+4:], ">") || strings.HasPrefix(src[i+4:], "->") || strings.Contains(src[i+4:i+4+k+3], "--!>") {
				return false
			}
			if !tb.simpleText(src[textStart:i], skipDepth) {
				return false
			}
			i = i + 4 + k + 3
			textStart = i
			continue
		case next == '/' || next == '!' || next == '?':
			return false // doctypes, "</>" and other oddities
		default:
			i++ // "<" not starting a tag is text, as in the tokenizer
			continue
		}
		if !tb.simpleText(src[textStart:i], skipDepth) {
			return false
		}
		a, raw, after, selfClosing, ok := scanTag(src, i)
		if !ok {
			return false
		}
		i, textStart = after, after
		if end {
			if skipped[a] {
				if skipDepth > 0 {
					skipDepth--
				}
				continue
			}
			tb.endTag(a)
			continue
		}
		if a == atom.Link || raw && (selfClosing || !skipped[a]) {
			return false // raw text outside a skipped element would be kept
		}
		if skipped[a] {
			if !selfClosing {
				skipDepth++
			}
			if raw {
				// <script>, <style>, <iframe>, <noscript>: everything up
				// to the matching end tag is text (dropped, being
				// skipped). Script data holding "<!--" has escaping rules
				// of its own, left to the tokenizer.
				e := rawTextEnd(src, i, a.String())
				if a == atom.Script && strings.Contains(src[i:e], "<!--") {
					return false
				}
				i, textStart = e, e
			}
			continue
		}
		tb.startTag(a)
	}
	return tb.simpleText(src[textStart:], skipDepth)
}

// simpleText appends a run of text between tags, entities decoded.
func (tb *textBuilder) simpleText(s string, skipDepth int) bool {
	if s == "" || skipDepth > 0 {
		return true
	}
	if strings.IndexByte(s, '\r') >= 0 {
		// As the tokenizer does before decoding entities.
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	tb.text = append(tb.text, s...)
	return true
}

// scanTag reads the tag starting at src[i] ('<'), returning its name's atom
// (0 for names that are not atoms), whether it makes the tokenizer read what
// follows as raw text, the index just past its '>', and whether it ends in
// "/>". ok is false for syntax simpleHTML leaves to the tokenizer.
func scanTag(src string, i int) (a atom.Atom, raw bool, after int, selfClosing, ok bool) {
	i++
	if src[i] == '/' {
		i++
	}
	start := i
	for i < len(src) && (isLetter(src[i]) || isDigit(src[i])) {
		i++
	}
	if i == len(src) {
		return 0, false, 0, false, false
	}
	switch src[i] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
	default:
		return 0, false, 0, false, false // e.g. "<o:p>"
	}
	if name := src[start:i]; len(name) <= 16 {
		var lower [16]byte
		for k := 0; k < len(name); k++ {
			c := name[k]
			if isUpper(c) {
				c += 'a' - 'A'
			}
			lower[k] = c
		}
		a = atom.Lookup(lower[:len(name)])
		switch a {
		case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext,
			atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
			raw = true
		}
	}
	for {
		i = skipSpace(src, i)
		if i == len(src) {
			return 0, false, 0, false, false
		}
		switch c := src[i]; {
		case c == '>':
			return a, raw, i + 1, false, true
		case c == '/':
			if i+1 < len(src) && src[i+1] == '>' {
				return a, raw, i + 2, true, true
			}
			return 0, false, 0, false, false
		case !isAttrKeyByte(c):
			return 0, false, 0, false, false
		}
		for i < len(src) && isAttrKeyByte(src[i]) {
			i++
		}
		i = skipSpace(src, i)
		if i == len(src) {
			return 0, false, 0, false, false
		}
		switch src[i] {
		case '>', '/':
			continue
		case '=':
		default:
			if isAttrKeyByte(src[i]) {
				continue // the next attribute
			}
			return 0, false, 0, false, false
		}
		i = skipSpace(src, i+1)
		if i == len(src) {
			return 0, false, 0, false, false
		}
		switch q := src[i]; q {
		case '"', '\'':
			k := strings.IndexByte(src[i+1:], q)
			if k < 0 {
				return 0, false, 0, false, false
			}
			i += k + 2
		default:
			from := i
			for i < len(src) && isUnquotedValueByte(src[i]) {
				i++
			}
			if i == from {
				return 0, false, 0, false, false
			}
		}
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\n', '\r', '\t', '\f':
			i++
		default:
			return i
		}
	}
	return i
}

// rawTextEnd returns where the raw text after a <name> start tag ending at
// i ends, as the tokenizer finds it: at the first "</name" (in any case)
// followed by space, '/' or '>', or at the end of src.
func rawTextEnd(src string, i int, name string) int {
	for {
		k := strings.Index(src[i:], "</")
		if k < 0 {
			return len(src)
		}
		i += k
		if j := i + 2 + len(name); j < len(src) && strings.EqualFold(src[i+2:j], name) {
			switch src[j] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i
			}
		}
		i += 2
	}
}

// isAttrKeyByte is the conservative attribute-name alphabet simpleHTML
// reads itself.
func isAttrKeyByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == ':' || c == '.'
}

// isUnquotedValueByte excludes, besides what ends an unquoted value (space,
// '>'), the bytes HTML forbids there, which the tokenizer would read in
// ways simpleHTML does not copy.
func isUnquotedValueByte(c byte) bool {
	switch c {
	case ' ', '\n', '\t', '\f', '\r', '>', '"', '\'', '<', '=', '`':
		return false
	}
	return true
}
