package urlnorm

import "testing"

func TestNormalize(t *testing.T) {
	same := [][]string{
		{"https://News.Example.com/a/b/?utm_source=rss&id=3#frag", "http://news.example.com:80/a/b?id=3", "https://www.news.example.com/a/b?id=3&fbclid=x&gclid=y"},
		{"https://ex.example/p?b=2&a=1", "https://ex.example:443/p/?a=1&b=2"},
	}
	for _, group := range same {
		for _, u := range group[1:] {
			if Normalize(u) != Normalize(group[0]) {
				t.Errorf("Normalize(%q) = %q, want %q", u, Normalize(u), Normalize(group[0]))
			}
		}
	}
	different := [][2]string{
		{"https://ex.example/p?id=1", "https://ex.example/p?id=2"},
		{"https://ex.example/a", "https://ex.example/b"},
		{"https://ex.example:8080/a", "https://ex.example/a"},
	}
	for _, d := range different {
		if Normalize(d[0]) == Normalize(d[1]) {
			t.Errorf("%q and %q normalise alike", d[0], d[1])
		}
	}
}
