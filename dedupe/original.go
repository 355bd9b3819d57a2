package dedupe

import "time"

// Member is what choosing a cluster's original needs to know of an item.
type Member struct {
	ID        uint64
	Site      string   // the item's feed site (URL or host)
	URL       string   // the item's normalised link
	Credits   []string // sources the item credits (Signature.Credits)
	Published time.Time
	FirstSeen time.Time
	// Policy is the feed's setting: "" or "on", "original" (always wins),
	// "never-original" (never wins while another member can), "off".
	Policy string
	// Category and Scope: the feed's category and that category's
	// deduplication scope (ScopeAll when empty).
	Category, Scope string
	// Cited is how many items of other sites credit this item's site as
	// their source (filled by Recluster from a State with Citations).
	Cited int
}

// ChooseOriginal picks a cluster's original and says why:
//
//   - "policy": a member's feed is marked "original";
//   - "attribution": another member credits this member's site (a credit
//     to one's own domain does not count, so a copy cannot crown itself);
//     an item whose link points at another member's site credits that
//     site too (a link blog's entry, a feed carrying another site's URL);
//   - "cited-source": no member credits another, and the earliest
//     member's site has never been credited as a source by another site
//     while a member published at most cfg.CitedWindow after it comes from
//     a site credited cfg.MinCitations times or more (Member.Cited): the
//     earliest such member. A reprint site stamped hours before the
//     publisher it copies, by its clock or a wrongly declared time zone,
//     is the usual way a copy looks earliest; a publisher other sites
//     name as their source is the likelier origin of the same words;
//   - "earliest": the earliest publish time, times closer than
//     cfg.TimeTolerance counting as equal;
//   - "first-seen": a tie on time, broken by when feedfold first saw it
//     (then by id, so the choice never depends on map order).
//
// Members of "never-original" feeds are passed over unless all are.
func ChooseOriginal(cfg Config, ms []Member) (int, string) {
	eligible := make([]int, 0, len(ms))
	for i, m := range ms {
		if m.Policy != "never-original" {
			eligible = append(eligible, i)
		}
	}
	if len(eligible) == 0 {
		for i := range ms {
			eligible = append(eligible, i)
		}
	}
	var forced []int
	for _, i := range eligible {
		if ms[i].Policy == "original" {
			forced = append(forced, i)
		}
	}
	if len(forced) > 0 {
		i, _ := earliest(cfg, ms, forced)
		return i, "policy"
	}

	// Attribution: count, for each eligible member, the other members
	// whose credits name its site.
	best, bestVotes := -1, 0
	var tied []int
	for _, i := range eligible {
		d := siteDomain(ms[i].Site)
		votes := 0
		for j, o := range ms {
			if j == i || siteDomain(o.Site) == d {
				continue // same site: not an independent credit
			}
			if credits(domainOfURL(o.URL), d) {
				votes++
				continue
			}
			for _, c := range o.Credits {
				if credits(c, d) {
					votes++
					break
				}
			}
		}
		switch {
		case votes > bestVotes:
			best, bestVotes, tied = i, votes, []int{i}
		case votes == bestVotes && votes > 0:
			tied = append(tied, i)
		}
	}
	if best >= 0 && bestVotes > 0 {
		i, _ := earliest(cfg, ms, tied)
		return i, "attribution"
	}
	i, why := earliest(cfg, ms, eligible)
	if ms[i].Cited == 0 && cfg.MinCitations > 0 {
		d := siteDomain(ms[i].Site)
		var cited []int
		for _, j := range eligible {
			if ms[j].Cited >= cfg.MinCitations && siteDomain(ms[j].Site) != d && ms[j].Published.Sub(ms[i].Published) <= cfg.CitedWindow {
				cited = append(cited, j)
			}
		}
		if len(cited) > 0 {
			j, _ := earliest(cfg, ms, cited)
			return j, "cited-source"
		}
	}
	return i, why
}

// earliest picks among idx by publish time, then first seen, then id.
// Times within cfg.TimeTolerance of the earliest count as equal only
// between different sites: the tolerance is for publishers' clocks
// disagreeing, and one site's items share one clock.
func earliest(cfg Config, ms []Member, idx []int) (int, string) {
	first := idx[0]
	for _, i := range idx[1:] {
		if ms[i].Published.Before(ms[first].Published) || ms[i].Published.Equal(ms[first].Published) && ms[i].ID < ms[first].ID {
			first = i
		}
	}
	firstSite := siteDomain(ms[first].Site)
	best, tie := first, 1
	for _, i := range idx {
		if i == first {
			continue
		}
		gap := ms[i].Published.Sub(ms[first].Published)
		if gap > cfg.TimeTolerance || (gap > 0 && siteDomain(ms[i].Site) == firstSite) {
			continue
		}
		tie++
		if ms[i].FirstSeen.Before(ms[best].FirstSeen) || ms[i].FirstSeen.Equal(ms[best].FirstSeen) && ms[i].ID < ms[best].ID {
			best = i
		}
	}
	if tie > 1 {
		return best, "first-seen"
	}
	return best, "earliest"
}
