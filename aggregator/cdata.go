package aggregator

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
)

// Most RSS feeds carry each item's HTML in a CDATA section
// (<content:encoded><![CDATA[…]]>, WordPress's default) or entity-escaped
// (&lt;p&gt;…), and that text is most of a feed's bytes. encoding/xml,
// under gofeed, reads it a byte at a time into a buffer, then gofeed copies
// it out of the element's inner XML and strips the CDATA markers or decodes
// every entity: half of all parsing time on a typical feed. Yet a CDATA
// section's text is, by the XML spec, exactly its bytes, and escaped text
// with only the predefined entities and character references decodes one
// way. So before gofeed parses an RSS or Atom body, large sections of the
// fields it restores (RSS <title>, <description>, <content:encoded>; Atom
// titles, subtitles, summaries and content) that can be read without
// gofeed are lifted out and replaced by short placeholders; gofeed parses
// the rest (every element, attribute, entity and date as before), and the
// translator puts each section's text back where its placeholder landed.
// If any placeholder lands in a field the translator does not restore, the
// body is parsed again whole, so the result is always what gofeed alone
// would give (TestLiftedParseMatchesGofeed, FuzzLiftedParse).

const (
	// liftMin is the smallest text worth lifting: below it the
	// placeholder and the bookkeeping cost about what they save.
	liftMin = 256
	// liftOpen and liftClose bracket a placeholder's index. They are
	// Unicode noncharacters, legal in XML text but meaningless in a feed; a
	// body that contains liftOpen anywhere is not lifted at all.
	liftOpen  = "\uFDD0"
	liftClose = "\uFDD1"
)

var (
	cdataOpen  = []byte("<![CDATA[")
	cdataClose = []byte("]]>")
)

