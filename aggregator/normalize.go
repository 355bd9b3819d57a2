package aggregator

import (
	"fmt"
	"hash/fnv"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/feedfold/feedfold/store"
	"github.com/feedfold/feedfold/urlnorm"
)

const (
	// maxTitleBytes caps titles: a 100 KB "title" is an attack or a bug,
	// and it would bloat every listing.
	maxTitleBytes = 1024
	// futureSlack is how far ahead of now a date may be before it is
	// treated as wrong and clamped to now (time zones and clock skew make a
	// few hours common; days ahead are publisher errors).
	futureSlack = 48 * time.Hour
)

// normalizeItems turns gofeed items into store items. Entries whose key was
// already seen earlier in the same document are dropped: the first wins.
//
// A GUID that several entries with different links share in one document
// identifies none of them: some feeds give every entry the channel's
// address, or a CMS repeats one id. Keyed by it, all but the first story
// would be dropped on every poll (and the next poll's first would
// overwrite the stored one), so those entries are keyed by their links.
// Entries without a GUID that share a link but not their text are keyed
// by their text for the same reason, and so is an entry whose only key
// is the feed's own address or its site's.
//
// A normalised link that several entries of one document carry, or that
// is the feed's own site, identifies none of them either: comment feeds
// link every comment to its article (the fragment that tells them apart
// is dropped by normalisation), some feeds link every entry to their home
// page. Kept as the entries' same-url identity, every such entry would be
// linked as a copy of the first, and stories would vanish into it; their
// NormURL is left empty, and only their text can link them.
func normalizeItems(f *gofeed.Feed, feedURL string, now time.Time) ([]store.Item, []AltKey) {
	site := resolve(feedURL, strings.TrimSpace(f.Link))
	ownKey := func(k string) bool {
		k = strings.TrimRight(k, "/")
		return k != "" && (k == strings.TrimRight(feedURL, "/") || k == strings.TrimRight(site, "/"))
	}
	ownNorm := map[string]bool{urlnorm.Normalize(feedURL): true}
	if site != "" {
		ownNorm[urlnorm.Normalize(site)] = true
	}
	out := make([]store.Item, 0, len(f.Items))
	guidless := make([]bool, 0, len(f.Items))   // of out's entries
	first := make(map[string]int, len(f.Items)) // key -> index in out of its first entry
	var shared map[string]bool                  // GUIDs of entries with different links
	var sharedLink map[string]bool              // links of GUID-less entries with different texts
	for _, gi := range f.Items {
		if gi == nil {
			continue
		}
		it := normalizeItem(gi, feedURL, now)
		if ownKey(it.Key) {
			it.Key = textKey(it)
		}
		i, seen := first[it.Key]
		switch {
		case !seen:
			first[it.Key] = len(out)
		case it.URL != "" && out[i].URL != "" && it.URL != out[i].URL && it.Key == strings.TrimSpace(gi.GUID):
			if shared == nil {
				shared = map[string]bool{}
			}
			shared[it.Key] = true // kept, to be keyed by its link below
		case it.Key == it.URL && strings.TrimSpace(gi.GUID) == "" && (it.Title != out[i].Title || it.Content != out[i].Content || it.Summary != out[i].Summary):
			if sharedLink == nil {
				sharedLink = map[string]bool{}
			}
			sharedLink[it.Key] = true // kept, to be keyed by its text below
		default:
			continue // a repeat: the first wins
		}
		out = append(out, it)
		guidless = append(guidless, strings.TrimSpace(gi.GUID) == "")
	}
	// A GUID-less entry is keyed by its link while it alone carries the
	// link and by its text while others share it, so which key a poll
	// gives it depends on its neighbours; the other is its alternate
	// (see ParsedFeed.AltKeys).
	alt := make([]AltKey, len(out))
	for i, it := range out {
		if guidless[i] && it.URL != "" && it.Key == it.URL && !sharedLink[it.Key] {
			alt[i] = AltText
		}
	}
	if shared != nil || sharedLink != nil {
		seen := make(map[string]bool, len(out))
		kept, keptAlt := out[:0], alt[:0]
		for i, it := range out {
			a := alt[i]
			switch {
			case shared[it.Key] && it.URL != "":
				it.Key = it.URL
			case sharedLink[it.Key]:
				it.Key, a = textKey(it), AltLink
			}
			if !seen[it.Key] {
				seen[it.Key] = true
				kept, keptAlt = append(kept, it), append(keptAlt, a)
			}
		}
		out, alt = kept, keptAlt
	}
	carriers := make(map[string]int, len(out))
	for _, it := range out {
		if it.NormURL != "" {
			carriers[it.NormURL]++
		}
	}
	for i := range out {
		if n := out[i].NormURL; carriers[n] > 1 || ownNorm[n] {
			out[i].NormURL = ""
		}
	}
	return out, alt
}

