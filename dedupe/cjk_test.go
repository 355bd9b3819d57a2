package dedupe

import (
	"math/bits"
	"slices"
	"strings"
	"testing"
	"time"
)

// A Chinese wire story in five paragraphs, and an unrelated one on a close
// subject from the same kind of source.
var (
	zhStory = []string{
		"中国国家统计局周二公布的数据显示，十月份全国规模以上工业增加值同比增长百分之五点三，比上月加快零点五个百分点。",
		"分析人士认为，制造业投资回升和出口订单增加是主要原因，但房地产市场仍然疲软，消费需求有待进一步恢复。",
		"国家统计局新闻发言人表示，下一阶段将继续加大宏观政策调控力度，着力扩大国内需求，推动经济持续回升向好。",
		"数据还显示，前十个月全国固定资产投资同比增长百分之二点九，其中高技术产业投资增长较快，民间投资降幅有所收窄。",
		"社会消费品零售总额同比增长百分之七点六，餐饮收入增长明显，汽车和家电消费也出现回暖迹象。",
	}
	zhOther = []string{
		"海关总署周三发布的数据显示，十月份我国货物贸易进出口总值同比增长百分之一点二，其中出口增长较上月有所放缓。",
		"业内人士指出，欧美市场需求减弱对出口形成拖累，而对东盟和共建一带一路国家的贸易保持较快增长。",
		"海关总署有关负责人表示，将进一步优化通关流程，支持外贸企业稳订单拓市场，推动进出口平稳发展。",
		"前十个月，机电产品出口占出口总值的比重接近六成，新能源汽车、锂电池和光伏产品出口继续保持增长。",
		"进口方面，原油、天然气和铁矿砂等大宗商品进口量增加，农产品进口则有所下降。",
	}
	jaStory = []string{
		"気象庁は二十四日、関東甲信地方で平年より九日早く梅雨明けしたとみられると発表した。昨年より六日早い。",
		"今後一週間は高気圧に覆われて晴れる日が多く、各地で最高気温が三十五度以上の猛暑日となるおそれがある。",
		"気象庁はこまめな水分補給や冷房の適切な使用など、熱中症への厳重な警戒を呼びかけている。",
		"東京都心では午前中から気温が上がり、正午までに三十三度を超えた。都内の公園では日傘を差して歩く人の姿が目立った。",
	}
)

// zhReprint is a small site's copy of zhStory: its own header and footer,
// a source line, and two clauses lightly edited, as reprints are.
func zhReprint() string {
	ps := slices.Clone(zhStory)
	ps[1] = strings.Replace(ps[1], "主要原因", "重要原因", 1)
	ps[2] = strings.Replace(ps[2], "推动经济持续回升向好", "推动经济持续向好", 1)
	return paras(append(append([]string{"热点新闻 返回首页"}, ps...), "来源：新华社", "广告热线：12345678 版权所有")...)
}

// TestChineseReprintWithEditsLinks: Chinese has no spaces between words,
// so a clause is one "word" to a space-based tokenizer and one edited
// character changes a whole shingle's worth of them. Read a character at a
// time, a reprint with two light edits is still the same story, and a
// different story on a close subject is not.
func TestChineseReprintWithEditsLinks(t *testing.T) {
	cfg := DefaultConfig()
	orig := Sign(cfg, Doc{Title: "十月份工业增加值同比增长5.3%", HTML: paras(zhStory...), URL: "https://news-a.example/1", FeedSite: "https://news-a.example/"}, nil)
	reprint := Sign(cfg, Doc{Title: "统计局：十月份工业增加值同比增长5.3%", HTML: zhReprint(), URL: "https://news-b.example/9", FeedSite: "https://news-b.example/"}, nil)
	other := Sign(cfg, Doc{Title: "十月份进出口总值同比增长1.2%", HTML: paras(zhOther...), URL: "https://news-a.example/2", FeedSite: "https://news-a.example/"}, nil)

	if len(Nominators(cfg, orig, reprint)) == 0 {
		t.Errorf("the reprint is not a candidate of the original (distance %d)", bits.OnesCount64(orig.SimHash^reprint.SimHash))
	}
	if v := Compare(cfg, orig, reprint); !v.Duplicate || v.Score < 0.75 {
		t.Errorf("reprint with two edits: %+v; want a duplicate with a score well above the threshold", v)
	}
	if v := Compare(cfg, orig, other); v.Duplicate {
		t.Errorf("a different story on a close subject was taken for a duplicate: %+v", v)
	}
}

// TestJapaneseCutCopyLinks: a copy that keeps the first three of four
// paragraphs of a Japanese story, two of them lightly edited, is linked to
// it.
func TestJapaneseCutCopyLinks(t *testing.T) {
	cfg := DefaultConfig()
	t0 := time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)
	orig := Doc{Title: "関東甲信で梅雨明け 平年より9日早く", HTML: paras(jaStory...), URL: "https://tenki.example/news/1", FeedSite: "https://tenki.example/"}
	kept := slices.Clone(jaStory[:3])
	kept[1] = strings.Replace(kept[1], "晴れる日が多く", "晴れる日が続き", 1)
	kept[2] = strings.Replace(kept[2], "厳重な警戒", "警戒", 1)
	cut := Doc{Title: "関東甲信で梅雨明け", HTML: paras(kept...) + "<p>（共同通信）</p>", URL: "https://matome.example/a/77", FeedSite: "https://matome.example/"}
	st := ingest(t, cfg, []Doc{cut, orig}, []time.Time{t0.Add(time.Hour), t0})
	if st.Root(1) != 2 {
		t.Errorf("cut copy's root is %d, want the original (2); members %v", st.Root(1), st.Members(2))
	}
}

