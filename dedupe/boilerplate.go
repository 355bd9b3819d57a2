package dedupe

import (
	"encoding/binary"
	"errors"
	"slices"
	"sort"
	"strings"
)

// Boilerplate is what one feed repeats around its articles, learned from
// the feed's own recent items: a bounded table of segment hashes (numbers
// masked, so "16 Mar, 2025" and "17 Mar, 2025" are one segment) with the
// number of items each appeared in. Old counts decay, so a site that
// changes its template is relearned. It is not safe for concurrent use; the
// aggregator uses one per feed at a time.
type Boilerplate struct {
	cfg   Config
	items uint32            // items observed (decayed with the counts)
	count map[uint64]uint32 // segment hash -> items it appeared in
	// recent holds the digests (textDigest) of the last items observed,
	// next the slot the next one takes. An item whose text is one of
	// theirs word for word is the same story posted again (under a new
	// link, or listed twice by its CMS), not evidence of what the feed
	// repeats around its stories: counted again, a story posted three
	// times in a young feed became the feed's boilerplate, and its
	// paragraphs were stripped from every later version of it (a BBC
	// story posted twice, then revised, was not linked to its revision).
	recent [recentItems]uint64
	next   int
}

// recentItems is how many item digests a model keeps: re-postings come
// close together in a feed.
const recentItems = 8

// textDigest identifies an item's text word for word (numbers included,
// unlike the masked segment hashes), its segments in any order; 0 for an
// empty text, which is never matched. A segment is its masked hash (its
// words in order, numbers masked) with the sum of its words' hashes (its
// numbers): one addition a word, where hashing the words in order again
// cost a tenth of a second in a 50,000-item poll.
func textDigest(t *Text) uint64 {
	var d uint64
	for _, s := range t.segs {
		var sum uint64
		for _, h := range s.hs {
			sum += h
		}
		d += mix(s.masked ^ sum)
	}
	return d
}

// NewBoilerplate returns an empty model.
func NewBoilerplate(cfg Config) *Boilerplate {
	return &Boilerplate{cfg: cfg, count: make(map[uint64]uint32)}
}

// Observe learns from one item of the feed.
func (b *Boilerplate) Observe(doc Doc) { b.ObserveText(Analyze(doc)) }

// ObserveText learns from one analysed item of the feed. Each segment
// counts once per item, however often the item repeats it.
func (b *Boilerplate) ObserveText(t *Text) {
	d := textDigest(t)
	if d != 0 {
		if slices.Contains(b.recent[:], d) {
			return
		}
		b.recent[b.next] = d
		b.next = (b.next + 1) % recentItems
	}
	for i, s := range t.segs {
		// An item has a few dozen segments: a backward scan finds
		// repeats without a map per item (5% of a poll's allocations).
		if !slices.ContainsFunc(t.segs[:i], func(o textSeg) bool { return o.masked == s.masked }) {
			b.count[s.masked]++
		}
	}
	b.items++
	if len(b.count) > b.cfg.BoilerMaxSegments {
		b.decay()
	}
}

// decay halves every count and forgets segments that fall to zero: the
// model keeps what recurs recently, in bounded memory.
func (b *Boilerplate) decay() {
	for h, c := range b.count {
		if c/2 == 0 {
			delete(b.count, h)
		} else {
			b.count[h] = c / 2
		}
	}
	b.items /= 2
	// Still too many (a feed of all-unique text): drop the rarest.
	if len(b.count) > b.cfg.BoilerMaxSegments {
		type kv struct {
			h uint64
			c uint32
		}
		all := make([]kv, 0, len(b.count))
		for h, c := range b.count {
			all = append(all, kv{h, c})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].c > all[j].c || all[i].c == all[j].c && all[i].h < all[j].h })
		for _, e := range all[b.cfg.BoilerMaxSegments/2:] {
			delete(b.count, e.h)
		}
	}
}

// learned reports whether a segment (its masked hash) is this feed's
// boilerplate.
func (b *Boilerplate) learned(h uint64) bool {
	if b == nil || int(b.items) < b.cfg.BoilerMinItems {
		return false
	}
	c := b.count[h]
	return int(c) >= b.cfg.BoilerMinItems && float64(c) >= b.cfg.BoilerMinShare*float64(b.items)
}

