package aggregator

import (
	"strings"
	"time"
)

// looseDate reads the item dates gofeed's parser leaves unread: RFC 822
// without a weekday and seconds ("1 Dec 2026 10:00 GMT"), day and month
// names in the languages of feeds written by hand or by local CMSs ("Di,
// 01 Dez 2026 10:00:00 +0100", "mar., 01 déc. 2026"), US long forms
// ("December 1, 2026 10:00 am"), zone comments ("+0100 (CET)"), slashed
// and dotted dates. Without it such an item is dated when feedfold first
// saw it: a feed's whole archive at one instant on subscribing, newest
// first in no order, and its copies' originals chosen by arrival.
// Weekdays are dropped (they add nothing), named zones other than a few
// common ones are not guessed, and a date without a zone is UTC.
func looseDate(s string) (time.Time, bool) {
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i] // "+0100 (CET)"
	}
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	// "mar" is Tuesday in French, Spanish and Italian and March in other
	// languages: it is the month only when nothing else gives the month
	// (another month name, a numeric date) and no later "mar" follows.
	var toks []string
	months, lastAmbiguous, numericDate := 0, -1, false
	for _, t := range f {
		t = strings.TrimSuffix(t, ".")
		if _, ok := monthNames[t]; ok {
			if weekdayNames[t] {
				lastAmbiguous = len(toks)
			} else {
				months++
			}
		}
		if strings.Count(t, ".") == 2 || strings.Count(t, "/") == 2 || strings.Count(t, "-") == 2 {
			numericDate = true
		}
		toks = append(toks, t)
	}
	var out []string
	for i, t := range toks {
		m, isMonth := monthNames[t]
		switch {
		case t == "-" || t == "at" || t == "um" || t == "à" || t == "klo" || t == "kl":
			continue
		case isMonth && (!weekdayNames[t] || months == 0 && !numericDate && i == lastAmbiguous):
			out = append(out, m)
		case weekdayNames[t]:
			continue
		case t == "am" || t == "pm":
			out = append(out, strings.ToUpper(t))
		case zoneOffsets[t] != "":
			out = append(out, zoneOffsets[t])
		default:
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return time.Time{}, false
	}
	norm := strings.Join(out, " ")
	for _, d := range looseDateLayouts {
		for _, tm := range looseTimeLayouts {
			for _, z := range []string{"", " -0700", " -07:00"} {
				layout := d + tm + z
				t, err := time.Parse(layout, norm)
				if err == nil && t.Year() >= 1970 && t.Year() <= 2200 {
					return t.UTC(), true
				}
			}
		}
	}
	return time.Time{}, false
}

var looseDateLayouts = []string{"2 Jan 2006", "Jan 2 2006", "2 Jan 06", "2006/1/2", "2.1.2006", "2006-01-02"}

var looseTimeLayouts = []string{"", " 15:04", " 15:04:05", " 3:04 PM", " 3:04:05 PM", " 15.04"}

// zoneOffsets are the zone names feeds write that Go does not know by
// offset (it parses an unknown abbreviation as a zone of offset zero).
var zoneOffsets = map[string]string{
	"gmt": "+0000", "ut": "+0000", "utc": "+0000", "z": "+0000",
	"est": "-0500", "edt": "-0400", "cst": "-0600", "cdt": "-0500",
	"mst": "-0700", "mdt": "-0600", "pst": "-0800", "pdt": "-0700",
	"cet": "+0100", "cest": "+0200", "met": "+0100", "mest": "+0200", "mez": "+0100", "mesz": "+0200",
	"eet": "+0200", "eest": "+0300", "wet": "+0000", "west": "+0100", "bst": "+0100",
	"msk": "+0300", "jst": "+0900", "kst": "+0900", "aest": "+1000", "aedt": "+1100",
}

// monthNames maps month names and abbreviations, lower case, in English,
// German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish,
// Norwegian and Finnish, to Go's layout abbreviations.
var monthNames = func() map[string]string {
	names := [12]string{
		"jan january januar janvier janv enero ene gennaio gen janeiro januari tammikuu tammi tammikuuta",
		"feb february februar février févr fevrier fevr febrero febbraio fevereiro fev februari helmikuu helmi helmikuuta",
		"mar march märz mär maerz mars marzo março marco maart mrt marts maaliskuu maalis maaliskuuta",
		"apr april avril avr abril abr aprile huhtikuu huhti huhtikuuta",
		"may mai mayo maggio mag maio mei maj toukokuu touko toukokuuta",
		"jun june juni juin junio giugno giu junho kesäkuu kesä kesäkuuta",
		"jul july juli juillet juil julio luglio lug julho heinäkuu heinä heinäkuuta",
		"aug august août aout agosto ago augustus augusti elokuu elo elokuuta",
		"sep sept september septembre septiembre setiembre settembre set setembro syyskuu syys syyskuuta",
		"oct october oktober okt octobre octubre ottobre ott outubro out lokakuu loka lokakuuta",
		"nov november novembre noviembre novembro marraskuu marras marraskuuta",
		"dec december dezember dez décembre decembre déc diciembre dic dicembre dezembro desember des joulukuu joulu joulukuuta",
	}
	m := map[string]string{}
	for i, ns := range names {
		for _, n := range strings.Fields(ns) {
			m[n] = time.Month(i + 1).String()[:3]
		}
	}
	return m
}()

// weekdayNames are day names and abbreviations in the same languages
// (see looseDate for "mar", both a day and a month).
var weekdayNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
		mo di mi do fr sa so montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
		lun mar mer jeu ven sam dim lundi mardi mercredi jeudi vendredi samedi dimanche
		mié mie jue vie sáb sab dom lunes martes miércoles miercoles jueves viernes sábado sabado domingo
		gio lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica
		seg ter qua qui sex segunda terça terca quarta quinta sexta segunda-feira terça-feira quarta-feira quinta-feira sexta-feira
		ma wo vr za zo maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
		mån tis ons tor fre lör sön måndag tisdag onsdag torsdag fredag lördag söndag
		man tir lør søn mandag tirsdag lørdag søndag
		ti ke to pe la su maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai`) {
		m[n] = true
	}
	return m
}()