// AltKey names the other key an entry may be stored under (see
// ParsedFeed.AltKeys). It is computed only when the entry's key is not
// found: a text key hashes the whole text.
type AltKey uint8

const (
	NoAlt   AltKey = iota // the entry has only its key
	AltText               // the entry's text key (textKey)
	AltLink               // the entry's link
)

// altKey returns the entry's alternate key of kind k, "" for NoAlt.
func altKey(it store.Item, k AltKey) string {
	switch k {
	case AltText:
		return textKey(it)
	case AltLink:
		return it.URL
	}
	return ""
}

func normalizeItem(gi *gofeed.Item, feedURL string, now time.Time) store.Item {
	link := gi.Link
	if link == "" && len(gi.Links) > 0 {
		link = gi.Links[0]
	}
	link = resolve(feedURL, strings.TrimSpace(link))
	it := store.Item{
		URL:       link,
		NormURL:   urlnorm.Normalize(link),
		Title:     cleanTitle(gi.Title),
		Content:   gi.Content,
		Summary:   gi.Description,
		FirstSeen: now,
	}
	if it.Content == gi.Description {
		it.Summary = ""
	}
	if it.Content == "" && it.Summary == "" {
		it.Content = mediaContent(gi, feedURL)
	}
	switch {
	case len(gi.Authors) > 0 && gi.Authors[0] != nil:
		it.Author = strings.TrimSpace(gi.Authors[0].Name)
	case gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Creator) > 0:
		it.Author = strings.TrimSpace(gi.DublinCoreExt.Creator[0])
	}
	if s := gi.Custom["source_url"]; s != "" {
		it.SourceURL = resolve(feedURL, s)
	}
	for _, c := range gi.Categories {
		if c = strings.TrimSpace(c); c != "" {
			it.Categories = append(it.Categories, c)
		}
	}
	for _, e := range gi.Enclosures {
		if e == nil || e.URL == "" {
			continue
		}
		enc := store.Enclosure{URL: resolve(feedURL, e.URL), Type: e.Type}
		if n, err := parseInt64(e.Length); err == nil && n > 0 {
			enc.Length = n
		}
		it.Enclosures = append(it.Enclosures, enc)
	}
	published, updated := gi.PublishedParsed, gi.UpdatedParsed
	if published == nil {
		published = parsedLoosely(gi.Published)
	}
	if updated == nil {
		updated = parsedLoosely(gi.Updated)
	}
	it.Published = sanitizeTime(published, now)
	it.Updated = sanitizeTime(updated, now)
	if published == nil || it.Published.IsZero() {
		it.Published = it.Updated
	}
	if it.Published.IsZero() {
		it.Published = now
	}
	if it.Updated.IsZero() {
		it.Updated = it.Published
	}
	it.Hash = contentHash(it)
	switch {
	case strings.TrimSpace(gi.GUID) != "":
		it.Key = strings.TrimSpace(gi.GUID)
	case link != "":
		it.Key = link
	default:
		it.Key = textKey(it)
	}
	return it
}

// textKey keys an entry that nothing else identifies by its title and
// text. FNV-1a for good: a changed key would make every such item new.
func textKey(it store.Item) string {
	k := fnv.New64a()
	k.Write([]byte(it.Title + "\x00" + it.Content + "\x00" + it.Summary))
	return "hash:" + strconv.FormatUint(k.Sum64(), 16)
}

// contentHash is what tells a changed item from a repeated one across
// polls: xxHash64 of title, content, summary and URL. It is computed for
// every item of every poll, so it must cost little next to parsing:
// FNV-1a, which it replaced, reads a byte at a time (2% of a large poll's
// CPU, and a copy of each string).
func contentHash(it store.Item) uint64 {
	var d xxhash.Digest
	d.Reset()
	for _, s := range [...]string{it.Title, "\x00", it.Content, "\x00", it.Summary, "\x00", it.URL} {
		d.WriteString(s)
	}
	return d.Sum64()
}

// legacyContentHash is contentHash as items stored before it were hashed
// (FNV-1a); prepare compares with it only when contentHash differs, so
// those items are not taken for changed ones.
func legacyContentHash(it store.Item) uint64 {
	h := fnv.New64a()
	for _, s := range [...]string{it.Title, "\x00", it.Content, "\x00", it.Summary, "\x00", it.URL} {
		h.Write([]byte(s))
	}
	return h.Sum64()
}

