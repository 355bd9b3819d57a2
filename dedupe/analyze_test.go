package dedupe

import (
	"math/bits"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestAnalyzePairs is a development aid (run with FEEDFOLD_ANALYZE=1): for
// every labelled pair it reports whether the index would nominate it and
// whether verification accepts it, and for hard negatives (same-feed
// pairs in different clusters whose fingerprints are close) whether
// verification rejects them.
func TestAnalyzePairs(t *testing.T) {
	if os.Getenv("FEEDFOLD_ANALYZE") == "" {
		t.Skip("set FEEDFOLD_ANALYZE=1")
	}
	cfg := DefaultConfig()
	for _, part := range []string{"dev-natural.jsonl", "dev-synthetic.jsonl"} {
		items := loadCorpus(t, part)
		order := make([]int, len(items))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return items[order[a]].Published.Before(items[order[b]].Published) })
		sigs := make([]Signature, len(items))
		models := map[string]*Boilerplate{}
		for _, i := range order {
			it := items[i]
			bp := models[it.Feed]
			if bp == nil {
				bp = NewBoilerplate(cfg)
				models[it.Feed] = bp
			}
			u, _ := url.Parse(it.URL)
			doc := Doc{Title: it.Title, HTML: it.Content, URL: it.URL, FeedSite: u.Hostname()}
			bp.Observe(doc)
			sigs[i] = Sign(cfg, doc, bp)
		}
		byCluster := map[string][]int{}
		for i, it := range items {
			byCluster[it.Cluster] = append(byCluster[it.Cluster], i)
		}
		var noCand, rejected, ok int
		for _, m := range byCluster {
			for a := 0; a < len(m); a++ {
				for b := a + 1; b < len(m); b++ {
					sa, sb := sigs[m[a]], sigs[m[b]]
					d := bits.OnesCount64(sa.SimHash ^ sb.SimHash)
					ld := bits.OnesCount64(sa.Lead ^ sb.Lead)
					td := bits.OnesCount64(sa.TitleHash ^ sb.TitleHash)
					v := Compare(cfg, sa, sb)
					cand := len(Nominators(cfg, sa, sb)) > 0
					switch {
					case !cand:
						noCand++
					case !v.Duplicate:
						rejected++
					default:
						ok++
					}
					if !cand || !v.Duplicate {
						t.Logf("MISS %s %s cand=%v d=%d ld=%d td=%d words=%d/%d score=%.2f | %q | %q", items[m[a]].ID, items[m[b]].ID, cand, d, ld, td, sa.Words, sb.Words, v.Score, trunc(items[m[a]].Title), trunc(items[m[b]].Title))
					}
				}
			}
		}
		t.Logf("%s: pairs ok %d, no candidate %d, rejected by verification %d", part, ok, noCand, rejected)
	}
}

func trunc(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 50 {
		return s[:50]
	}
	return s
}
