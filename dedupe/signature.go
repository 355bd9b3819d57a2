package dedupe

import (
	"slices"
	"strings"
	"unsafe"
)

// Doc is one item as dedupe sees it; the aggregator fills it from a feed
// entry.
type Doc struct {
	Title     string
	HTML      string // content HTML, or the summary when there is no content
	URL       string // the item's link
	FeedSite  string // the feed's site URL or host, e.g. "https://www.mirror.co.uk/"
	SourceURL string // RSS <source url>, if any
}

// Signature is everything dedupe keeps about an item: fingerprints for the
// index and the sketches that verify a candidate. It is a few hundred
// bytes when encoded.
type Signature struct {
	SimHash uint64 // title and body 3-shingles, boilerplate removed
	// Lead fingerprints the opening sentence, what a teaser repeats. Kept
	// for `feedfold explain`; the index matches the opening by its exact
	// anchor instead (see Index), and verification uses LeadSet.
	Lead uint64
	// TitleHash fingerprints the headline (cleaned of site names and
	// labels); 0 when there is none.
	TitleHash uint64
	Words     int // content words after boilerplate removal
	Shingles  int // distinct body shingles
	// Sketch is the bottom-k of the body's shingle hashes (ascending).
	Sketch []uint32
	// LeadSet holds every shingle hash of the opening (ascending), so a
	// teaser's containment in it is exact, not sampled.
	LeadSet []uint32
	Title   []uint32 // hashes of title words (ascending, distinct)
	Numbers []uint32 // hashes of the numbers the item states (ascending, distinct)
	// Spelled: hashes, as Numbers hashes the digits, of the numbers the
	// item spells out ("ten"): another item's figures are looked for
	// among them, but they are not figures the item is held to (see
	// numbersAgree).
	Spelled []uint32
	// Corrected: the headline marks a correction or a re-run ("CORRECTED -
	// …", "(RPT) …", "REFILE-…"): a correction changes a figure, so the
	// numbers veto lets one of its figures differ (see numbersAgree).
	// False in signatures stored before version 11.
	Corrected bool
	// Credits are the sources the item credits: registrable domains
	// ("mirror.co.uk") or, when only a name is given, the name ("bbc").
	Credits []string
	// Anchors are exact hashes of the first sentences (at least six words
	// each, at most MaxAnchors; of a longer sentence its first AnchorWords
	// words): a re-filing that was re-headlined and rewritten, or much
	// expanded, still repeats some sentences verbatim, or at least their
	// openings. The first IndexedAnchors are indexed; all are used to
	// query. Before version 10 an anchor hashed the whole sentence.
	Anchors []uint32
	// Chars is the bottom-k of the body's character-gram hashes
	// (ascending) and CharGrams how many grams the body has: the
	// verification of copies too noisy for the word shingles (see
	// CharGramRunes). Empty in signatures stored before version 7.
	Chars     []uint32
	CharGrams int
	// CharKeys are full-width hashes (charKey) of the grams behind the
	// three smallest values of Chars, in that order: the index pairs them
	// into keys for items without a headline (see charPairKey). Empty in
	// signatures stored before version 8.
	CharKeys []uint32
	// WordBits is a Bloom filter of the words of the headline and the
	// text (stemHash), and Echo the headline's words that the text holds
	// (ascending): whether another item names them, for slotsDiffer. The
	// filter has no false negatives; its false positives only weaken the
	// test. Empty in signatures stored before version 12.
	WordBits []uint64
	Echo     []uint32
}

const wordBitsWords = 8 // 512 bits

// maxFilteredWords is the longest text signed with WordBits: past it the
// 512 bits fill up (a third of them set at 250 words of news prose, whose
// words are about three in five distinct; false positives 1 in 9), and
// the 72 bytes would only weigh on the database. The template items the
// filter tells apart are short.
const maxFilteredWords = 250