// parsedLoosely is looseDate for a date gofeed could not read, nil when
// there is none or it cannot be read either.
func parsedLoosely(s string) *time.Time {
	if t, ok := looseDate(s); ok {
		return &t
	}
	return nil
}

// sanitizeTime returns t in UTC, or zero when missing or before 1970, and
// now when more than futureSlack ahead.
func sanitizeTime(t *time.Time, now time.Time) time.Time {
	if t == nil || t.IsZero() || t.Year() < 1970 {
		return time.Time{}
	}
	if t.After(now.Add(futureSlack)) {
		return now.UTC()
	}
	return t.UTC()
}

// cleanTitle returns plain text: entities decoded, tags dropped, spaces
// collapsed, capped at maxTitleBytes on a rune boundary.
func cleanTitle(s string) string {
	if strings.ContainsRune(s, '<') {
		s = htmlText(s, 0)
	} else {
		s = strings.Join(strings.Fields(html.UnescapeString(s)), " ")
	}
	if len(s) > maxTitleBytes {
		cut := maxTitleBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// resolve resolves ref against base; an unparsable ref is returned as is.
func resolve(base, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

func parseInt64(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }

// mediaContent is the HTML of an item that carries its text only in Media
// RSS (media:description, media:thumbnail), directly or in a media:group:
// YouTube's channel feeds, and many video and photo feeds. Without it such
// items reached reader apps empty and were deduplicated by title alone.
// The description is plain text (Media RSS's default type); it is "" when
// the item has none.
func mediaContent(gi *gofeed.Item, feedURL string) string {
	media := gi.Extensions["media"]
	if media == nil {
		return ""
	}
	desc, thumb := mediaElement(media, "description"), ""
	if t := mediaElement(media, "thumbnail"); t != nil {
		thumb = resolve(feedURL, strings.TrimSpace(t.Attrs["url"]))
	}
	if desc == nil || strings.TrimSpace(desc.Value) == "" {
		return ""
	}
	var b strings.Builder
	if u, err := url.Parse(thumb); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		fmt.Fprintf(&b, `<p><img src="%s" alt=""></p>`, html.EscapeString(thumb))
	}
	if desc.Attrs["type"] == "html" {
		b.WriteString(desc.Value)
	} else {
		b.WriteString(plainTextHTML(desc.Value))
	}
	return b.String()
}

// mediaElement is the item's media:NAME element, or the first
// media:group's.
func mediaElement(media map[string][]ext.Extension, name string) *ext.Extension {
	if es := media[name]; len(es) > 0 {
		return &es[0]
	}
	for _, g := range media["group"] {
		if es := g.Children[name]; len(es) > 0 {
			return &es[0]
		}
	}
	return nil
}

// htmlText is the text of HTML s: entities decoded, tags and the contents
// of script and style dropped, block boundaries ("</p><p>", "<br>") made
// spaces, whitespace collapsed. Inline tags join their text as written
// ("e<sup>2</sup>" is "e2"). With limit > 0 it stops reading once it has
// about limit bytes of text.
func htmlText(s string, limit int) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0 // inside <script> or <style>
	for limit <= 0 || b.Len() < limit {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		switch tt {
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				if tt == xhtml.StartTagToken {
					skip++
				} else if tt == xhtml.EndTagToken && skip > 0 {
					skip--
				}
			case atom.P, atom.Br, atom.Div, atom.Li, atom.Hr, atom.Blockquote, atom.Pre, atom.Tr, atom.Td, atom.Th,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Figcaption:
				b.WriteByte(' ')
			}
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// untitledLen bounds the title DisplayTitle makes, in runes.
const untitledLen = 80

// DisplayTitle is the title an item is shown under, in reader apps and
// the `feedfold items` table: its own, or for an item without one
// (Mastodon and other microblog feeds, many JSON Feeds) the start of its
// text, cut at a word, else its URL. Reader apps listed such items as
// blank lines. The stored item, the deduper and the REST and
// command-line JSON keep the feed's (empty) title.
func DisplayTitle(it store.Item) string {
	if it.Title != "" {
		return it.Title
	}
	src := it.Content
	if src == "" {
		src = it.Summary
	}
	if t := leadText(src, untitledLen); t != "" {
		return t
	}
	return it.URL
}

// leadText is the first n runes of the text of HTML src, cut at the last
// word boundary with "…" when longer.
func leadText(src string, n int) string {
	text := htmlText(src, 8*n)
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := text
	for i := range text {
		if n == 0 {
			cut = text[:i]
			break
		}
		n--
	}
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}
