package aggregator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLooseDates: dates gofeed leaves unread are read, in the forms and
// languages feeds write them; what is not a date stays unread.
func TestLooseDates(t *testing.T) {
	want := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // 10:00 at +0100
	for _, s := range []string{
		"1 Dec 2026 10:00 +0100",
		"Di, 01 Dez 2026 10:00:00 +0100",
		"mar., 01 déc. 2026 10:00:00 +0100",
		"Mar, 01 Dic 2026 10:00:00 +0100",
		"mar, 01 dic 2026 10:00:00 CET",
		"di, 01 dec 2026 10:00:00 +01:00",
		"ti, 1. joulukuuta 2026 klo 11.00 +0200",
		"Tue, 01 Dec 2026 10:00:00 +0100 (CET)",
		"Tuesday, December 1, 2026 - 09:00 GMT",
		"December 1, 2026 9:00 am",
		"Dec 1, 2026 9:00 AM UTC",
		"2026/12/01 09:00:00",
		"tis 1 december 2026 10:00 CET",
		"terça-feira, 1 dezembro 2026 09:00",
	} {
		got, ok := looseDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("looseDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"mar., 01.12.2026 10:00", "mar, 1 mar 2026 10:00", "Mar 1, 2026 10:00"} {
		if _, ok := looseDate(s); !ok {
			t.Errorf("looseDate(%q) unread", s)
		}
	}
	if got, _ := looseDate("mar., 01.12.2026 10:00"); got.Month() != time.December {
		t.Errorf("looseDate(mar., 01.12.2026) = %v, want December (mar is Tuesday there)", got)
	}
	if got, _ := looseDate("mar, 1 mar 2026 10:00"); got.Month() != time.March {
		t.Errorf("looseDate(mar, 1 mar 2026) = %v, want March", got)
	}
	if got, ok := looseDate("1.12.2026"); !ok || !got.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("looseDate(1.12.2026) = %v, %v", got, ok)
	}
	// "mar" is March when nothing else names the month.
	if got, ok := looseDate("3 mar 2026 10:00 +0000"); !ok || got.Month() != time.March {
		t.Errorf("looseDate(3 mar 2026) = %v, %v; want March", got, ok)
	}
	for _, s := range []string{"", "soon", "Tue, 31 Nov 2026 10:00:00 GMT", "Tue, 01 Dec 2026 24:00:00 GMT", "yesterday at noon", "12", "1 Dec 2026 10:00 Europe/Berlin"} {
		if got, ok := looseDate(s); ok {
			t.Errorf("looseDate(%q) = %v, want unread", s, got)
		}
	}
}

// TestItemsDatedInOtherLanguages: a feed whose dates gofeed cannot read
// (German names, no weekday and no seconds) keeps its items' publish
// times instead of dating them all when they were first seen.
func TestItemsDatedInOtherLanguages(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Lokal</title><link>https://lokal.example/</link>`)
	dates := []string{"Mo, 30 Nov 2026 08:15:00 +0100", "Di, 01 Dez 2026 10:00:00 +0100", "2 Dez 2026 09:30 MEZ"}
	for i, d := range dates {
		fmt.Fprintf(&b, `<item><guid>%d</guid><title>Meldung %d</title><link>https://lokal.example/%d</link><pubDate>%s</pubDate></item>`, i, i, i, d)
	}
	b.WriteString(`</channel></rss>`)
	pf, err := Parse([]byte(b.String()), "", "https://lokal.example/feed", now)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{
		time.Date(2026, 11, 30, 7, 15, 0, 0, time.UTC),
		time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 8, 30, 0, 0, time.UTC),
	}
	if len(pf.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(pf.Items), len(want))
	}
	for i, it := range pf.Items {
		if !it.Published.Equal(want[i]) {
			t.Errorf("item %d (%q) published %v, want %v", i, dates[i], it.Published, want[i])
		}
	}
}