// stemHash is the hash Echo and WordBits hold for word w of hash h: a
// trailing s is dropped (not of "ss", nor of words under four letters),
// so that "google's", read "googles", and "Google 's", read "google" and
// "s", name one word, as do "risk" and "risks". The high half, as Title.
func stemHash(w string, h uint64) uint32 {
	if n := len(w); n >= 4 && w[n-1] == 's' && w[n-2] != 's' {
		h = wordHash(w[:n-1])
	}
	return uint32(h >> 32)
}

// titleStems are the stems (stemHash) of the headline words a template's
// instances differ in: not stopwords, numbers (the numbers veto has those)
// or words under three letters (initials: "I.B.M." reads as three).
func titleStems(title []string) []uint32 {
	var out []uint32
	for _, w := range title {
		if len(w) >= 3 && !stopword(w) && !isNumber(w) {
			out = append(out, stemHash(w, wordHash(w)))
		}
	}
	return out
}

func setWordBit(b []uint64, h uint32) {
	for _, x := range [2]uint32{h & 511, h >> 9 & 511} {
		b[x>>6] |= 1 << (x & 63)
	}
}

func hasWord(b []uint64, h uint32) bool {
	for _, x := range [2]uint32{h & 511, h >> 9 & 511} {
		if b[x>>6]&(1<<(x&63)) == 0 {
			return false
		}
	}
	return true
}

// slotsDiffer reports whether a and b look like two instances of one
// template: each names in its headline at least min words its own text
// repeats and the other item's headline and text do not ("Senior Go
// Developer at Acme" and "Senior Rust Developer at Initech" over one
// job-ad wording). A copy shares its text with its original, so what its
// headline names its text names, and the original's text names it too; a
// teaser's text is the original's opening. Signatures stored before
// version 12 are not judged.
func slotsDiffer(a, b Signature, min int) bool {
	if len(a.WordBits) == 0 || len(b.WordBits) == 0 {
		return false
	}
	return ownWords(a, b) >= min && ownWords(b, a) >= min
}

// ownWords counts the headline words of a that a's text holds and b's
// headline and text do not.
func ownWords(a, b Signature) int {
	n := 0
	for _, w := range a.Echo {
		if !hasWord(b.WordBits, w) {
			n++
		}
	}
	return n
}

// signScratch is an Analyzer's working memory for SignText: what prepared
// holds only until signPrepared has hashed it.
type signScratch struct {
	hashes, lead []uint64
	numbers      []string
	kept         [][]string
	grams        []uint32
}

// prepared is the normalised text of an item.
type prepared struct {
	title   []string
	hashes  []uint64 // wordHash of the content words, in order
	lead    []uint64 // wordHash of the opening sentence's words
	anchors []uint32 // hashes of the first long-enough sentences, in order
	numbers []string // numbers stated in the text, learned boilerplate included
	// wordBits is the kept words' filter (see Signature.WordBits), and
	// echo the stems of the headline's words (titleStems) that the kept
	// words hold, found exactly: the filter fills up on a long text. Both
	// are left empty past maxFilteredWords.
	wordBits [wordBitsWords]uint64
	echo     []uint32
	spelled  []string // digits of the numbers it spells out (spelledNumber)
	credits  []string
	// corrected: the headline marks a correction or a re-run.
	corrected bool
	// kept holds the content words segment by segment; chars and
	// charGrams are their character sketch and gram count, grams the
	// scratch charSketch used.
	kept      [][]string
	chars     []uint32
	charGrams int
	charKeys  []uint32
	grams     []uint32
}

// Text is an item's text analysed once, for both learning the feed's
// boilerplate (Boilerplate.ObserveText) and signing (SignText): the HTML is
// tokenised and normalised a single time.
type Text struct {
	title     []string
	corrected bool // the headline marks a correction or a re-run (correctionMarker)
	segs      []textSeg
	credits   []string
	// sign is the Analyzer's scratch for SignText, nil for a Text from
	// Analyze.
	sign *signScratch
}

type textSeg struct {
	raw    string
	ws     []string
	hs     []uint64 // wordHash of each word, computed once
	masked uint64   // maskedHash(ws): the key of learned boilerplate
	drop   bool     // general boilerplate, a label's value, or the headline repeated
}

