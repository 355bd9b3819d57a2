// Package urlnorm gives an item link the form that recognises one document
// across feeds. The aggregator stores it with every item and links items
// that share it (reason same-url); the deduper's evaluation does the same,
// so that a corpus is scored as the aggregator would cluster it.
package urlnorm

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the document. Parameters starting with "utm_" are dropped too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "_hsenc": true, "_hsmi": true,
	"ocid": true, "cmpid": true, "ito": true,
}

// Normalize returns the form of an item link used to recognise the same
// document across feeds: scheme http and https equated (https), host lower
// case without "www." and without default port, fragment dropped, tracking
// parameters dropped, remaining parameters sorted, trailing slash removed.
// An unparsable or non-HTTP URL is returned trimmed but otherwise as is, so
// it still only matches itself.
func Normalize(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return raw
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimSuffix(host, ".")
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	path := u.EscapedPath()
	path = strings.TrimRight(path, "/")
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(host)
	b.WriteString(path)
	for i, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for j, v := range vs {
			if i == 0 && j == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}
