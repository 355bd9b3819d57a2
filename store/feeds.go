package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// AddFeed subscribes to f.URL, assigning f.ID and f.Created. It returns an
// error wrapping ErrExists when the URL is already subscribed.
func (t *Tx) AddFeed(f *Feed) error {
	urls := t.b(bucketFeedURLs)
	if urls.Get([]byte(f.URL)) != nil {
		return fmt.Errorf("add feed %s: %w", f.URL, ErrExists)
	}
	feeds := t.b(bucketFeeds)
	id, err := feeds.NextSequence()
	if err != nil {
		return fmt.Errorf("add feed %s: %w", f.URL, err)
	}
	f.ID = id
	if f.Created.IsZero() {
		f.Created = time.Now().UTC()
	}
	if err := urls.Put([]byte(f.URL), u64(id)); err != nil {
		return fmt.Errorf("add feed %s: %w", f.URL, err)
	}
	return t.putFeed(*f)
}

func (t *Tx) putFeed(f Feed) error {
	v, err := encode(f)
	if err != nil {
		return fmt.Errorf("encode feed %d: %w", f.ID, err)
	}
	if err := t.b(bucketFeeds).Put(u64(f.ID), v); err != nil {
		return fmt.Errorf("put feed %d: %w", f.ID, err)
	}
	return nil
}

// PutFeed saves changes to an existing feed. A changed URL (a permanent
// redirect, or the user editing it) moves the URL index entry; it fails with
// ErrExists when the new URL belongs to another subscription.
func (t *Tx) PutFeed(f Feed) error {
	old, err := t.Feed(f.ID)
	if err != nil {
		return err
	}
	if old.URL != f.URL {
		urls := t.b(bucketFeedURLs)
		if other := urls.Get([]byte(f.URL)); other != nil && getU64(other) != f.ID {
			return fmt.Errorf("move feed %s to %s: %w", old.URL, f.URL, ErrExists)
		}
		if err := urls.Delete([]byte(old.URL)); err != nil {
			return fmt.Errorf("move feed %d: %w", f.ID, err)
		}
		if err := urls.Put([]byte(f.URL), u64(f.ID)); err != nil {
			return fmt.Errorf("move feed %d: %w", f.ID, err)
		}
	}
	return t.putFeed(f)
}

// Feed returns the feed with the given id, or ErrNotFound.
func (t *Tx) Feed(id uint64) (Feed, error) {
	var f Feed
	v := t.b(bucketFeeds).Get(u64(id))
	if v == nil {
		return f, fmt.Errorf("feed %d: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &f); err != nil {
		return f, fmt.Errorf("decode feed %d: %w", id, err)
	}
	return f, nil
}

// FeedByURL returns the subscription with exactly this URL, or ErrNotFound.
func (t *Tx) FeedByURL(url string) (Feed, error) {
	v := t.b(bucketFeedURLs).Get([]byte(url))
	if v == nil {
		return Feed{}, fmt.Errorf("feed %s: %w", url, ErrNotFound)
	}
	return t.Feed(getU64(v))
}

// Feeds returns every subscription ordered by category, title, then URL.
func (t *Tx) Feeds() ([]Feed, error) {
	var out []Feed
	err := t.b(bucketFeeds).ForEach(func(k, v []byte) error {
		var f Feed
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("decode feed %d: %w", getU64(k), err)
		}
		out = append(out, f)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.URL < b.URL
	})
	return out, err
}

// DeleteFeed unsubscribes: it removes the feed, its items (re-rooting any
// cluster whose canonical item was one of them) and its learned state.
func (t *Tx) DeleteFeed(id uint64) error {
	f, err := t.Feed(id)
	if err != nil {
		return err
	}
	ids, err := t.FeedItemIDs(id)
	if err != nil {
		return err
	}
	for _, iid := range ids {
		if err := t.DeleteItem(iid, true); err != nil {
			return err
		}
	}
	if err := t.b(bucketFeedURLs).Delete([]byte(f.URL)); err != nil {
		return fmt.Errorf("delete feed %d: %w", id, err)
	}
	if err := t.b(bucketBoilerplate).Delete(u64(id)); err != nil {
		return fmt.Errorf("delete feed %d: %w", id, err)
	}
	return t.b(bucketFeeds).Delete(u64(id))
}

// CountFeedItems returns how many items of the feed are stored.
func (t *Tx) CountFeedItems(feed uint64) int {
	n := 0
	c := t.b(bucketItemFeedTime).Cursor()
	p := u64(feed)
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		n++
	}
	return n
}

// Boilerplate returns the feed's learned boilerplate state (nil if none).
func (t *Tx) Boilerplate(feed uint64) []byte {
	return clone(t.b(bucketBoilerplate).Get(u64(feed)))
}

// PutBoilerplate saves the feed's learned boilerplate state.
func (t *Tx) PutBoilerplate(feed uint64, state []byte) error {
	if err := t.b(bucketBoilerplate).Put(u64(feed), state); err != nil {
		return fmt.Errorf("put boilerplate %d: %w", feed, err)
	}
	return nil
}

func hasPrefix(b, p []byte) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == string(p)
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