// Analyze extracts and normalises an item's text.
func Analyze(doc Doc) *Text {
	var a Analyzer
	return a.Analyze(doc)
}

// Analyzer analyses items with working memory reused from one item to the
// next: analysing an item needs about ten times its text in scratch and
// per-word arrays, which made text analysis the largest source of garbage
// while polling. Texts it returns share its arrays, so they are valid
// until Reset; an Analyzer is for one goroutine at a time.
type Analyzer struct {
	ex  extractScratch
	sc  segScratch
	raw []rawSeg
	// Slabs the returned Texts are carved from; Reset rewinds them.
	words  slab[string]
	hashes slab[uint64]
	segs   slab[textSeg]
	// sign is SignText's working memory (a copy of the text's word
	// hashes, 4 KiB an item, the largest allocation of signing; the
	// opening's hashes; the figures), reused item to item.
	sign signScratch
}

// Reset makes every Text returned so far invalid and their memory
// reusable.
func (a *Analyzer) Reset() {
	a.words.reset()
	a.hashes.reset()
	a.segs.reset()
	// Scratch is sized by the largest item seen; past 1 MiB of text it
	// is dropped rather than kept for every later item.
	if cap(a.sc.buf) > 1<<20 || cap(a.ex.text) > 1<<20 {
		a.sc, a.ex, a.raw = segScratch{}, extractScratch{}, nil
	}
}

// slab hands out sub-slices of fixed-size chunks: a take that does not fit
// in the current chunk starts a new one (earlier sub-slices keep theirs
// alive). Growing one array by doubling instead held up to four times
// what a feed's texts used (the arrays outgrown, and the unused half of
// the last), and a feed of long articles (50 of 12 KB) made the
// analysers 40 % of the live heap.
type slab[T any] struct {
	buf []T
	// used holds this round's earlier chunks; spare the chunks Reset
	// keeps for the next round.
	used, spare [][]T
}

// slabChunkBytes is a chunk's size: the words of about fifty items of
// ordinary length (16 bytes a word), in as many elements of any type.
const slabChunkBytes = 256 << 10

// maxKeptSlabBytes bounds what a slab keeps across Reset: enough for a
// feed of a hundred long articles' words, so one huge feed does not pin
// its memory for the life of the process.
const maxKeptSlabBytes = 1 << 20

// maxKeptSlab bounds the word hashes signing keeps from item to item
// (signScratch).
const maxKeptSlab = 1 << 16

// chunkLen is how many elements make a chunk.
func (s *slab[T]) chunkLen() int {
	var zero T
	return slabChunkBytes / max(1, int(unsafe.Sizeof(zero)))
}

// take returns n elements. An empty slab starts at exactly n: with a
// floor of a chunk, a one-off Analyze (Sign, as eval and explain call it)
// allocated 80 KB of segments for an item of twenty, and ran at a quarter
// of the speed of a reused Analyzer, whose slabs keep their chunks.
func (s *slab[T]) take(n int) []T {
	if cap(s.buf)-len(s.buf) < n {
		if cap(s.buf) > 0 {
			s.used = append(s.used, s.buf)
		}
		chunk := s.chunkLen()
		switch {
		case n <= chunk && len(s.spare) > 0:
			s.buf, s.spare = s.spare[len(s.spare)-1], s.spare[:len(s.spare)-1]
		case cap(s.buf) == 0 && len(s.used) == 0:
			s.buf = make([]T, 0, n)
		default:
			s.buf = make([]T, 0, max(n, chunk))
		}
	}
	out := s.buf[len(s.buf) : len(s.buf)+n : len(s.buf)+n]
	s.buf = s.buf[:len(s.buf)+n]
	return out
}

// reset rewinds the slab: whole chunks, up to maxKeptSlabBytes, are kept
// for the next round (cleared, so the strings they held can be
// collected); the rest go.
func (s *slab[T]) reset() {
	chunk := s.chunkLen()
	chunks := append(s.used, s.buf)
	s.buf, s.used = nil, s.used[:0]
	keep := maxKeptSlabBytes / slabChunkBytes
	for i, c := range chunks {
		chunks[i] = nil
		if cap(c) != chunk || len(s.spare) >= keep {
			continue
		}
		clear(c)
		s.spare = append(s.spare, c[:0])
	}
}