// liftSections returns body with the text of every liftable section of at
// least minLen bytes replaced by a placeholder, and the texts as gofeed
// would give them, in order. A section is a CDATA section that opens the
// text of an element the restorer fills, or the whole entity-escaped text
// of such an element (see liftEscaped). It returns body itself and no
// texts when there is nothing to lift.
//
// The body is read tag by tag, keeping the stack of open elements: a
// section is lifted only from an element whose parent is one of lf's
// parents (an RSS channel or item, an Atom feed or entry), so never from
// inside another element's text, which gofeed may keep undecoded. Comments,
// processing instructions and CDATA sections are stepped over whole. A
// body whose tags do not nest, or that declares entities (in a DOCTYPE's
// internal subset), is not lifted at all.
func liftSections(body []byte, lf *liftFormat, minLen int) ([]byte, [][]byte) {
	if !declaresUTF8(body) || bytes.Contains(body, []byte(liftOpen)) || bytes.Contains(body, []byte("<!ENTITY")) {
		return body, nil
	}
	if lf.noBase && bytes.Contains(body, []byte("xml:base")) {
		return body, nil
	}
	var (
		out    []byte
		lifted [][]byte
		done   int // body[:done] is in out
		at     int
		open   [][]byte // names of the open elements
		// opened is the index just past the innermost open element's
		// start tag: a CDATA section is lifted only when it opens the
		// element's text.
		opened int
	)
	lift := func(start, end int, text []byte) {
		if out == nil {
			out = make([]byte, 0, len(body)/4)
		}
		out = append(out, body[done:start]...)
		out = append(out, liftOpen...)
		out = strconv.AppendInt(out, int64(len(lifted)), 10)
		out = append(out, liftClose...)
		lifted = append(lifted, text)
		done = end
	}
	// inField reports whether the innermost open element is a field lf
	// restores, directly under one of lf's parents.
	inField := func() bool {
		n := len(open)
		return n >= 2 && slices.Contains(lf.names, string(open[n-1])) && slices.Contains(lf.parents, string(open[n-2]))
	}
	skipTo := func(i int, end string) bool {
		j := bytes.Index(body[i:], []byte(end))
		at = i + j + len(end)
		return j >= 0
	}
	for {
		i := bytes.IndexByte(body[at:], '<')
		if i < 0 {
			break
		}
		i += at
		rest := body[i:]
		switch {
		case bytes.HasPrefix(rest, cdataOpen):
			start := i + len(cdataOpen)
			if !skipTo(start, "]]>") {
				return body, nil // unterminated: leave it for gofeed to reject
			}
			end := at - len(cdataClose)
			text := body[start:end]
			if len(text) >= minLen && inField() && len(bytes.TrimSpace(body[opened:i])) == 0 && passesUnchanged(text) {
				lift(start, end, text)
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			if !skipTo(i+4, "-->") {
				return body, nil
			}
		case bytes.HasPrefix(rest, []byte("<?")):
			if !skipTo(i+2, "?>") {
				return body, nil
			}
		case bytes.HasPrefix(rest, []byte("<!")): // a DOCTYPE
			if !skipTo(i+2, ">") {
				return body, nil
			}
		case bytes.HasPrefix(rest, []byte("</")):
			j := bytes.IndexByte(rest, '>')
			if j < 0 || len(open) == 0 || !bytes.Equal(bytes.TrimRight(rest[2:j], " \t\r\n"), open[len(open)-1]) {
				return body, nil // gofeed's lenient parser would guess
			}
			open = open[:len(open)-1]
			at = i + j + 1
		default:
			name, end, selfClosing := startTag(body, i)
			if end < 0 {
				return body, nil
			}
			at = end
			if selfClosing {
				continue
			}
			open, opened = append(open, name), end
			if !inField() {
				continue
			}
			if start, end, text, ok := lf.liftEscaped(body, i, end, minLen); ok {
				lift(start, end, text)
				at = end
			}
		}
	}
	return finishLift(body, out, lifted, done)
}

// startTag reads the start tag at body[i]: its name, the index just past
// its '>' (-1 when the tag is malformed or cut off) and whether it closes
// itself. A '>' inside a quoted attribute value does not end it.
func startTag(body []byte, i int) (name []byte, end int, selfClosing bool) {
	j := i + 1
	for j < len(body) && !isTagBreak(body[j]) {
		j++
	}
	name = body[i+1 : j]
	if len(name) == 0 {
		return nil, -1, false
	}
	for ; j < len(body); j++ {
		switch c := body[j]; c {
		case '"', '\'':
			k := bytes.IndexByte(body[j+1:], c)
			if k < 0 {
				return nil, -1, false
			}
			j += k + 1
		case '>':
			return name, j + 1, body[j-1] == '/'
		}
	}
	return nil, -1, false
}

func isTagBreak(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '/', '>':
		return true
	}
	return false
}

func finishLift(body, out []byte, lifted [][]byte, done int) ([]byte, [][]byte) {
	if lifted == nil {
		return body, nil
	}
	return append(out, body[done:]...), lifted
}

// liftFormat says which elements of a feed format have their text lifted:
// those the restorer puts back, read by gofeed the same way.
type liftFormat struct {
	// names are the elements whose text is lifted (a CDATA section that
	// opens it, or escaped text), when their parent is one of parents.
	names   []string
	parents []string
	// escaped are the start tags whose entity-escaped text is lifted, with
	// the end tag that must follow the text. Only these exact tags: an
	// attribute value may hold '>' and hide where the text starts, and an
	// attribute may change how gofeed reads the text.
	escaped []tagPair
	// noBase: no section is lifted from a body that uses xml:base, against
	// which gofeed resolves the links inside the text.
	noBase bool
}

type tagPair struct{ open, close []byte }

func tags(close string, opens ...string) []tagPair {
	var ts []tagPair
	for _, o := range opens {
		ts = append(ts, tagPair{[]byte(o), []byte(close)})
	}
	return ts
}