func TestUnspacedScriptsSplitPerCharacter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"中国A股上涨5.3%", []string{"中", "国", "a", "股", "上", "涨", "53"}},
		{"東京タワーへ行く", []string{"東", "京", "タ", "ワ", "ー", "へ", "行", "く"}},
		{"ภาษาไทย", []string{"ภ", "า", "ษ", "า", "ไ", "ท", "ย"}},
		{"กิน", []string{"กิ", "น"}},    // a vowel mark stays with its consonant
		{"서울 시장", []string{"서울", "시장"}}, // Korean is written with spaces
		{"Café au lait", []string{"cafe", "au", "lait"}},
		{"भारत सरकार", []string{"भारत", "सरकार"}}, // vowel signs (Mc) are part of their word
	} {
		if got := words(tc.in, nil); !slices.Equal(got, tc.want) {
			t.Errorf("words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFullStopsOfCJKEndSegments(t *testing.T) {
	got := segments("第一句话。第二句话！第三句话？来源：新华社", nil)
	want := []string{"第一句话。", "第二句话！", "第三句话？", "来源：", "新华社"}
	if !slices.Equal(got, want) {
		t.Errorf("segments = %q, want %q", got, want)
	}
}

// TestSiteChromeInOtherLanguagesIsDropped: a reprint wrapped in its site's
// header, source, advert, share and related-reading lines reads as the
// original's text alone, in other languages as in English. A short item
// keeps nothing of it either, which is what keeps a reprinted teaser's
// score above the threshold.
func TestSiteChromeInOtherLanguagesIsDropped(t *testing.T) {
	cfg := DefaultConfig()
	body := paras(mergeParas[:4]...)
	orig := Sign(cfg, Doc{Title: "T", HTML: body, URL: "https://a.example/1", FeedSite: "https://a.example/"}, nil)
	for _, wrap := range [][2]string{
		{"NACHRICHTEN Zurück zur Übersicht", "Quelle: spiegel.de</p><p>Anzeige: 0800 123456</p><p>Teilen: Facebook Twitter WhatsApp</p><p>Mehr zum Thema: Wetter | Sport</p><p>© 2026 Regionalblatt. Alle Rechte vorbehalten."},
		{"ACTUALITÉS Retour à l'accueil", "Source : lemonde.fr</p><p>Publicité : 01 23 45 67 89</p><p>Partager : Facebook Twitter</p><p>À lire aussi : Météo | Sports</p><p>Tous droits réservés."},
		{"NOTICIAS Volver a inicio", "Fuente: elpais.com</p><p>Publicidad: 900 123 456</p><p>Compartir: Facebook Twitter</p><p>Leer más: Tiempo | Deportes</p><p>Todos los derechos reservados."},
		{"TRENDING NEWS Back to news", "@Source: mirror.co.uk</p><p>Advertisement: 0800 123456</p><p>Share: Facebook Twitter</p><p>Read more: Weather | Sports"},
		{"UUTISET Takaisin etusivulle", "Lähde: yle.fi</p><p>Mainos: 0800 123 456</p><p>Jaa: Facebook Twitter</p><p>Lue myös: Sää | Urheilu</p><p>© 2026 Paikallislehti. Kaikki oikeudet pidätetään."},
		{"NYHETER Tillbaka till startsida", "Källa: svt.se</p><p>Annons: 020 123 456</p><p>Dela: Facebook Twitter</p><p>Läs mer: Väder | Sport</p><p>Alla rättigheter förbehållna."},
	} {
		r := Sign(cfg, Doc{Title: "T", HTML: "<p>" + wrap[0] + "</p>" + body + "<p>" + wrap[1] + "</p>", URL: "https://b.example/1", FeedSite: "https://b.example/"}, nil)
		if v := Compare(cfg, orig, r); v.Score != 1 || r.Words != orig.Words {
			t.Errorf("%q: score %.3f, %d words against %d: some of the site's lines were kept", wrap[0], v.Score, r.Words, orig.Words)
		}
	}

	zh := Sign(cfg, Doc{Title: "十月份工业增加值同比增长5.3%", HTML: paras(zhStory...), URL: "https://news-a.example/1", FeedSite: "https://news-a.example/"}, nil)
	wrapped := paras(append(append([]string{"热点新闻 返回首页"}, zhStory...), "来源：新华社", "广告热线：12345678 版权所有", "相关阅读：天气 | 体育")...)
	r := Sign(cfg, Doc{Title: "十月份工业增加值同比增长5.3%", HTML: wrapped, URL: "https://news-b.example/9", FeedSite: "https://news-b.example/"}, nil)
	if v := Compare(cfg, zh, r); v.Score != 1 || r.Words != zh.Words {
		t.Errorf("Chinese reprint: score %.3f, %d words against %d: some of the site's lines were kept", v.Score, r.Words, zh.Words)
	}
}