// bytes is how much memory the slab holds, in use or kept.
func (s *slab[T]) bytes() int {
	n := cap(s.buf)
	for _, c := range s.used {
		n += cap(c)
	}
	var zero T
	return (n + len(s.spare)*s.chunkLen()) * int(unsafe.Sizeof(zero))
}

// Analyze extracts and normalises an item's text (see Analyzer).
func (a *Analyzer) Analyze(doc Doc) *Text {
	title, corrected := correctionMarker(repairEntities(doc.Title))
	t := &Text{title: words(dehyphenate(cleanHeadline(title)), nil), corrected: corrected, sign: &a.sign}
	titleKey := strings.Join(t.title, " ")
	ex := extractText(doc.HTML, &a.ex)
	t.credits = creditsOf(doc, ex)
	sc := &a.sc
	sc.buf, sc.spans, sc.segs, sc.uni = sc.buf[:0], sc.spans[:0], sc.segs[:0], sc.uni[:0]
	for i, bl := range ex.blocks {
		sc.scan(i, bl)
	}
	// The item's words, word hashes and segments are each one piece of a
	// slab: the counts are known once every block is scanned.
	hashes := a.hashes.take(sc.words())[:0]
	a.raw = sc.finish(ex.blocks, a.raw[:0], a.words.take(len(sc.spans)))
	segs := a.raw
	t.segs = a.segs.take(len(segs))[:0]
	dropNext := false
	for i, sg := range segs {
		if i == 0 || sg.block != segs[i-1].block {
			dropNext = false
		}
		raw, ws := sg.raw, sg.ws
		hs := hashes[len(hashes) : len(hashes)+len(ws) : len(hashes)+len(ws)]
		hashes = hashes[:len(hashes)+len(ws)]
		for i, w := range ws {
			hs[i] = wordHash(w)
		}
		seg := textSeg{raw: raw, ws: ws, hs: hs, masked: maskedHash(ws, hs)}
		switch {
		case dropNext && len(ws) <= 4:
			// Short items right after a label ("Related: Weather |
			// Sports") belong to the label.
			seg.drop = true
		case generalBoilerplate(raw, ws):
			// "Source:" and the like end with a colon; the name that
			// follows is part of the credit line.
			seg.drop = true
			dropNext = strings.HasSuffix(raw, ":") || strings.HasSuffix(raw, "：")
		case len(ws) == len(t.title) && strings.Join(ws, " ") == titleKey:
			seg.drop = true
			dropNext = false
		default:
			dropNext = false
		}
		t.segs = append(t.segs, seg)
	}
	return t
}

// MaxAnchors is how many sentence anchors a signature keeps for queries;
// IndexedAnchors of them are indexed: the opening sentence, which a teaser
// or a cut copy repeats. Indexing the first five instead of one added
// nothing on the development corpus once MinHash keys were in (EVAL.md),
// and cost 24 bytes per item.
//
// AnchorWords is how much of a sentence its anchor hashes: a re-filing
// or a teaser often keeps a sentence's opening and changes its end ("…in
// southern France Tuesday." and "…in southern France on Tuesday - a
// stunning feat of engineering…"), and a copy read with character errors
// keeps more ten-word openings than whole sentences. Ten words still tell
// sentences apart; the numbers veto tells template instances apart. See
// EVAL.md ("Anchors on a sentence's opening").
const (
	MaxAnchors     = 12
	IndexedAnchors = 1
	AnchorWords    = 10
)

// Sign computes an item's signature. bp is the feed's learned boilerplate
// (nil for none). Sign is safe for concurrent use with distinct bp values.
func Sign(cfg Config, doc Doc, bp *Boilerplate) Signature {
	return SignText(cfg, Analyze(doc), bp)
}

