package aggregator

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse: any body parses or fails with an error — never a panic — and
// every item that comes out is normalised (a key, a time, a bounded title).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*") // not testdata/fuzz
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><title>&c;</title></channel></rss>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>`))
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		pf, err := Parse(body, "", "https://fuzz.example/feed", now)
		if err != nil {
			return
		}
		for _, it := range pf.Items {
			if it.Key == "" || it.Published.IsZero() || len(it.Title) > maxTitleBytes+8 {
				t.Fatalf("item not normalised: key %q published %v title %d bytes", it.Key, it.Published, len(it.Title))
			}
		}
	})
}
