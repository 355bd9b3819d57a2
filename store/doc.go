// Package store keeps feedfold's state in a single bbolt file: feeds, items,
// the links between duplicate items, dedupe fingerprints and per-feed learned
// boilerplate. It is the only package that imports bbolt.
//
// Every use case runs in one transaction (DB.View / DB.Update hand the caller
// a *Tx whose methods keep the secondary indexes consistent), so a crash at
// any instant leaves either all of a poll's writes or none of them.
//
// Bucket layout (all ids are 8-byte big-endian uint64 from NextSequence):
//
//	meta            "schema" -> uint64 schema version; "sig_reading" -> uint64,
//	                the deduper's reading of text the stored signatures
//	                were made with (absent: before it was recorded);
//	                "setting:" name -> value
//	feeds           feed id -> Feed (JSON)
//	feed_urls       feed URL -> feed id
//	items           item id -> 0x02, feed id, published, first seen and
//	                normalised URL as varints (what linking reads), then
//	                group id, offset and length of the item's JSON in the
//	                group's decompressed bytes (schema 4, new items); or
//	                0x01 and the same head, then the rest of the Item as
//	                zstd-compressed JSON (schema 3; still written for
//	                updated items); schema 2 records are the whole Item as
//	                compressed JSON, older ones plain JSON, their "id"
//	                ignored: the key is the id, as records are encoded
//	                before it is assigned
//	item_bodies     group id -> zstd-compressed JSON of a feed's new items,
//	                end to end (about 32 KB of JSON; schema 4)
//	item_body_refs  group id -> uvarint count of the records pointing into it
//	item_keys       feed id | item key -> item id | content hash (upsert by GUID)
//	item_time       published | item id -> nil          (newest-first listing)
//	item_feed_time  feed id | published | item id -> nil (per-feed listing, retention by count)
//	item_seen       first seen | item id -> nil         (retention by age)
//	item_urls       normalised URL -> item id           (same-url duplicates)
//	links           copy id -> Link (JSON)              (copy -> canonical)
//	cluster         canonical id | copy id -> nil       (members of a cluster)
//	sigs            item id -> dedupe signature (opaque bytes; may outlive the item)
//	boilerplate     feed id -> learned boilerplate state (opaque bytes)
//	users           user id -> User (JSON); user_names: name -> user id
//	item_state      user id | item id -> flags byte (read, starred)
//	categories      category name -> Category (JSON)   (schema 2)
//	citations       credited source (domain or bare name) -> uvarint count
//	                of items of other sites crediting it (schema 5)
//
// Times in keys are Unix nanoseconds with the sign bit flipped, so byte
// order equals time order for every representable time.
package store
