package store

import (
	"encoding/binary"
	"time"
)

// Bucket names. Changing one is a schema change: add a migration.
var (
	bucketMeta         = []byte("meta")
	bucketFeeds        = []byte("feeds")
	bucketFeedURLs     = []byte("feed_urls")
	bucketItems        = []byte("items")
	bucketItemKeys     = []byte("item_keys")
	bucketItemTime     = []byte("item_time")
	bucketItemFeedTime = []byte("item_feed_time")
	bucketItemSeen     = []byte("item_seen")
	bucketItemURLs     = []byte("item_urls")
	bucketLinks        = []byte("links")
	bucketCluster      = []byte("cluster")
	bucketSigs         = []byte("sigs")
	bucketBoilerplate  = []byte("boilerplate")
	bucketUsers        = []byte("users")
	bucketUserNames    = []byte("user_names")
	bucketItemState    = []byte("item_state")
	bucketCategories   = []byte("categories")     // schema 2
	bucketItemBodies   = []byte("item_bodies")    // schema 4
	bucketItemBodyRefs = []byte("item_body_refs") // schema 4
	bucketCitations    = []byte("citations")      // schema 5
)

var allBuckets = [][]byte{
	bucketMeta, bucketFeeds, bucketFeedURLs, bucketItems, bucketItemKeys,
	bucketItemTime, bucketItemFeedTime, bucketItemSeen, bucketItemURLs,
	bucketLinks, bucketCluster, bucketSigs, bucketBoilerplate,
	bucketUsers, bucketUserNames, bucketItemState,
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// timeKey encodes t so that byte order equals time order, including times
// before 1970.
func timeKey(t time.Time) uint64 {
	return uint64(t.UnixNano()) ^ (1 << 63)
}

func keyTimeID(t time.Time, id uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, timeKey(t))
	binary.BigEndian.PutUint64(b[8:], id)
	return b
}

func keyFeedTimeID(feed uint64, t time.Time, id uint64) []byte {
	b := make([]byte, 24)
	binary.BigEndian.PutUint64(b, feed)
	binary.BigEndian.PutUint64(b[8:], timeKey(t))
	binary.BigEndian.PutUint64(b[16:], id)
	return b
}

func keyPair(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

func keyFeedString(feed uint64, s string) []byte {
	k := make([]byte, 8+len(s))
	binary.BigEndian.PutUint64(k, feed)
	copy(k[8:], s)
	return k
}