// SignText is Sign for an analysed text.
func SignText(cfg Config, t *Text, bp *Boilerplate) Signature {
	p := prepareText(cfg, t, bp)
	sig := signPrepared(cfg, p)
	if t.sign != nil && cap(p.hashes) <= maxKeptSlab {
		clear(p.numbers) // words of this feed's texts
		*t.sign = signScratch{hashes: p.hashes[:0], lead: p.lead[:0], grams: p.grams[:0], numbers: p.numbers[:0], kept: p.kept[:0]}
	}
	return sig
}

func prepare(cfg Config, doc Doc, bp *Boilerplate) prepared {
	return prepareText(cfg, Analyze(doc), bp)
}

// maxJoined bounds the figures read from two in a row: a table or a
// list of results has dozens of such pairs, each 4 bytes of every
// signature, where a split figure is one or two.
const maxJoined = 8

// maxNumbers bounds the figures a signature keeps.
const maxNumbers = 64

func prepareText(cfg Config, t *Text, bp *Boilerplate) prepared {
	p := prepared{title: t.title, corrected: t.corrected, credits: t.credits}
	n := 0
	for _, s := range t.segs {
		n += len(s.ws)
	}
	if t.sign != nil {
		p.lead, p.numbers = t.sign.lead[:0], t.sign.numbers[:0]
		p.kept, p.grams = t.sign.kept[:0], t.sign.grams[:0]
	}
	if t.sign != nil && cap(t.sign.hashes) >= n {
		p.hashes = t.sign.hashes[:0]
	} else {
		p.hashes = make([]uint64, 0, n)
	}
	// Numbers are read before learned boilerplate goes: a template feed's
	// sentences recur with only their figures changed, so they are learned
	// as boilerplate, yet the figures are what tell two instances apart.
	joined := 0
	for _, s := range t.segs {
		if s.drop {
			continue
		}
		prevNumber := "" // the previous word, when it is a figure in digits
		for _, w := range s.ws {
			// signPrepared reads at most maxNumbers of them. Every word
			// of every item passes here: the first byte sorts most out.
			if w == "" {
				continue
			}
			prev := prevNumber
			prevNumber = ""
			switch c := w[0]; {
			case '0' <= c && c <= '9' && len(p.numbers) < maxNumbers:
				if isNumber(w) {
					p.numbers = append(p.numbers, w)
					prevNumber = w
					if prev != "" && joined < maxJoined && len(p.numbers) < maxNumbers {
						joined++
						// Two figures in a row are also read as one:
						// OCR and retyping split a figure at a space
						// ("1598 2") or run two together. The copy
						// stating the figure whole then finds it here,
						// where its parts alone held the copies apart.
						p.numbers = append(p.numbers, prev+w)
					}
				} else if d, ok := withUnit(w); ok {
					p.numbers = append(p.numbers, d)
				}
			case c == 't' || c == 'f' || c == 's' || c == 'e' || c == 'n':
				if d, ok := spelledNumber(w); ok && len(p.spelled) < maxNumbers {
					p.spelled = append(p.spelled, d)
				}
			}
		}
	}
	first := true
	gramBytes := 0
	for _, s := range t.segs {
		if s.drop || bp.learned(s.masked) {
			continue
		}
		ws, hs := s.ws, s.hs
		if first {
			skip := datelineWords(s.raw, len(ws))
			ws, hs = ws[skip:], hs[skip:]
			first = false
		}
		p.hashes = append(p.hashes, hs...)
		p.kept = append(p.kept, ws)
		for _, w := range ws {
			gramBytes += len(w) + 1
		}
		if len(ws) >= 6 && len(p.anchors) < MaxAnchors {
			p.anchors = append(p.anchors, uint32(seqHash(hs[:min(len(hs), AnchorWords)])>>32))
		}
		if len(p.lead) < 6 {
			// Only what the cut to LeadWords below keeps.
			p.lead = append(p.lead, hs[:min(len(hs), max(cfg.LeadWords-len(p.lead), 0))]...)
		}
	}
	if len(p.lead) > cfg.LeadWords {
		p.lead = p.lead[:cfg.LeadWords]
	}
	p.chars, p.charGrams, p.charKeys, p.grams = charSketch(p.grams, p.kept, gramBytes, cfg.CharSketchSize)
	if n := len(p.hashes); n > 0 && n <= maxFilteredWords {
		// Only a text short enough to keep the filter pays for it: p.hashes
		// holds the kept words' hashes in p.kept's order.
		stems := titleStems(p.title)
		i := 0
		for _, ws := range p.kept {
			for _, w := range ws {
				h := stemHash(w, p.hashes[i])
				i++
				setWordBit(p.wordBits[:], h)
				if slices.Contains(stems, h) && !slices.Contains(p.echo, h) {
					p.echo = append(p.echo, h)
				}
			}
		}
	}
	clear(p.kept) // words of this feed's texts
	return p
}

