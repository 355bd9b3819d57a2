package dedupe

import (
	"reflect"
	"slices"
	"testing"
)

// FuzzSign: any title and HTML sign without panicking, and the signature
// survives encoding.
func FuzzSign(f *testing.F) {
	f.Add("Title | Site", "<p>TRENDING NEWS Back to news 14 Mar, 2025 Share:</p><p>@Source: mirror.co.uk</p><p>Body text here. More.</p>")
	f.Add("", "<script>alert(1)</script><link rel=canonical href='https://x.example/a'>")
	f.Add("WASHINGTON (Reuters) - x", "plain\n\ntext with 5.2 and 1,000 numbers")
	f.Add("\u201cWe don\u2019t\u201d \u2014 U.S.\u201d A.\u2019B 5\u2019.3", "<p>\u2018Quoted\u2019 \u2013 text.\u201d Next</p>")
	f.Add("x", `<p>Body</p><p><a href="https://www.bbc.co.uk/n">Source link »</a> <a>original</a></p><a href=x>`)
	f.Add("World #39;s $3B deal", "<p>An annual ten pct cut &amp;#39; #0; #99999999; 2bn 13th #</p>")
	cfg := DefaultConfig()
	f.Fuzz(func(t *testing.T, title, html string) {
		// The ASCII fast path must agree with the general one.
		if scannable(title) {
			if got, want := splitSegments(title, nil), unicodeSegments(title); !reflect.DeepEqual(got, want) {
				t.Fatalf("splitSegments(%q) = %+v, want %+v", title, got, want)
			}
		}
		bp := NewBoilerplate(cfg)
		d := Doc{Title: title, HTML: html, URL: "https://a.example/x", FeedSite: "https://a.example/"}
		bp.Observe(d)
		s := Sign(cfg, d, bp)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Signature
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("decode own encoding: %v", err)
		}
		Compare(cfg, s, back)
		var lean Signature
		if err := lean.UnmarshalIndexed(b); err != nil {
			t.Fatalf("lean decode of own encoding: %v", err)
		}
		if lean.SimHash != s.SimHash || lean.Words != s.Words || !slices.Equal(indexKeys(lean), indexKeys(s)) {
			t.Fatalf("lean decode: keys %v, want %v", indexKeys(lean), indexKeys(s))
		}
		st, err := bp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if err := NewBoilerplate(cfg).UnmarshalBinary(st); err != nil {
			t.Fatalf("boilerplate state does not decode: %v", err)
		}
	})
}