// MarshalBinary encodes the model: format 2, items, the recent digests
// (a count, then 8 bytes each, oldest first), then (hash, count) pairs
// sorted by hash so equal models encode equally. Format 1 had no digests.
func (b *Boilerplate) MarshalBinary() ([]byte, error) {
	hs := make([]uint64, 0, len(b.count))
	// Segments seen once are most of the table and almost never
	// boilerplate; past a modest size they are not persisted.
	prune := len(b.count) > 256
	for h, c := range b.count {
		if !prune || c > 1 {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	out := make([]byte, 0, 1+binary.MaxVarintLen32+len(hs)*12)
	out = append(out, 2) // format version
	out = binary.AppendUvarint(out, uint64(b.items))
	var ds []uint64
	for i := range recentItems {
		if d := b.recent[(b.next+i)%recentItems]; d != 0 {
			ds = append(ds, d)
		}
	}
	out = binary.AppendUvarint(out, uint64(len(ds)))
	for _, d := range ds {
		out = binary.LittleEndian.AppendUint64(out, d)
	}
	for _, h := range hs {
		out = binary.LittleEndian.AppendUint64(out, h)
		out = binary.AppendUvarint(out, uint64(b.count[h]))
	}
	return out, nil
}

var errBadBoilerplate = errors.New("dedupe: malformed boilerplate state")

// UnmarshalBinary restores a model written by MarshalBinary.
func (b *Boilerplate) UnmarshalBinary(data []byte) error {
	if len(data) < 2 || data[0] != 1 && data[0] != 2 {
		return errBadBoilerplate
	}
	format := data[0]
	data = data[1:]
	n, k := binary.Uvarint(data)
	if k <= 0 {
		return errBadBoilerplate
	}
	data = data[k:]
	var recent [recentItems]uint64
	next := 0
	if format >= 2 {
		nd, k := binary.Uvarint(data)
		if k <= 0 || nd > recentItems || uint64(len(data)-k) < 8*nd {
			return errBadBoilerplate
		}
		data = data[k:]
		for range nd {
			recent[next] = binary.LittleEndian.Uint64(data)
			next = (next + 1) % recentItems
			data = data[8:]
		}
	}
	count := make(map[uint64]uint32)
	for len(data) > 0 {
		if len(data) < 9 {
			return errBadBoilerplate
		}
		h := binary.LittleEndian.Uint64(data)
		c, k := binary.Uvarint(data[8:])
		if k <= 0 {
			return errBadBoilerplate
		}
		count[h] = uint32(c)
		data = data[8+k:]
	}
	b.items, b.count, b.recent, b.next = uint32(n), count, recent, next
	return nil
}

// maskedHash hashes a segment's words (given with their hashes) with every
// number replaced by "#".
func maskedHash(ws []string, hs []uint64) uint64 {
	h := uint64(fnvOffset)
	for i, w := range ws {
		x := hs[i]
		if isNumber(w) {
			x = numberHash
		}
		h = (h ^ x) * 0x9e3779b97f4a7c15 // order-sensitive; one multiply per word
	}
	return mix(h)
}

// generalBoilerplate recognises segments that are boilerplate on any site:
// share and follow prompts, "read more" links, copyright and advertising
// lines, source credits (which attribution has already read), bylines.
// Prefix rules apply only to short segments, so an article sentence that
// happens to start with "Source" or "Photo" is kept.
func generalBoilerplate(raw string, ws []string) bool {
	if len(ws) == 0 {
		return true
	}
	if strings.Contains(raw, "©") || strings.HasPrefix(raw, "(c)") || strings.HasPrefix(raw, "(C)") ||
		creditPhrase(ws) || strings.IndexByte(raw, '@') >= 0 && strings.Contains(strings.ToLower(raw), "@source") {
		return true
	}
	if len(ws) > 14 {
		return false
	}
	if navOnly(ws) || dateOnly(ws) || domainOnly(raw) || cjkBoilerplate(raw) {
		return true
	}
	if len(ws) <= 8 {
		if last := ws[len(ws)-1]; (last == "source" || last == "sources") && strings.HasSuffix(raw, ":") {
			return true
		}
		for _, w := range ws {
			switch w {
			case "subscribe", "subscribers", "newsletter", "advertisement", "sponsored", "unsubscribe":
				return true
			}
		}
	}
	first := ws[0]
	second := ""
	if len(ws) > 1 {
		second = ws[1]
	}
	switch first {
	case "copyright", "advertisement", "advertising", "sponsored", "subscribe", "tags", "photo", "photos",
		"image", "images", "video", "source", "credit", "credits", "via", "filed", "posted",
		"updated", "published", "originally", "related", "follow", "share", "shares", "click", "tap",
		"sign", "newsletter", "comments", "comment", "loading", "watch", "listen", "email":
		return true
	case "read", "see", "also", "continue", "more", "back", "top", "trending", "recommended", "most":
		switch second {
		case "more", "also", "next", "read", "reading", "the", "to", "news", "stories", "on", "from", "popular", "":
			return true
		}
	// The same labels in German, French, Spanish, Italian, Portuguese,
	// Dutch and Russian: advert, source and photo credits, share and
	// subscribe prompts.
	case "anzeige", "werbung", "publicite", "publicidad", "pubblicita", "publicidade", "advertentie", "реклама",
		"quelle", "fuente", "fonte", "bron", "источник", "bild", "foto", "fotos", "credito",
		"teilen", "partager", "compartir", "condividi", "partilhar", "compartilhar", "delen", "поделиться",
		"abonnieren", "abonnez", "suscribete", "iscriviti", "assine", "abonneer", "подписывайтесь", "weiterlesen",
		// Finnish, Swedish, Norwegian and Danish.
		"mainos", "annons", "annonse", "annonce", "lahde", "kalla", "kilde", "kuva", "jaa", "dela",
		"tilaa", "prenumerera", "abonner":
		return true
	case "lesen", "lire", "leer", "leggi", "lees", "ler", "читайте", "siehe", "voir", "ver", "mehr",
		"lue", "las", "les", "læs":
		// "Lesen Sie auch", "Lire aussi", "Leer más", "Leggi anche",
		// "Lees meer", "Читайте также", "Mehr zum Thema", "Lue myös",
		// "Läs mer", "Les også", "Læs mere"… ("les" alone is French's
		// article, and "las", as Swedish "läs" reads without its accent,
		// Spanish's: only with a second word.)
		switch second {
		case "sie", "mehr", "auch", "aussi", "la", "plus", "mas", "tambien", "anche", "tutto", "meer", "ook", "mais", "tambem", "также", "zum", "dazu",
			"lisaa", "myos", "mer", "ocksa", "aven", "ogsa", "mere":
			return true
		case "":
			return first != "les" && first != "las"
		}
	case "a":
		return second == "lire" // "À lire aussi"
	case "first":
		return second == "published" || second == "appeared"
	case "this":
		return second == "article" || second == "story" || second == "post"
	case "the":
		return second == "post" && len(ws) > 3 && contains(ws, "appeared")
	}
	return false
}

var navWords = map[string]bool{
	"home": true, "news": true, "world": true, "share": true, "facebook": true, "twitter": true,
	"whatsapp": true, "email": true, "print": true, "linkedin": true, "reddit": true, "pinterest": true,
	"telegram": true, "x": true, "menu": true, "search": true, "tweet": true, "more": true, "back": true,
	"to": true, "top": true, "trending": true, "latest": true, "breaking": true, "comments": true,
	"comment": true, "advertisement": true, "ad": true, "this": true, "on": true, "and": true,
	"copy": true, "link": true, "save": true, "by": true, "admin": true,
	// "NACHRICHTEN Zurück zur Übersicht", "Retour à l'accueil", "Volver a
	// la portada"…
	"nachrichten": true, "startseite": true, "zuruck": true, "zur": true, "ubersicht": true,
	"actualites": true, "accueil": true, "laccueil": true, "retour": true,
	"noticias": true, "inicio": true, "portada": true, "volver": true, "a": true, "al": true, "la": true,
	"notizie": true, "torna": true, "nieuws": true, "terug": true, "новости": true, "назад": true,
	"uutiset": true, "etusivu": true, "etusivulle": true, "takaisin": true, "till": true, "nyheter": true, "startsida": true,
	"tillbaka": true, "forside": true, "tilbake": true, "tilbage": true, "nyheder": true,
}

func navOnly(ws []string) bool {
	for _, w := range ws {
		if !navWords[w] && !isNumber(w) {
			return false
		}
	}
	return true
}

var dateWords = map[string]bool{
	"jan": true, "january": true, "feb": true, "february": true, "mar": true, "march": true,
	"apr": true, "april": true, "may": true, "jun": true, "june": true, "jul": true, "july": true,
	"aug": true, "august": true, "sep": true, "sept": true, "september": true, "oct": true,
	"october": true, "nov": true, "november": true, "dec": true, "december": true,
	"mon": true, "monday": true, "tue": true, "tuesday": true, "wed": true, "wednesday": true,
	"thu": true, "thursday": true, "fri": true, "friday": true, "sat": true, "saturday": true,
	"sun": true, "sunday": true, "am": true, "pm": true, "gmt": true, "utc": true, "bst": true,
	"est": true, "edt": true, "pst": true, "pdt": true, "cet": true, "updated": true, "published": true,
	"st": true, "nd": true, "rd": true, "th": true,
}

// dateOnly: a segment that is a date or time stamp ("14 Mar, 2025").
func dateOnly(ws []string) bool {
	num := false
	for _, w := range ws {
		switch {
		case isNumber(w):
			num = true
		case !dateWords[w]:
			return false
		}
	}
	return num
}

// domainOnly: a segment that is only a domain or URL ("bbc.co.uk"), such
// as the name after a "Source:" label.
func domainOnly(raw string) bool {
	// At most two fields, read without splitting every segment of every
	// item into a slice (strings.Fields here was a tenth of a poll's
	// allocations).
	var fs [2]string
	n := 0
	for f := range strings.FieldsSeq(raw) {
		if n == len(fs) {
			return false
		}
		fs[n] = f
		n++
	}
	if n == 0 {
		return false
	}
	for _, f := range fs[:n] {
		f = strings.Trim(f, ".,;:()[]")
		if !strings.Contains(f, ".") || domainOf(f) == "" {
			return false
		}
	}
	return true
}

// creditPhrase reports, in one pass over ws, whether it holds "rights
// reserved" (in any of the languages generalBoilerplate reads), "for
// advertisement" or "(c) 2025" written out (which folds to the words
// "c 2025"). Every segment of every item is checked.
func creditPhrase(ws []string) bool {
	for i := 0; i+1 < len(ws); i++ {
		switch next := ws[i+1]; ws[i] {
		case "rights":
			if next == "reserved" {
				return true
			}
		case "rechte": // alle Rechte vorbehalten
			if next == "vorbehalten" {
				return true
			}
		case "droits": // tous droits réservés
			if next == "reserves" {
				return true
			}
		case "derechos", "direitos": // todos los derechos reservados
			if next == "reservados" {
				return true
			}
		case "diritti": // tutti i diritti riservati
			if next == "riservati" {
				return true
			}
		case "rechten": // alle rechten voorbehouden
			if next == "voorbehouden" {
				return true
			}
		case "права": // все права защищены
			if next == "защищены" {
				return true
			}
		case "oikeudet": // kaikki oikeudet pidätetään
			if next == "pidatetaan" {
				return true
			}
		case "rattigheter", "rettigheter", "rettigheder": // alla rättigheter förbehållna, alle rettigheter reservert, alle rettigheder forbeholdes
			switch next {
			case "forbehallna", "forbeholdt", "reservert", "forbeholdes":
				return true
			}
		case "for":
			if next == "advertisement" {
				return true
			}
		case "c":
			if len(next) == 4 && isNumber(next) {
				return true
			}
		}
	}
	return false
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// cjkBoilerplate recognises the short boilerplate lines of Chinese,
// Japanese and Korean sites by phrase: those scripts are read a character
// at a time, so their labels are not words to match. Only short segments
// reach it (see generalBoilerplate), so a sentence about the advertising
// industry (广告业) is kept.
func cjkBoilerplate(raw string) bool {
	if isASCII(raw) {
		return false
	}
	for _, p := range cjkLabels {
		if strings.Contains(raw, p) {
			return true
		}
	}
	return false
}

// cjkLabels: copyright, editor, source, advert, share, "back to home" and
// related-reading lines, in simplified and traditional Chinese, Japanese
// and Korean.
var cjkLabels = []string{
	"版权所有", "版權所有", "责任编辑", "責任編輯", "来源：", "來源：", "来源:", "广告", "廣告", "分享到",
	"返回首页", "返回首頁", "相关阅读", "相關閱讀", "相关新闻", "相關新聞",
	"関連記事", "無断転載", "著作権", "広告", "出典：", "シェア",
	"저작권", "무단 전재", "무단전재", "재배포 금지", "출처:", "관련기사", "광고",
}