func signPrepared(cfg Config, p prepared) Signature {
	var sig Signature
	sig.Words = len(p.hashes)
	sig.Credits = p.credits
	sig.Corrected = p.corrected
	sig.Anchors = p.anchors

	if sig.Words > 0 && sig.Words <= maxFilteredWords {
		// The headline's words join the filter, which stands for
		// headline and text.
		for _, w := range p.title {
			setWordBit(p.wordBits[:], stemHash(w, wordHash(w)))
		}
		sig.WordBits = slices.Clone(p.wordBits[:])
		sig.Echo = slices.Clone(p.echo)
		slices.Sort(sig.Echo)
	}
	// The shingles overwrite p.hashes in place (p owns that array, and
	// shingle i needs only words i to i+2).
	hs := p.hashes
	shingles := hs
	if len(hs) >= 3 {
		for i := 0; i+2 < len(hs); i++ {
			hs[i] = shingleHash(hs[i], hs[i+1], hs[i+2])
		}
		shingles = hs[:len(hs)-2]
	}

	var body simhash
	for _, s := range shingles {
		body.add(s, 1)
	}
	for _, w := range p.title {
		body.add(wordHash(w)^0x5bd1e995, 1)
	}
	sig.SimHash = body.sum()

	var lead simhash
	for i, h := range p.lead {
		lead.add(h, 1)
		if i > 0 {
			lead.add(mix(p.lead[i-1]^h<<1), 1)
		}
	}
	sig.Lead = lead.sum()
	if len(p.lead) == 0 {
		sig.Lead = 0
	}
	if len(p.title) > 0 {
		var th simhash
		for i, w := range p.title {
			h := wordHash(w)
			th.add(h, 2)
			if i > 0 {
				th.add(mix(wordHash(p.title[i-1])^h<<1), 1)
			}
		}
		sig.TitleHash = th.sum() | 1 // never 0: 0 means "no title"
	}

	// Sketch: bottom-k of the distinct shingle hashes' high halves.
	sig.Shingles = len(shingles)
	sig.Sketch = bottomK(shingles, cfg.SketchSize)
	sig.Chars, sig.CharGrams, sig.CharKeys = p.chars, p.charGrams, p.charKeys

	leadEnd := min(len(shingles), 2*cfg.LeadWords)
	// 16 bits per lead shingle: a lead has at most 2·LeadWords shingles,
	// so collisions are negligible, and the stored signature stays small.
	ls := make([]uint32, leadEnd)
	for i := range ls {
		ls[i] = uint32(shingles[i] >> 48)
	}
	slices.Sort(ls)
	sig.LeadSet = slices.Compact(ls)

	for _, w := range p.title {
		if !stopword(w) {
			sig.Title = append(sig.Title, uint32(wordHash(w)>>32))
		}
		if isNumber(w) {
			sig.Numbers = append(sig.Numbers, uint32(wordHash(w)))
		} else if d, ok := withUnit(w); ok {
			sig.Numbers = append(sig.Numbers, uint32(wordHash(d)))
		}
	}
	slices.Sort(sig.Title)
	sig.Title = slices.Compact(sig.Title)
	for _, w := range p.numbers {
		if len(sig.Numbers) >= maxNumbers {
			break
		}
		sig.Numbers = append(sig.Numbers, uint32(wordHash(w)))
	}
	slices.Sort(sig.Numbers)
	sig.Numbers = slices.Compact(sig.Numbers)
	for _, d := range p.spelled {
		sig.Spelled = append(sig.Spelled, uint32(wordHash(d)))
	}
	slices.Sort(sig.Spelled)
	sig.Spelled = slices.Compact(sig.Spelled)
	return sig
}

