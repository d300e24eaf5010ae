package io.citytwin.open311;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CityTwin's service catalogue: one Open311 service per incident category of the shared vocabulary (contract A), with
 * names and descriptions in English, German and Chinese, and the optional attributes citizens' apps and the simulator
 * send ({@code language}, {@code kind}, {@code requested_datetime}). A desk may serve it as is.
 */
public final class StandardServices {
    /** The service codes, in catalogue order. */
    public static final List<String> CODES =
            List.of("streetlight", "traffic", "water", "air", "road", "waste", "graffiti", "noise", "tree", "other");

    private record Text(String group, String keywords, Map<String, String[]> byLanguage) {}

    private static final Map<String, Text> TEXTS = Map.of(
            "streetlight",
            new Text(
                    "lighting",
                    "lamp, light, street light, dark",
                    Map.of(
                            "en", new String[] {"Street light", "A street light is out, flickering or damaged."},
                            "de",
                                    new String[] {
                                        "Straßenbeleuchtung",
                                        "Eine Straßenlaterne ist aus, flackert oder ist beschädigt."
                                    },
                            "zh", new String[] {"路灯", "路灯不亮、闪烁或损坏。"})),
            "traffic",
            new Text(
                    "traffic",
                    "traffic light, signal, congestion, sign",
                    Map.of(
                            "en", new String[] {"Traffic", "Traffic signals, signs or congestion."},
                            "de", new String[] {"Verkehr", "Ampeln, Verkehrszeichen oder Stau."},
                            "zh", new String[] {"交通", "交通信号灯、标志或拥堵。"})),
            "water",
            new Text(
                    "water",
                    "leak, flooding, pipe, hydrant",
                    Map.of(
                            "en", new String[] {"Water", "Leaks, flooding, burst pipes or hydrants."},
                            "de", new String[] {"Wasser", "Lecks, Überschwemmung, Rohrbruch oder Hydranten."},
                            "zh", new String[] {"供水", "漏水、积水、爆管或消防栓问题。"})),
            "air",
            new Text(
                    "environment",
                    "smell, smoke, air quality, dust",
                    Map.of(
                            "en", new String[] {"Air quality", "Smoke, smells, dust or poor air."},
                            "de", new String[] {"Luftqualität", "Rauch, Gerüche, Staub oder schlechte Luft."},
                            "zh", new String[] {"空气质量", "烟雾、异味、扬尘或空气质量差。"})),
            "road",
            new Text(
                    "roads",
                    "pothole, pavement, sidewalk, road damage",
                    Map.of(
                            "en", new String[] {"Road", "Potholes and damaged pavement."},
                            "de", new String[] {"Straße", "Schlaglöcher und beschädigter Belag."},
                            "zh", new String[] {"道路", "坑洼和路面损坏。"})),
            "waste",
            new Text(
                    "sanitation",
                    "bin, litter, dumping, rubbish",
                    Map.of(
                            "en", new String[] {"Waste", "Overflowing bins, litter or illegal dumping."},
                            "de", new String[] {"Abfall", "Volle Mülleimer, Müll oder illegale Ablagerung."},
                            "zh", new String[] {"垃圾", "垃圾桶满溢、乱扔垃圾或非法倾倒。"})),
            "graffiti",
            new Text(
                    "sanitation",
                    "graffiti, vandalism, paint",
                    Map.of(
                            "en", new String[] {"Graffiti", "Graffiti or vandalism on public property."},
                            "de", new String[] {"Graffiti", "Graffiti oder Vandalismus an öffentlichem Eigentum."},
                            "zh", new String[] {"涂鸦", "公共财物上的涂鸦或破坏。"})),
            "noise",
            new Text(
                    "environment",
                    "noise, loud, construction, music",
                    Map.of(
                            "en", new String[] {"Noise", "Loud noise from traffic, construction or venues."},
                            "de", new String[] {"Lärm", "Lärm von Verkehr, Baustellen oder Veranstaltungen."},
                            "zh", new String[] {"噪音", "交通、施工或场所的噪音。"})),
            "tree",
            new Text(
                    "parks",
                    "tree, branch, fallen, park",
                    Map.of(
                            "en", new String[] {"Tree", "Fallen trees or branches, damaged trees."},
                            "de", new String[] {"Baum", "Umgestürzte Bäume oder Äste, beschädigte Bäume."},
                            "zh", new String[] {"树木", "倒树、断枝或树木受损。"})),
            "other",
            new Text(
                    "citizen-services",
                    "other, question, praise, suggestion",
                    Map.of(
                            "en", new String[] {"Other", "Anything else: questions, suggestions, praise."},
                            "de", new String[] {"Sonstiges", "Alles andere: Fragen, Vorschläge, Lob."},
                            "zh", new String[] {"其他", "其他事项：咨询、建议、表扬。"})));

    private StandardServices() {}

    /** The catalogue in {@code locale}'s language (English unless German or Chinese), every service realtime. */
    public static List<Service> services(Locale locale) {
        String lang = language(locale);
        List<Service> out = new ArrayList<>(CODES.size());
        for (String code : CODES) {
            Text t = TEXTS.get(code);
            String[] nd = t.byLanguage().get(lang);
            out.add(new Service(
                    code,
                    nd[0],
                    nd[1],
                    true,
                    Service.Type.REALTIME,
                    List.of(t.keywords().split(",\\s*")),
                    t.group()));
        }
        return out;
    }

    /** The definition of {@code code}, empty for a code not in {@link #CODES}. */
    public static Optional<ServiceDefinition> definition(String code, Locale locale) {
        if (!TEXTS.containsKey(code)) {
            return Optional.empty();
        }
        boolean de = language(locale).equals("de");
        boolean zh = language(locale).equals("zh");
        return Optional.of(new ServiceDefinition(
                code,
                List.of(
                        new ServiceDefinition.Attribute(
                                true,
                                "language",
                                ServiceDefinition.Datatype.SINGLEVALUELIST,
                                false,
                                "",
                                1,
                                zh ? "报告使用的语言" : de ? "Sprache der Meldung" : "Language of the report",
                                List.of(
                                        new ServiceDefinition.Value("en", "English"),
                                        new ServiceDefinition.Value("de", "Deutsch"),
                                        new ServiceDefinition.Value("zh", "中文"))),
                        new ServiceDefinition.Attribute(
                                true,
                                "kind",
                                ServiceDefinition.Datatype.STRING,
                                false,
                                "report or post",
                                2,
                                zh ? "来源类型" : de ? "Art der Meldung" : "Kind of report",
                                List.of()),
                        new ServiceDefinition.Attribute(
                                true,
                                "requested_datetime",
                                ServiceDefinition.Datatype.DATETIME,
                                false,
                                "W3C date-time, e.g. 2026-01-01T08:00:00Z",
                                3,
                                zh ? "发现问题的时间" : de ? "Wann es bemerkt wurde" : "When it was noticed",
                                List.of()))));
    }

    /** {@code en}, {@code de} or {@code zh}. */
    static String language(Locale locale) {
        String l = locale.getLanguage();
        return l.equals("de") || l.equals("zh") ? l : "en";
    }
}
