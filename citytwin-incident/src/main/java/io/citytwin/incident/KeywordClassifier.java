package io.citytwin.incident;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FALLBACK classifier: keyword lists in English, German and Chinese per category, and a script/stop-word language
 * guess. It stands in until the app glues the trained Lucene classifier of citytwin-triage (contract C) to {@link
 * ReportClassifier}; it is not the measured classifier of docs/triage.md.
 *
 * <p>Confidence: the share of keyword hits that went to the winning category, scaled by how many hits there were
 * (one hit: 0.6 at most); no hit: {@code other} with 0.2.
 */
public final class KeywordClassifier implements ReportClassifier {
    private static final Map<Category, List<String>> KEYWORDS = new LinkedHashMap<>();

    static {
        KEYWORDS.put(
                Category.STREETLIGHT,
                List.of(
                        "streetlight",
                        "street light",
                        "lamp",
                        "light out",
                        "lights out",
                        "dark street",
                        "laterne",
                        "straßenlaterne",
                        "beleuchtung",
                        "lampe",
                        "路灯",
                        "灯不亮",
                        "路灯坏"));
        KEYWORDS.put(
                Category.TRAFFIC,
                List.of(
                        "traffic",
                        "signal",
                        "congestion",
                        "jam",
                        "accident",
                        "crash",
                        "ampel",
                        "stau",
                        "unfall",
                        "verkehr",
                        "交通",
                        "红绿灯",
                        "堵车",
                        "拥堵",
                        "事故",
                        "信号灯"));
        KEYWORDS.put(
                Category.WATER,
                List.of(
                        "water",
                        "leak",
                        "burst",
                        "pipe",
                        "flood",
                        "hydrant",
                        "wasser",
                        "rohrbruch",
                        "leck",
                        "überschwemmung",
                        "漏水",
                        "水管",
                        "爆管",
                        "停水",
                        "积水",
                        "自来水"));
        KEYWORDS.put(
                Category.AIR,
                List.of(
                        "air",
                        "smog",
                        "smoke",
                        "smell",
                        "fumes",
                        "pollution",
                        "dust",
                        "luft",
                        "rauch",
                        "gestank",
                        "feinstaub",
                        "空气",
                        "雾霾",
                        "烟",
                        "异味",
                        "污染",
                        "粉尘"));
        KEYWORDS.put(
                Category.ROAD,
                List.of(
                        "pothole",
                        "road",
                        "pavement",
                        "asphalt",
                        "sidewalk",
                        "schlagloch",
                        "straße",
                        "fahrbahn",
                        "gehweg",
                        "坑",
                        "路面",
                        "坑洼",
                        "人行道",
                        "道路"));
        KEYWORDS.put(
                Category.WASTE,
                List.of(
                        "garbage",
                        "trash",
                        "rubbish",
                        "bin",
                        "litter",
                        "dumping",
                        "waste",
                        "müll",
                        "abfall",
                        "mülltonne",
                        "垃圾",
                        "垃圾桶",
                        "乱扔",
                        "倾倒"));
        KEYWORDS.put(
                Category.GRAFFITI,
                List.of("graffiti", "vandal", "spray", "tag", "schmiererei", "sprayer", "涂鸦", "乱涂", "小广告"));
        KEYWORDS.put(
                Category.NOISE,
                List.of("noise", "noisy", "loud", "music", "barking", "lärm", "laut", "krach", "噪音", "噪声", "吵", "扰民"));
        KEYWORDS.put(
                Category.TREE,
                List.of(
                        "tree",
                        "branch",
                        "fallen",
                        "leaves",
                        "baum",
                        "ast",
                        "äste",
                        "umgestürzt",
                        "树",
                        "树枝",
                        "倒伏",
                        "枯树"));
    }

    @Override
    public Classification classify(String text, String languageHint) {
        String t = text.toLowerCase(Locale.ROOT);
        String language = languageHint.isEmpty() ? language(t) : languageHint;
        // Latin keywords match at a word start ("tree" must not match "street"; "lamp" matches "lamps")
        String words = " " + t.replaceAll("[^\\p{L}\\p{N}]+", " ") + " ";
        Category best = Category.OTHER;
        int bestHits = 0;
        int total = 0;
        for (Map.Entry<Category, List<String>> e : KEYWORDS.entrySet()) {
            int hits = 0;
            for (String k : e.getValue()) {
                boolean cjk = Character.UnicodeScript.of(k.charAt(0)) == Character.UnicodeScript.HAN;
                if (cjk ? t.contains(k) : words.contains(" " + k)) {
                    hits++;
                }
            }
            total += hits;
            if (hits > bestHits) {
                best = e.getKey();
                bestHits = hits;
            }
        }
        if (bestHits == 0) {
            return new Classification(Category.OTHER.label(), 0.2, language);
        }
        double share = (double) bestHits / total;
        double support = Math.min(1.0, 0.6 + 0.2 * (bestHits - 1));
        return new Classification(best.label(), share * support, language);
    }

    /** {@code zh} for CJK script, {@code de} for umlauts/ß or German stop words, else {@code en}. */
    static String language(String lower) {
        int cjk = 0;
        for (int i = 0; i < lower.length(); i++) {
            if (Character.UnicodeScript.of(lower.charAt(i)) == Character.UnicodeScript.HAN) {
                cjk++;
            }
        }
        if (cjk > 0) {
            return "zh";
        }
        String padded = " " + lower.replaceAll("[^\\p{L}]+", " ") + " ";
        if (lower.matches(".*[äöüß].*")
                || padded.contains(" der ")
                || padded.contains(" die ")
                || padded.contains(" das ")
                || padded.contains(" und ")
                || padded.contains(" ist ")
                || padded.contains(" nicht ")) {
            return "de";
        }
        return "en";
    }
}