// bottomK returns the k smallest distinct high halves of hs, ascending.
// The hashes are uniform, so the k-th smallest of n lies near k/n of the
// range: values above twice that are dropped, and the ~2k survivors, being
// uniform below the limit, are put in order by one bucket pass (a counting
// sort on their top bits) instead of a comparison sort, which cost 8% of
// signing. Short items, and the rare long one with fewer than k
// survivors, take a full sort.
func bottomK(hs []uint64, k int) []uint32 {
	if len(hs) > 4*k {
		// 2k expected survivors: fewer than k happens with probability
		// below 1e-7 for k = 64, and then the full sort below runs.
		limit := uint64(1<<32-1) * uint64(2*k) / uint64(len(hs))
		var small [256]uint32
		top := small[:0]
		for _, h := range hs {
			if v := h >> 32; v <= limit {
				top = append(top, uint32(v))
			}
		}
		if len(top) >= k {
			if out := bucketSorted(top, uint32(limit), k); len(out) == k {
				return out
			}
		}
	}
	top := make([]uint32, 0, len(hs))
	for _, h := range hs {
		top = append(top, uint32(h>>32))
	}
	return sortedDistinct(top, k)
}

// sortedDistinct sorts vs in place and returns its k smallest distinct
// values.
func sortedDistinct(vs []uint32, k int) []uint32 {
	slices.Sort(vs)
	vs = slices.Compact(vs)
	return slices.Clip(vs[:min(len(vs), k)])
}

// bucketSorted returns up to k smallest distinct values of vs (all at most
// limit), ascending: a counting sort into len(vs) buckets of equal width,
// then insertion sort inside each bucket (about one value per bucket, as
// the values are uniform).
func bucketSorted(vs []uint32, limit uint32, k int) []uint32 {
	nb := uint64(len(vs))
	var countsArr [257]uint16
	counts := countsArr[:0]
	if nb+1 <= uint64(len(countsArr)) {
		counts = countsArr[:nb+1]
	} else {
		counts = make([]uint16, nb+1)
	}
	bucket := func(v uint32) uint64 { return uint64(v) * nb / (uint64(limit) + 1) }
	for _, v := range vs {
		counts[bucket(v)+1]++
	}
	for b := 1; b < len(counts); b++ {
		counts[b] += counts[b-1]
	}
	sorted := make([]uint32, len(vs))
	for _, v := range vs {
		b := bucket(v)
		sorted[counts[b]] = v
		counts[b]++
	}
	// counts[b] now ends bucket b; a bucket's values are contiguous and
	// every value in it is below those of later buckets.
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	sorted = slices.Compact(sorted)
	return slices.Clip(sorted[:min(len(sorted), k)])
}