var (
	// rssLift: RSS 0.9x, 1.0 and 2.0 (restoreRSS).
	rssLift = &liftFormat{
		names:   []string{"title", "description", "content:encoded"},
		parents: []string{"channel", "item"},
		escaped: slices.Concat(
			tags("</description>", "<description>"),
			tags("</content:encoded>", "<content:encoded>"),
			tags("</title>", "<title>"),
		),
	}
	// atomLift: Atom 0.3 and 1.0 (restoreAtom). gofeed entity-decodes the
	// text of a text construct of type text or html (html also goes through
	// an HTML parse that, with no markup in the raw text, changes nothing,
	// and link resolution, which needs an xml:base).
	atomLift = &liftFormat{
		names:   []string{"title", "subtitle", "summary", "content"},
		parents: []string{"feed", "entry"},
		escaped: slices.Concat(
			tags("</content>", "<content>", `<content type="html">`, `<content type='html'>`, `<content type="text">`, `<content type='text'>`),
			tags("</summary>", "<summary>", `<summary type="html">`, `<summary type='html'>`, `<summary type="text">`, `<summary type='text'>`),
			tags("</title>", "<title>", `<title type="html">`, `<title type='html'>`, `<title type="text">`, `<title type='text'>`),
			tags("</subtitle>", "<subtitle>", `<subtitle type="html">`, `<subtitle type='html'>`, `<subtitle type="text">`, `<subtitle type='text'>`),
		),
		noBase: true,
	}
)

// liftEscaped looks at the start tag body[i:from]. When it is one of lf.escaped
// and the element holds nothing but character data of at least minLen
// bytes that decodeEscaped accepts, it returns the span to replace (the
// text without its surrounding whitespace, which gofeed trims) and the
// text decoded as gofeed decodes it.
//
// Most Atom-era RSS generators escape item HTML instead of wrapping it in
// CDATA (&lt;p&gt;…); encoding/xml then reads it a byte at a time and
// gofeed decodes every entity into a fresh string, which made parsing such
// feeds half again as slow as the same feeds in CDATA.
func (lf *liftFormat) liftEscaped(body []byte, i, from, minLen int) (start, end int, text []byte, ok bool) {
	for _, t := range lf.escaped {
		if !bytes.Equal(body[i:from], t.open) {
			continue
		}
		j := bytes.IndexByte(body[from:], '<')
		if j < 0 || !bytes.HasPrefix(body[from+j:], t.close) {
			return 0, 0, nil, false
		}
		raw := body[from : from+j]
		trimmed := bytes.TrimSpace(raw)
		if len(trimmed) < minLen {
			return 0, 0, nil, false
		}
		start = from + len(raw) - len(bytes.TrimLeftFunc(raw, unicode.IsSpace))
		text, ok = decodeEscaped(trimmed)
		if !ok {
			return 0, 0, nil, false
		}
		return start, start + len(trimmed), text, true
	}
	return 0, 0, nil, false
}

// decodeEscaped decodes character data the way gofeed's entity decoding
// (html.UnescapeString applied to each complete entity) turns it into a
// field, accepting only text whose every byte encoding/xml also passes
// through the same way under any of its modes: the five predefined
// entities and character references to XML characters outside the
// C1 range (which the HTML rules map to Windows-1252), and no markup, no
// "]]>", nothing passesUnchanged refuses.
func decodeEscaped(text []byte) ([]byte, bool) {
	if !passesUnchanged(text) || bytes.Contains(text, []byte("]]>")) {
		return nil, false
	}
	out := make([]byte, 0, len(text))
	for {
		i := bytes.IndexByte(text, '&')
		if i < 0 {
			return append(out, text...), true
		}
		out = append(out, text[:i]...)
		text = text[i+1:]
		semi := bytes.IndexByte(text[:min(len(text), 10)], ';')
		if semi < 0 {
			return nil, false
		}
		name := text[:semi]
		text = text[semi+1:]
		switch string(name) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			r, ok := charRef(name)
			if !ok {
				return nil, false
			}
			out = utf8.AppendRune(out, r)
		}
	}
}

