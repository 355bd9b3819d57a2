// Package dedupe recognises republished copies of a story and decides which
// item is the original. It is pure: no files, no network, no database; the
// aggregator feeds it items and the store persists what it returns.
//
// The pipeline for one item:
//
//  1. Text (text.go): HTML to text with a real tokenizer, keeping block
//     boundaries; NFKC, case folding, punctuation and whitespace folding.
//     Scripts written without spaces (Chinese, Japanese, Thai…) are read a
//     character at a time, so their shingles are character n-grams.
//  2. Boilerplate (boilerplate.go): segments that a feed repeats across its
//     own items (learned per feed, persisted by the store) and a short
//     general list ("Read more", "Share this", copyright lines …) are
//     dropped, so a site's header and footer do not count as content.
//  3. Signature (signature.go): a 64-bit SimHash over word 3-shingles of
//     title and body, one of the headline, one of the opening ("lead",
//     shown by explain; no longer indexed), a bottom-k sketch of the
//     shingles and the lead's shingles for verification (teasers), a
//     bottom-k sketch of the text's 7-character grams (chargrams.go), the
//     numbers the story mentions, and the domains it credits as its
//     source.
//  4. Index (index.go): the permuted-block tables of Manku, Jain and Das
//     Sarma (WWW 2007): with the 64 bits split into k+1 blocks, any
//     fingerprint within Hamming distance k agrees exactly with the query
//     on at least one block, so each table is bucketed by one block; one
//     set of tables for the body fingerprint. Beside them an exact-key
//     table: the headline's fingerprint, the opening sentence's hash
//     (teasers, and re-filings rewritten around an unchanged opening) and
//     the three smallest shingle hashes (MinHash: shared with probability
//     equal to the Jaccard similarity, for short rewrites whose
//     fingerprints are far apart).
//  5. Verification (compare.go): a candidate is a duplicate only when an
//     independent measure agrees — shingle Jaccard or containment from the
//     sketches, title overlap for short items, the character grams for
//     copies read with scattered character errors — and the numbers of the
//     two stories do not contradict each other (template stories).
//  6. The original (original.go): attribution to another member's domain,
//     then the earliest publish time (with a tolerance), then first seen.
//     Link (link.go) re-links a whole cluster when its true original
//     arrives after its copies.
package dedupe