// correctionMarker strips a wire service's correction or re-run marker
// from the start of a headline ("CORRECTED - GOODYEAR TO SELL CELERON",
// "(CORRECTED)-…", "(RPT) …", "RPT-…", "REFILE-…", "Correction: …") and
// says whether there was one; an update's number ("UPDATE 2-…") goes too,
// without the flag: the story is the same, its figures may have moved on.
// The marked headline then matches the unmarked one.
func correctionMarker(t string) (string, bool) {
	t = strings.TrimLeft(t, " ")
	if len(t) < 4 {
		return t, false
	}
	rest := t
	paren := rest[0] == '(' || rest[0] == '['
	if paren {
		rest = rest[1:]
	}
	word := rest
	for i := 0; i < len(rest); i++ {
		if c := rest[i] | 0x20; c < 'a' || c > 'z' {
			word = rest[:i]
			break
		}
	}
	n, corrected := len(word), false // n: the marker's length in rest
	switch strings.ToLower(word) {
	case "corrected", "correction", "refile", "refiled", "rpt", "repeat", "repeated":
		corrected = true
	case "update":
		// "UPDATE 2-…": the number is part of the marker.
		j := n
		for j < len(rest) && (rest[j] == ' ' || isDigit(rest[j])) {
			j++
		}
		if !strings.ContainsAny(rest[n:j], "0123456789") {
			return t, false
		}
		n = j
	default:
		return t, false
	}
	rest = rest[n:]
	if paren {
		if rest == "" || rest[0] != ')' && rest[0] != ']' {
			return t, false
		}
		rest = rest[1:]
	}
	// The marker ends at a dash or a colon, spaced or not; "(RPT) X" at
	// a closing bracket and a space.
	trimmed := strings.TrimLeft(rest, " ")
	switch {
	case strings.HasPrefix(trimmed, "-"), strings.HasPrefix(trimmed, ":"):
		trimmed = trimmed[1:]
	case strings.HasPrefix(trimmed, "–"), strings.HasPrefix(trimmed, "—"):
		trimmed = trimmed[len("–"):]
	case paren && len(trimmed) < len(rest):
	default:
		return t, false
	}
	if trimmed = strings.TrimSpace(trimmed); trimmed == "" {
		return t, false
	}
	return trimmed, corrected
}

// headlinePrefixes are labels sites put before a headline.
var headlinePrefixes = []string{"watch:", "video:", "breaking:", "breaking news:", "exclusive:", "update:",
	"updated:", "just in:", "pictured:", "revealed:", "opinion:", "analysis:", "read:", "listen:", "photos:"}

// cleanHeadline strips what republishers add to a headline: a site name
// after " | " or a short one after " - ", a trailing "(AP)"-style agency
// tag, and labels such as "Watch:".
func cleanHeadline(t string) string {
	t = strings.TrimSpace(t)
	if i := strings.Index(t, " | "); i > 0 {
		parts := strings.Split(t, " | ")
		best := parts[0]
		for _, p := range parts[1:] {
			if len(p) > len(best) {
				best = p
			}
		}
		t = best
	}
	for _, sep := range []string{" - ", " – ", " — "} {
		if i := strings.LastIndex(t, sep); i > 0 && len(strings.Fields(t[i+len(sep):])) <= 3 && len(strings.Fields(t[:i])) >= 4 {
			t = t[:i]
		}
	}
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndex(t, "("); i > 0 && len(strings.Fields(t[i:])) <= 2 {
			t = strings.TrimSpace(t[:i])
		}
	}
	lower := strings.ToLower(t)
	for _, p := range headlinePrefixes {
		if strings.HasPrefix(lower, p) {
			t = strings.TrimSpace(t[len(p):])
			break
		}
	}
	return t
}

// datelineWords returns how many leading words of the first segment are a
// news dateline ("WASHINGTON (Reuters) -", "AP -", "HOUSTON --"), which
// differs between outlets carrying the same wire story.
func datelineWords(raw string, n int) int {
	limit := min(len(raw), 60)
	for _, sep := range []string{" - ", " -- ", " — ", " – "} {
		i := strings.Index(raw[:limit], sep)
		if i <= 0 {
			continue
		}
		head := strings.TrimSpace(raw[:i])
		fields := strings.Fields(head)
		if len(fields) == 0 || len(fields) > 6 {
			continue
		}
		f := strings.Trim(fields[0], ",.")
		if len(f) >= 2 && strings.ToUpper(f) == f && strings.ToLower(f) != f || strings.HasSuffix(head, ")") {
			w := len(words(head, nil))
			if w < n {
				return w
			}
		}
		return 0
	}
	return 0
}

var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "in": true, "on": true, "for": true,
	"and": true, "or": true, "at": true, "by": true, "with": true, "from": true, "as": true, "is": true,
	"are": true, "be": true, "after": true, "over": true, "its": true, "it": true, "s": true,
}

func stopword(w string) bool { return stopwords[w] }
