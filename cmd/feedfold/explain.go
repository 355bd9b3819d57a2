package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/dedupe"
	"github.com/feedfold/feedfold/store"
	"github.com/feedfold/feedfold/urlnorm"
)

func dedupeConfig(c Config) dedupe.Config {
	d := dedupe.DefaultConfig()
	d.K = c.DedupeK
	return d
}

type explainSide struct {
	ID       uint64   `json:"id"`
	FeedURL  string   `json:"feed_url"`
	URL      string   `json:"url"`
	Title    string   `json:"title"`
	SimHash  string   `json:"simhash"`
	Lead     string   `json:"lead"`
	Credits  []string `json:"credits"`
	Original uint64   `json:"original"` // canonical item of its cluster
	Reason   string   `json:"link_reason,omitempty"`
	// Cited is how many stored items of other sites credit this item's
	// site as their source (what the "cited-source" choice weighs).
	Cited int `json:"cited"`
}

type explainOut struct {
	A            explainSide `json:"a"`
	B            explainSide `json:"b"`
	Distance     int         `json:"distance"`
	LeadDistance int         `json:"lead_distance"`
	K            int         `json:"k"`
	Duplicate    bool        `json:"duplicate"`
	Match        string      `json:"match"`
	Score        float64     `json:"score"`
	Linked       bool        `json:"linked"`
	// Apart says why the publish times keep a verified pair apart (see
	// dedupe.TimeApart); empty when they do not.
	Apart string `json:"apart,omitempty"`
	// FiguresApart says why the numbers veto keeps the pair apart (see
	// dedupe.FiguresApart); empty when their figures agree.
	FiguresApart string `json:"figures_apart,omitempty"`
	// NamesApart says why the template rule keeps a pair apart that its
	// words would join (see dedupe.NamesApart).
	NamesApart string `json:"names_apart,omitempty"`
	// NominatedBy lists the index channels that pair the two items
	// (empty: the index never offers one to the other).
	NominatedBy []string `json:"nominated_by"`
	// ChosenBy says why the linked pair's original is the original
	// ("policy", "attribution", "cited-source", "earliest", "first-seen"),
	// as deciding the cluster now gives it; empty when not linked.
	ChosenBy string `json:"original_chosen_by,omitempty"`
	// NowOriginal is the original deciding the cluster now would choose,
	// when it is not the stored one (the cluster is re-decided when an
	// item joins it or a setting changes); 0 otherwise.
	NowOriginal uint64 `json:"now_original,omitempty"`
}

