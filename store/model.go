package store

import "time"

// Feed is one subscription and everything feedfold remembers about fetching
// it. The zero value of every field is a valid "never fetched" state.
type Feed struct {
	ID        uint64 `json:"id"`
	URL       string `json:"url"`        // the URL that is fetched; updated on permanent redirects
	Title     string `json:"title"`      // from the feed, unless the user renamed it
	SiteURL   string `json:"site_url"`   // the feed's <link>: the site it belongs to
	Category  string `json:"category"`   // "" means uncategorised
	UserTitle bool   `json:"user_title"` // true when Title was set by the user and must not be overwritten

	// Dedupe is the per-feed deduplication policy: "" or "on" (default),
	// "off" (never linked), "original" (always wins), "never-original".
	Dedupe string `json:"dedupe,omitempty"`

	// Conditional GET validators, saved in the same transaction as the items
	// of the response that carried them.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// BodyHash is the xxHash of the last body whose items were stored, in
	// the same transaction: a server that sends no validators answers 200
	// with the same bytes, and that body needs no parsing (0: none yet).
	BodyHash uint64 `json:"body_hash,omitempty"`

	LastStatus  int       `json:"last_status"` // HTTP status of the last attempt, 0 if none reached the server
	LastError   string    `json:"last_error"`  // "" when the last fetch succeeded
	LastFetched time.Time `json:"last_fetched"`
	NextPoll    time.Time `json:"next_poll"`
	// Interval is the current adaptive polling interval.
	Interval time.Duration `json:"interval"`
	// Failures counts consecutive failed fetches; it drives the backoff.
	Failures int `json:"failures"`
	// Disabled is set on 410 Gone; a disabled feed is never polled.
	Disabled bool      `json:"disabled"`
	Created  time.Time `json:"created"`
}

// Enclosure is a media attachment (podcast audio, image).
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// Item is one normalised feed entry.
type Item struct {
	ID     uint64 `json:"id"`
	FeedID uint64 `json:"feed_id"`
	// Key identifies the entry inside its feed across polls: the GUID, else
	// the link, else a hash of title and content.
	Key     string `json:"key"`
	URL     string `json:"url"`
	NormURL string `json:"norm_url"` // URL normalised for same-url detection
	Title   string `json:"title"`
	Author  string `json:"author,omitempty"`
	Content string `json:"content,omitempty"` // HTML
	Summary string `json:"summary,omitempty"` // HTML
	// SourceURL is the RSS <source url> / Atom <source> the entry credits.
	SourceURL  string      `json:"source_url,omitempty"`
	Categories []string    `json:"categories,omitempty"`
	Enclosures []Enclosure `json:"enclosures,omitempty"`
	Published  time.Time   `json:"published"`
	Updated    time.Time   `json:"updated"`
	FirstSeen  time.Time   `json:"first_seen"`
	// Hash is a stable hash of title+content, used to notice changed content.
	Hash uint64 `json:"hash"`
}

// Link records that Copy is a duplicate of Original.
type Link struct {
	Copy     uint64  `json:"copy"`
	Original uint64  `json:"original"`
	Reason   string  `json:"reason"`   // "same-url", "simhash", "containment", "attribution" ...
	Distance int     `json:"distance"` // Hamming distance of the fingerprints, -1 when not applicable
	Score    float64 `json:"score"`    // verification score, 0 when not applicable
}