// charRef reads the name of a character reference ("#8217", "#x2019")
// whose character XML allows and HTML does not remap.
func charRef(name []byte) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 7 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	r := rune(v)
	switch {
	case r == '\t' || r == '\n' || r == '\r':
	case r >= 0x20 && r < 0x7f, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
	default:
		return 0, false // controls, C1, surrogates, FFFE/FFFF: left to gofeed
	}
	return r, true
}

// declaresUTF8 reports whether the XML declaration names no encoding or
// UTF-8: under any other, encoding/xml converts the text, and a lifted
// section would skip the conversion. (Parse has already turned bodies it
// converted itself into declared UTF-8.)
func declaresUTF8(body []byte) bool {
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return true
	}
	end := bytes.Index(body, []byte("?>"))
	if end < 0 {
		return false
	}
	decl := bytes.ToLower(body[:end])
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return true
	}
	v := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n=\"'")
	return bytes.HasPrefix(v, []byte("utf-8")) || bytes.HasPrefix(v, []byte("utf8"))
}

// passesUnchanged reports whether gofeed would hand text through exactly:
// valid UTF-8, none of the control bytes its reader filter drops and no
// U+FFFE/U+FFFF (which encoding/xml rejects). A \r passes: encoding/xml
// turns \r\n into \n only in the character data it decodes, and gofeed
// reads these elements' raw inner XML (Windows-made feeds keep their CR LF
// in every field).
func passesUnchanged(text []byte) bool {
	// Eight bytes at a time: (x - 0x20…20) &^ x & 0x80…80 is non-zero
	// exactly when some byte of x is below 0x20, and then that word is
	// looked at byte by byte. A byte loop here cost a sixth of parsing.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if x := binary.LittleEndian.Uint64(text[i:]); (x-0x20*ones)&^x&highs != 0 && hasFiltered(text[i:i+8]) {
			return false
		}
	}
	return !hasFiltered(text[i:]) && utf8.Valid(text) &&
		!bytes.Contains(text, []byte("\uFFFE")) && !bytes.Contains(text, []byte("\uFFFF"))
}

// hasFiltered reports whether b holds a control byte other than \t, \n
// and \r.
func hasFiltered(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// restorer puts lifted texts back into the fields of a parsed RSS or Atom
// feed that gofeed fills from element text, and notes whether every
// placeholder came back exactly once.
type restorer struct {
	lifted [][]byte
	seen   []bool
	bad    bool
}

func newRestorer(lifted [][]byte) *restorer {
	return &restorer{lifted: lifted, seen: make([]bool, len(lifted))}
}

func (r *restorer) restoreRSS(f *rss.Feed) {
	r.restore(&f.Title)
	r.restore(&f.Description)
	for _, it := range f.Items {
		r.restore(&it.Title)
		r.restore(&it.Description)
		r.restore(&it.Content)
	}
}

func (r *restorer) restoreAtom(f *atom.Feed) {
	r.restore(&f.Title)
	r.restore(&f.Subtitle)
	for _, e := range f.Entries {
		r.restore(&e.Title)
		r.restore(&e.Summary)
		if e.Content != nil {
			r.restore(&e.Content.Value)
		}
	}
}

// complete reports whether every lifted text was put back once.
func (r *restorer) complete() bool {
	if r.bad {
		return false
	}
	for _, s := range r.seen {
		if !s {
			return false
		}
	}
	return true
}

func (r *restorer) restore(s *string) {
	if !strings.Contains(*s, liftOpen) {
		return
	}
	var b strings.Builder
	rest := *s
	for {
		i := strings.Index(rest, liftOpen)
		if i < 0 {
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i+len(liftOpen):]
		j := strings.Index(rest, liftClose)
		n, err := strconv.Atoi(rest[:max(j, 0)])
		if j < 0 || err != nil || n < 0 || n >= len(r.lifted) || r.seen[n] {
			r.bad = true
			return
		}
		r.seen[n] = true
		b.Write(r.lifted[n])
		rest = rest[j+len(liftClose):]
	}
	b.WriteString(rest)
	*s = b.String()
}