func explainCmd() command {
	return command{
		usage:   "explain URL_A|ID_A URL_B|ID_B [--json]",
		summary: "show two items' fingerprints, their distance, the verification score and the linking decision",
		flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			asJSON := fs.Bool("json", false, "print as JSON")
			return func(ctx context.Context, a *app, args []string) error {
				if len(args) != 2 {
					return fmt.Errorf("%w: explain takes two items, each by its URL or by its id (`feedfold items --json` lists both)", errUsage)
				}
				db, err := a.openReadOnly()
				if err != nil {
					return err
				}
				defer db.Close()
				cfg := dedupeConfig(a.cfg)
				var out explainOut
				var sa, sb dedupe.Signature
				var ma, mb dedupe.Member
				err = db.View(func(tx *store.Tx) error {
					var err error
					if out.A, sa, err = explainItem(tx, args[0]); err != nil {
						return err
					}
					if out.B, sb, err = explainItem(tx, args[1]); err != nil {
						return err
					}
					st := aggregator.DedupeState(tx, a.cfg.DedupeScope)
					ma, _ = st.Member(out.A.ID)
					mb, _ = st.Member(out.B.ID)
					out.A.Cited = dedupe.SiteCitations(st, ma.Site)
					out.B.Cited = dedupe.SiteCitations(st, mb.Site)
					if root := out.A.Original; root == out.B.Original {
						d := dedupe.Recluster(cfg, st, st.Members(root), nil, nil)
						out.ChosenBy = d.Chosen
						if d.Root != root {
							out.NowOriginal = d.Root
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
				v := dedupe.Compare(cfg, sa, sb)
				out.Distance = bits.OnesCount64(sa.SimHash ^ sb.SimHash)
				out.LeadDistance = bits.OnesCount64(sa.Lead ^ sb.Lead)
				out.K, out.Duplicate, out.Match, out.Score = cfg.K, v.Duplicate, v.Reason, v.Score
				out.Linked = out.A.Original == out.B.Original
				out.NominatedBy = dedupe.Nominators(cfg, sa, sb)
				if v.Duplicate {
					out.Apart = dedupe.TimeApart(cfg, ma, mb, sa, sb, v)
				}
				out.FiguresApart = dedupe.FiguresApart(cfg, sa, sb)
				out.NamesApart = dedupe.NamesApart(cfg, sa, sb)
				if *asJSON {
					return json.NewEncoder(a.stdout).Encode(out)
				}
				for _, s := range []struct {
					name string
					e    explainSide
				}{{"A", out.A}, {"B", out.B}} {
					fmt.Fprintf(a.stdout, "%s  item %d  %s\n   feed %s\n   title %q\n   simhash %s  lead %s  credits %v\n   its site is credited as a source by %d items of other sites\n", s.name, s.e.ID, s.e.URL, s.e.FeedURL, s.e.Title, s.e.SimHash, s.e.Lead, s.e.Credits, s.e.Cited)
					if s.e.Original != s.e.ID {
						fmt.Fprintf(a.stdout, "   copy of item %d (%s)\n", s.e.Original, s.e.Reason)
					} else {
						fmt.Fprintln(a.stdout, "   canonical")
					}
				}
				fmt.Fprintf(a.stdout, "distance %d (k=%d), lead distance %d\n", out.Distance, out.K, out.LeadDistance)
				if len(out.NominatedBy) == 0 {
					fmt.Fprintln(a.stdout, "candidates: no index channel pairs them")
				} else {
					fmt.Fprintf(a.stdout, "candidates through: %s\n", strings.Join(out.NominatedBy, ", "))
				}
				verdict := "different stories"
				if out.Duplicate {
					verdict = "duplicates (" + out.Match + ")"
				}
				fmt.Fprintf(a.stdout, "verification score %.3f: %s\n", out.Score, verdict)
				if out.Apart != "" {
					fmt.Fprintf(a.stdout, "kept apart: %s\n", out.Apart)
				}
				if out.FiguresApart != "" {
					fmt.Fprintf(a.stdout, "figures disagree: %s\n", out.FiguresApart)
				}
				if out.NamesApart != "" {
					fmt.Fprintf(a.stdout, "headlines name different things: %s\n", out.NamesApart)
				}
				if out.Linked {
					fmt.Fprintf(a.stdout, "stored decision: linked, original is item %d (%s)\n", out.A.Original, chosenByText[out.ChosenBy])
					if out.NowOriginal != 0 {
						fmt.Fprintf(a.stdout, "deciding the cluster now would make item %d its original; it is re-decided when an item joins it\n", out.NowOriginal)
					}
				} else {
					fmt.Fprintln(a.stdout, "stored decision: not linked")
				}
				return nil
			}
		},
	}
}

// explainItem reads the item ref names: an item id, as `items --json`
// gives it, or a link. An item without a link of its own (none, or one
// several entries of its feed share, such as the feed's home page) has no
// URL to look it up by; its id always names it.
func explainItem(tx *store.Tx, ref string) (explainSide, dedupe.Signature, error) {
	var sig dedupe.Signature
	id, err := strconv.ParseUint(ref, 10, 64)
	if err != nil {
		var ok bool
		if id, ok = tx.ItemIDByNormURL(urlnorm.Normalize(ref)); !ok {
			return explainSide{}, sig, fmt.Errorf("no stored item has the URL %s (an item whose link is shared or missing is named by its id: see `feedfold items --json`)", ref)
		}
	}
	it, err := tx.Item(id)
	if err != nil {
		return explainSide{}, sig, err
	}
	if err := sig.UnmarshalBinary(tx.Signature(id)); err != nil {
		return explainSide{}, sig, fmt.Errorf("item %d has no readable signature: %w", id, err)
	}
	f, _ := tx.Feed(it.FeedID)
	side := explainSide{
		ID: id, FeedURL: f.URL, URL: it.URL, Title: it.Title,
		SimHash: fmt.Sprintf("%016x", sig.SimHash), Lead: fmt.Sprintf("%016x", sig.Lead),
		Credits: sig.Credits, Original: tx.Root(id),
	}
	if l, ok := tx.LinkOf(id); ok {
		side.Reason = l.Reason
	}
	return side, sig, nil
}

// chosenByText words ChooseOriginal's reasons for the text output.
var chosenByText = map[string]string{
	"policy":       "its feed is marked original",
	"attribution":  "another member credits its site",
	"cited-source": "no member credits another, and its site is one other sites credit as their source, where the earlier member's site is not",
	"earliest":     "published first",
	"first-seen":   "published at the same time as another, and seen first",
	"":             "a member whose feed or category no longer deduplicates",
}
