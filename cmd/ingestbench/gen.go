package main

import (
	"bufio"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// words is a small vocabulary; random sentences over it give SimHash and
// shingles realistic, non-repeating input.
var words = strings.Fields(`the a of to and in that is for on it with as was he be at by this had
not are but from or have an they which one you were her all she there would their we him been has
when who will more no if out so said what up its about into than them can only other new some could
time these two may then do first any my now such like our over man me even most made after also did
many before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between both
life being under never day same another know while last might us great old year off come since
against go came right used take three minister government police council market shares company
report election court city prices bank talks deal week month officials health school water energy
president party plan vote rates oil trade growth crisis border security data service team season`)

// genFeeds writes n RSS 2.0 feeds of m items each into dir and returns the
// total bytes written. One item in ten is a reprint of an item of another
// feed wrapped in that site's own header and footer, so the deduper has
// real work to do. format is "rss" (item HTML in CDATA sections, as
// WordPress writes it), "rss-escaped" (entity-escaped, &lt;p&gt;…, as many
// other generators do) or "atom" (Atom 1.0, escaped HTML content).
//
// text is "small" (sentences over the 200-word list above, every item
// itemBytes long) or "zipf" (a 30,000-word vocabulary drawn with Zipf's law,
// as words occur in prose, and item lengths spread from 0.3 to 1.7 times
// itemBytes, as real feeds' are). The small vocabulary compresses far
// better than prose and gives every record nearly the same size; zipf is
// closer to real feeds in both, which decides how large the database and
// its pages get.
func genFeeds(dir string, n, m, itemBytes int, format, text string) (int64, error) {
	switch format {
	case "rss", "rss-escaped", "atom":
	default:
		return 0, fmt.Errorf("unknown feed format %q (rss, rss-escaped or atom)", format)
	}
	var tg textGen
	switch text {
	case "small":
		tg.vocab = words
	case "zipf":
		tg.vocab, tg.zipf = zipfVocabulary(30000), true
	default:
		return 0, fmt.Errorf("unknown text kind %q (small or zipf)", text)
	}
	var total int64
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for f := 0; f < n; f++ {
		path := filepath.Join(dir, fmt.Sprintf("feed%04d.xml", f))
		fh, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		w := bufio.NewWriter(fh)
		if format == "atom" {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Site %d news</title><link href="https://site%d.example/"/><id>https://site%d.example/</id><updated>%s</updated>
`, f, f, f, base.Format(time.RFC3339))
		} else {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Site %d news</title><link>https://site%d.example/</link><description>News from site %d</description>
`, f, f, f)
		}
		for i := 0; i < m; i++ {
			src, idx := f, i
			reprint := i%10 == 9 && n > 1
			if reprint {
				src = (f + 1 + i) % n
				idx = i - 1
			}
			rnd := rand.New(rand.NewPCG(uint64(src), uint64(idx)))
			size := itemBytes
			if tg.zipf {
				size = itemBytes * (30 + rnd.IntN(141)) / 100
			}
			title := tg.sentence(rnd, 8)
			body := tg.paragraphs(rnd, size)
			if reprint {
				body = fmt.Sprintf("<p>TRENDING NEWS Back to news Share:</p><p>@Source: site%d.example</p>%s<p>Copyright © 2026 Site %d. All Rights Reserved.</p>", src, body, f)
			}
			pub := base.Add(-time.Duration(f*m+i) * time.Minute)
			if format == "atom" {
				fmt.Fprintf(w, `<entry><title>%s</title><link href="https://site%d.example/%d/story-%d"/><id>site%d-%d</id><updated>%s</updated><author><name>Reporter %d</name></author><summary>%s</summary><content type="html">%s</content></entry>
`, title, f, i, i, f, i, pub.Format(time.RFC3339), rnd.IntN(50), tg.sentence(rnd, 25), html.EscapeString(body))
				continue
			}
			content := "<![CDATA[" + body + "]]>"
			if format == "rss-escaped" {
				content = html.EscapeString(body)
			}
			fmt.Fprintf(w, `<item><title>%s</title><link>https://site%d.example/%d/story-%d</link><guid>site%d-%d</guid><pubDate>%s</pubDate><dc:creator>Reporter %d</dc:creator><description>%s</description><content:encoded>%s</content:encoded></item>
`, title, f, i, i, f, i, pub.Format(time.RFC1123Z), rnd.IntN(50), tg.sentence(rnd, 25), content)
		}
		if format == "atom" {
			fmt.Fprint(w, "</feed>\n")
		} else {
			fmt.Fprint(w, "</channel></rss>\n")
		}
		if err := w.Flush(); err != nil {
			return 0, err
		}
		st, _ := fh.Stat()
		total += st.Size()
		if err := fh.Close(); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// textGen writes sentences over a vocabulary, drawn uniformly or, with
// zipf, by Zipf's law (the i-th word about 1/i as often as the first).
type textGen struct {
	vocab []string
	zipf  bool
}

// zipfVocabulary is the word list above (the commonest words first)
// followed by made-up words of two to four syllables, n in all.
func zipfVocabulary(n int) []string {
	vocab := append([]string(nil), words...)
	rnd := rand.New(rand.NewPCG(1, 2))
	const cons, vows = "bcdfghjklmnprstvwyz", "aeiou"
	seen := map[string]bool{}
	for _, w := range vocab {
		seen[w] = true
	}
	for len(vocab) < n {
		var b strings.Builder
		for range 2 + rnd.IntN(3) {
			b.WriteByte(cons[rnd.IntN(len(cons))])
			b.WriteByte(vows[rnd.IntN(len(vows))])
			if rnd.IntN(3) == 0 {
				b.WriteByte(cons[rnd.IntN(len(cons))])
			}
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return vocab
}

func (g textGen) sentence(rnd *rand.Rand, n int) string {
	var z *rand.Zipf
	if g.zipf {
		z = rand.NewZipf(rnd, 1.1, 2, uint64(len(g.vocab)-1))
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		var w string
		if z != nil {
			w = g.vocab[z.Uint64()]
		} else {
			w = g.vocab[rnd.IntN(len(g.vocab))]
		}
		if rnd.IntN(12) == 0 {
			w = fmt.Sprint(rnd.IntN(10000))
		}
		b.WriteString(w)
	}
	return b.String()
}

func (g textGen) paragraphs(rnd *rand.Rand, size int) string {
	var b strings.Builder
	for b.Len() < size {
		b.WriteString("<p>")
		for s := 0; s < 4; s++ {
			b.WriteString(g.sentence(rnd, 12+rnd.IntN(10)))
			b.WriteString(". ")
		}
		b.WriteString("</p>")
	}
	return b.String()
}
