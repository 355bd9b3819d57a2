package aggregator

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
)

// Subscription is the outcome of Subscribe.
type Subscription struct {
	Feed store.Feed
	// Discovered is set when the URL given was an HTML page and Feed.URL was
	// found in its <link rel="alternate"> elements; Candidates lists all of
	// them in page order.
	Discovered bool
	Candidates []string
	// Guessed is set when the page advertised no feed and Feed.URL is one
	// of the usual feed locations of its site (see commonFeedPaths).
	Guessed bool
}

// commonFeedPaths are where blog engines put their feeds, tried in order
// below the page and then at the site's root when a page advertises none
// (as other readers do): WordPress (feed/), Hugo (index.xml), Jekyll
// (feed.xml), Ghost and many others (rss/, rss.xml, atom.xml). At most
// maxGuesses are fetched.
var commonFeedPaths = []string{"feed", "rss", "index.xml", "feed.xml", "rss.xml", "atom.xml"}

const maxGuesses = 8

// Subscribe adds a feed. The URL is fetched first: if it is a feed it is
// subscribed as given; if it is an HTML page, its first advertised feed that
// parses is subscribed. Either way the first poll's items are stored before
// Subscribe returns. Subscribing to a URL already subscribed returns an
// error wrapping store.ErrExists.
func (a *Aggregator) Subscribe(ctx context.Context, rawURL, category string) (Subscription, error) {
	var sub Subscription
	if err := a.ready(); err != nil {
		return sub, err
	}
	target, err := a.resolveFeedURL(ctx, rawURL, &sub)
	if err != nil {
		return sub, err
	}
	f := store.Feed{URL: target, Category: category}
	if err := a.db.Update(func(tx *store.Tx) error { return tx.AddFeed(&f) }); err != nil {
		return sub, err
	}
	if _, err := a.PollFeed(ctx, f.ID); err != nil {
		return sub, err
	}
	err = a.db.View(func(tx *store.Tx) (err error) { f, err = tx.Feed(f.ID); return err })
	sub.Feed = f
	return sub, err
}

// resolveFeedURL fetches rawURL and returns the feed URL to subscribe to.
func (a *Aggregator) resolveFeedURL(ctx context.Context, rawURL string, sub *Subscription) (string, error) {
	if err := a.db.View(func(tx *store.Tx) error {
		_, err := tx.FeedByURL(rawURL)
		return err
	}); err == nil {
		return "", fmt.Errorf("subscribe %s: %w", rawURL, store.ErrExists)
	}
	resp, err := a.fetcher.Fetch(ctx, rawURL, Validators{})
	if err != nil {
		return "", fmt.Errorf("subscribe %s: %w", rawURL, err)
	}
	final := rawURL
	if resp.PermanentRedirect && resp.FinalURL != "" {
		final = resp.FinalURL
	}
	_, perr := Parse(resp.Body, resp.ContentType, final, a.opts.Now())
	if perr == nil {
		return final, nil
	}
	if !errors.Is(perr, ErrNotAFeed) {
		return "", fmt.Errorf("subscribe %s: %w", rawURL, perr)
	}
	pageURL := resp.FinalURL
	if pageURL == "" {
		pageURL = rawURL
	}
	sub.Candidates = Discover(resp.Body, pageURL)
	if len(sub.Candidates) == 0 {
		if u, ok := a.guessFeedURL(ctx, pageURL); ok {
			sub.Guessed = true
			return u, nil
		}
		return "", fmt.Errorf("subscribe %s: the page is HTML and advertises no feed (no <link rel=\"alternate\"> of a feed type), and none of its site's usual feed locations (%s) answered with a feed", rawURL, strings.Join(commonFeedPaths, ", "))
	}
	var errs []error
	for _, c := range sub.Candidates {
		r, err := a.fetcher.Fetch(ctx, c, Validators{})
		if err == nil {
			if _, err = Parse(r.Body, r.ContentType, c, a.opts.Now()); err == nil {
				sub.Discovered = true
				return c, nil
			}
		}
		errs = append(errs, fmt.Errorf("%s: %w", c, err))
	}
	return "", fmt.Errorf("subscribe %s: no advertised feed works: %w", rawURL, errors.Join(errs...))
}

// guessFeedURL tries the usual feed locations below pageURL's directory,
// then at its site's root, and returns the first that parses as a feed.
func (a *Aggregator) guessFeedURL(ctx context.Context, pageURL string) (string, bool) {
	page, err := url.Parse(pageURL)
	if err != nil {
		return "", false
	}
	dir := *page
	dir.RawQuery, dir.Fragment = "", ""
	if !strings.HasSuffix(dir.Path, "/") {
		dir.Path = path.Dir(dir.Path) + "/"
	}
	var tries []string
	seen := map[string]bool{}
	for _, base := range []string{dir.Path, "/"} {
		for _, p := range commonFeedPaths {
			u := dir
			u.Path = path.Join(base, p)
			if s := u.String(); !seen[s] && len(tries) < maxGuesses {
				seen[s] = true
				tries = append(tries, s)
			}
		}
	}
	for _, u := range tries {
		if ctx.Err() != nil {
			return "", false
		}
		r, err := a.fetcher.Fetch(ctx, u, Validators{})
		if err != nil {
			continue
		}
		_, err = Parse(r.Body, r.ContentType, u, a.opts.Now())
		a.fetcher.Release(r)
		if err == nil {
			return u, true
		}
	}
	return "", false
}

// Unsubscribe removes a feed, its items and their fingerprints, re-rooting
// clusters its items led.
func (a *Aggregator) Unsubscribe(ctx context.Context, feedID uint64) error {
	if err := a.ready(); err != nil {
		return err
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	var removed []indexOp
	err := a.db.Update(func(tx *store.Tx) error {
		removed = removed[:0]
		ids, err := tx.FeedItemIDs(feedID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			var sig dedupe.Signature
			if b := tx.Signature(id); b != nil && sig.UnmarshalBinary(b) == nil {
				removed = append(removed, indexOp{id: id, sig: sig})
			}
		}
		return tx.DeleteFeed(feedID)
	})
	if err != nil {
		return err
	}
	for _, op := range removed {
		a.index.Remove(op.id, op.sig)
	}
	return nil
}
