package store

import (
	"fmt"

	"github.com/feedfold/feedfold/urlnorm"
)

// forgetSharedLinks repairs a database written before feedfold knew that a
// normalised link several items of one feed carry (a podcast's or notice
// board's home page given as every entry's link, a comment feed's links
// to its article), or the feed's own address or site, names none of them.
// As same-url identity it made every such item after the first a copy of
// the first, hidden from the reader. Their normalised URLs are forgotten
// (the head of their records, and the URL index), and those linked for
// their URL alone (reason same-url) become items of their own again. A
// feed at a time, so memory follows the largest feed, not the database.
func (t *Tx) forgetSharedLinks() error {
	feeds, err := t.Feeds()
	if err != nil {
		return err
	}
	for _, f := range feeds {
		own := map[string]bool{urlnorm.Normalize(f.URL): true}
		if f.SiteURL != "" {
			own[urlnorm.Normalize(f.SiteURL)] = true
		}
		ids, err := t.FeedItemIDs(f.ID)
		if err != nil {
			return err
		}
		byURL := map[string][]uint64{}
		for _, id := range ids {
			m, err := t.ItemMeta(id)
			if err != nil {
				return err
			}
			if m.NormURL != "" {
				byURL[m.NormURL] = append(byURL[m.NormURL], id)
			}
		}
		for u, carriers := range byURL {
			if len(carriers) < 2 && !own[u] {
				continue
			}
			for _, id := range carriers {
				if err := t.forgetNormURL(id, u); err != nil {
					return fmt.Errorf("feed %d: %w", f.ID, err)
				}
				if l, ok := t.LinkOf(id); ok && l.Reason == "same-url" {
					if err := t.unlink(id); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// forgetNormURL rewrites item id's record head without its normalised URL
// u, and drops u from the URL index when the index names id.
// The new record is a fresh slice: rest, read from the mapped page, is
// copied into it before Put.
func (t *Tx) forgetNormURL(id uint64, u string) error {
	items := t.b(bucketItems)
	if v := items.Get(u64(id)); hasItemHead(v) {
		m, rest, err := splitItemRecord(v)
		if err != nil {
			return fmt.Errorf("item %d: %w", id, err)
		}
		head := appendItemHead(nil, v[0], Item{FeedID: m.FeedID, Published: m.Published, FirstSeen: m.FirstSeen})
		if err := items.Put(u64(id), append(head, rest...)); err != nil {
			return fmt.Errorf("item %d: %w", id, err)
		}
	} // a record older than heads keeps its URL inside; the index forgets it
	urls := t.b(bucketItemURLs)
	if getU64(urls.Get([]byte(u))) == id {
		if err := urls.Delete([]byte(u)); err != nil {
			return fmt.Errorf("item %d: %w", id, err)
		}
	}
	return nil
}
