package dedupe

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
)

// readingDocs exercise every part of how text is read: markup, a
// reprint's header and credit, words broken at line ends and soft
// hyphens, accents, figures split by a space and spelled out, a
// correction, an untitled item, text without spaces between words.
func readingDocs(t *testing.T) []Doc {
	raw, err := os.ReadFile("testdata/usfijitimes-reprint-of-mirror.txt")
	if err != nil {
		t.Fatal(err)
	}
	return []Doc{
		{Title: "Seed", HTML: string(raw), URL: "https://usfijitimes.example/a", FeedSite: "usfijitimes.example"},
		{Title: "Kaupunginvaltuusto päätti Malmön sataman laajennuksesta", HTML: "<p>Kaupungin\u00adval\u00adtuusto päätti maanantaina sata-\nman laajennuksesta. Hanke maksaa 2 614 224 euroa ja valmistuu 1990- luvulla aloitetun suunnitelman mukaan vuonna 2028.</p><p>TREND-\nING uutiset: kaksi urakoitsijaa jätti tarjouksen.</p>"},
		{Title: "UPDATE 2-Fed adds reserves via customer repurchases (CORRECTED)", HTML: "<p>The Federal Reserve entered the U.S. Government securities market to arrange 1.5 billion dlrs of customer repurchase agreements, a Fed spokesman said. Dealers said Federal funds were trading at 6-3/16 pct, ten pct above, when the Fed began its temporary and indirect supply of reserves to the banking system.</p>"},
		{HTML: "<p>Notice: the reading room is closed on Monday for repairs. Opening hours resume on Tuesday at 9am. Questions go to the front desk by phone at 555 0100.</p>"},
		{Title: "東京で新しい博物館が開館", HTML: "<p>東京都は新しい博物館を来月開館すると発表した。展示は三つの階にわたり、入場は無料となる。</p>"},
	}
}

// TestReadingVersionCoversSignatures fails when Sign's output changes
// while ReadingVersion does not: stored signatures would then be compared
// with new ones read another way, and never signed again. After a
// deliberate change, bump ReadingVersion and rewrite the golden file with
// FEEDFOLD_UPDATE_GOLDEN=1.
func TestReadingVersionCoversSignatures(t *testing.T) {
	cfg := DefaultConfig()
	h := sha256.New()
	for _, d := range readingDocs(t) {
		b, err := Sign(cfg, d, nil).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	got := fmt.Sprintf("reading %d signatures %s\n", ReadingVersion, hex.EncodeToString(h.Sum(nil)))
	const golden = "testdata/reading.golden"
	if os.Getenv("FEEDFOLD_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got == string(want) {
		return
	}
	if strings.HasPrefix(string(want), fmt.Sprintf("reading %d ", ReadingVersion)) {
		t.Fatalf("signatures changed but ReadingVersion is still %d: bump it (stored items are signed again only then) and rewrite %s with FEEDFOLD_UPDATE_GOLDEN=1\n got  %s want %s", ReadingVersion, golden, got, want)
	}
	t.Fatalf("ReadingVersion is %d: rewrite %s with FEEDFOLD_UPDATE_GOLDEN=1\n got  %s want %s", ReadingVersion, golden, got, want)
}
