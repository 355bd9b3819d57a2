package aggregator

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed/rss"
)

// Most RSS feeds carry each item's HTML in a CDATA section
// (<content:encoded><![CDATA[…]]>, WordPress's default), and those sections
// are most of a feed's bytes. encoding/xml, under gofeed, reads CDATA a byte
// at a time into a buffer, then gofeed copies it out of the element's inner
// XML and strips the markers: half of all parsing time on a typical feed.
// Yet a CDATA section's text is, by the XML spec, exactly its bytes. So
// before gofeed parses an RSS body, large sections of <title>,
// <description> and <content:encoded> text whose bytes gofeed would pass
// through unchanged are lifted out and replaced by short placeholders;
// gofeed parses the rest (every element, attribute, entity and date as
// before), and the translator puts each section's bytes back where its
// placeholder landed. If any placeholder lands in a field the translator
// does not restore, the body is parsed again whole, so the result is always
// what gofeed alone would give (TestLiftedParseMatchesGofeed,
// FuzzLiftedParse).

const (
	// liftMin is the smallest CDATA text worth lifting: below it the
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

// liftCDATA returns body with the text of every liftable CDATA section of
// at least minLen bytes replaced by a placeholder, and the lifted texts in
// order. It returns body itself and no texts when there is nothing to lift.
func liftCDATA(body []byte, minLen int) ([]byte, [][]byte) {
	if !declaresUTF8(body) || bytes.Contains(body, []byte(liftOpen)) {
		return body, nil
	}
	var (
		out    []byte
		lifted [][]byte
		done   int // body[:done] is in out
		at     int
	)
	for {
		i := bytes.Index(body[at:], cdataOpen)
		if i < 0 {
			break
		}
		start := at + i + len(cdataOpen)
		j := bytes.Index(body[start:], cdataClose)
		if j < 0 {
			break // unterminated: leave it for gofeed to reject
		}
		end := start + j
		at = end + len(cdataClose)
		text := body[start:end]
		if len(text) < minLen || !restorable(body[:start-len(cdataOpen)]) || !passesUnchanged(text) {
			continue
		}
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
	if lifted == nil {
		return body, nil
	}
	return append(out, body[done:]...), lifted
}

// restorable reports whether the element whose text starts at the end of
// head is one restoreRSS puts lifted text back into: a section anywhere
// else (an iTunes summary, an extension) would send the whole body through
// gofeed a second time.
func restorable(head []byte) bool {
	head = bytes.TrimRight(head, " \t\r\n")
	if !bytes.HasSuffix(head, []byte(">")) {
		return false
	}
	open := bytes.LastIndexByte(head, '<')
	if open < 0 {
		return false
	}
	name, _, _ := bytes.Cut(head[open+1:len(head)-1], []byte(" "))
	switch string(name) {
	case "title", "description", "content:encoded":
		return true
	}
	return false
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
// valid UTF-8, none of the control bytes its reader filter drops, no \r
// (encoding/xml turns \r\n into \n) and no U+FFFE/U+FFFF (which
// encoding/xml rejects).
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

// hasFiltered reports whether b holds a control byte other than \t and \n.
func hasFiltered(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' {
			return true
		}
	}
	return false
}

// restorer puts lifted CDATA texts back into the fields of a parsed RSS
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
