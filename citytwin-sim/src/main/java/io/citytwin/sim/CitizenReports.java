package io.citytwin.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/*
 * CITIZEN REPORTS
 *
 * People notice some faults and say so, some minutes or hours later, in the city's languages. For each fault of a
 * visible type (Profile: lamps, cabinets, traffic, water, air; not meters or device faults) with probability p,
 * 1..maxReports people report it, each after an exponential delay of the type's mean (a dark street is noticed at
 * once by a few, a lamp burning in daylight by somebody hours later); a report that would come after the fault
 * ended (repaired before anyone noticed) or after the run's end is dropped. Language: English 50 %, German 35 %,
 * Chinese 15 %; a template variant of the type in that language (resources io/citytwin/sim/reports/{lang}.properties)
 * filled with the nearest road's name and the district's name; 60 % are reports to the city (Open311 service
 * requests), the rest public posts. The position is the faulty thing's, moved by up to 30 m (people stand nearby).
 * Unrelated reports arrive as a Poisson process at unrelatedPerDay anywhere on the road network, each of a
 * category drawn from UNRELATED (road 25 %, waste 25 %, noise 15 %, graffiti 10 %, tree 10 %, other 15 %; an assumed
 * mix in which potholes and rubbish, the most frequent street-level requests of 311-style services, lead) with its
 * own templates (UNRELATED_ROAD, ...). One SplittableRandom from the seed drives every draw in a fixed order, so a seed always gives
 * the same reports.
 */
/** Citizen reports and public posts caused by faults, plus unrelated ones (see CITIZEN REPORTS). */
public final class CitizenReports {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LANGUAGES = {"en", "de", "zh"};
    private static final double[] LANGUAGE_SHARES = {0.5, 0.35, 0.15};

    private CitizenReports() {}

    /**
     * One report or post.
     *
     * @param id {@code r-<n>} in time order
     * @param faultId the fault it is about, or null for an unrelated one
     * @param kind {@code report} (to the city, Open311) or {@code post} (public)
     * @param category the Open311 service code (contract A): streetlight, traffic, water, air for fault reports;
     *     road, waste, noise, graffiti, tree or other for unrelated ones
     * @param language en, de or zh
     * @param text what the citizen wrote
     * @param lon where, WGS 84
     * @param lat where, WGS 84
     * @param road the road named in the text
     * @param district the district's name
     * @param time when it was written (simulated time)
     */
    public record Report(
            String id,
            @Nullable String faultId,
            String kind,
            String category,
            String language,
            String text,
            double lon,
            double lat,
            String road,
            String district,
            Instant time) {
        public Report {
            Objects.requireNonNull(id);
            Objects.requireNonNull(text);
            Objects.requireNonNull(time);
        }

        /** This report with another id. */
        public Report withId(String newId) {
            return new Report(newId, faultId, kind, category, language, text, lon, lat, road, district, time);
        }

        /** This report at another time. */
        public Report withTime(Instant newTime) {
            return new Report(id, faultId, kind, category, language, text, lon, lat, road, district, newTime);
        }
    }

    /** How a fault type is noticed: probability, mean delay, at most how many people, the service code. */
    record Profile(double probability, Duration meanDelay, int maxReports, String category) {}

    static final Map<Fault.Type, Profile> PROFILES = new EnumMap<>(Map.of(
            Fault.Type.LAMP_FAILURE, new Profile(0.5, Duration.ofMinutes(45), 1, "streetlight"),
            Fault.Type.DAY_BURNER, new Profile(0.3, Duration.ofHours(3), 1, "streetlight"),
            Fault.Type.CABINET_OUTAGE, new Profile(0.9, Duration.ofMinutes(15), 4, "streetlight"),
            Fault.Type.TRAFFIC_INCIDENT, new Profile(0.8, Duration.ofMinutes(5), 3, "traffic"),
            Fault.Type.WATER_LEAK, new Profile(0.4, Duration.ofHours(2), 2, "water"),
            Fault.Type.CONTAMINATION, new Profile(0.7, Duration.ofMinutes(90), 3, "water"),
            Fault.Type.POLLUTION_EPISODE, new Profile(0.6, Duration.ofHours(2), 3, "air")));

    /** Categories of unrelated reports and their shares; template key {@code UNRELATED_<CATEGORY>}. */
    static final String[] UNRELATED = {"road", "waste", "noise", "graffiti", "tree", "other"};

    private static final double[] UNRELATED_SHARES = {0.25, 0.25, 0.15, 0.10, 0.10, 0.15};

    private static final Map<String, Properties> TEMPLATES = new HashMap<>();

    static synchronized Properties templates(String language) {
        return TEMPLATES.computeIfAbsent(language, l -> {
            Properties p = new Properties();
            try (InputStream in = CitizenReports.class.getResourceAsStream("reports/" + l + ".properties")) {
                if (in == null) {
                    throw new IllegalStateException("No report templates for language " + l);
                }
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        });
    }

    /** The variants of template {@code key} in {@code language}: {@code key.1}, {@code key.2}, ... */
    static List<String> variants(String language, String key) {
        Properties p = templates(language);
        List<String> out = new ArrayList<>();
        for (int i = 1; p.getProperty(key + "." + i) != null; i++) {
            out.add(p.getProperty(key + "." + i));
        }
        return out;
    }

    private record Place(Point at, String district) {}

    /**
     * The reports of {@code [from, to)} for the faults of {@code plan} in {@code city}, plus {@code unrelatedPerDay}
     * unrelated ones a day on average, in time order.
     */
    public static List<Report> generate(
            City city, FaultPlan plan, Instant from, Instant to, double unrelatedPerDay, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDC171L);
        Map<String, Place> places = places(city);
        Map<String, String> districtNames = new HashMap<>();
        city.districts().forEach(d -> districtNames.put(d.id(), d.name()));
        List<Report> out = new ArrayList<>();
        for (Fault f : plan.faults()) {
            Profile profile = PROFILES.get(f.type());
            Place place = places.get(f.entity());
            // the probability is drawn for every fault, visible or not, so one type's profile does not shift the rest
            double u = random.nextDouble();
            if (profile == null || place == null || u >= profile.probability()) {
                continue;
            }
            int n = 1 + random.nextInt(profile.maxReports());
            for (int k = 0; k < n; k++) {
                double delayMs =
                        -Math.log(1 - random.nextDouble()) * profile.meanDelay().toMillis();
                Instant t = f.start().plusMillis((long) delayMs);
                Report r = report(city, random, f.id(), f.type().name(), profile.category(), place, districtNames, t);
                if (t.isBefore(f.end()) && t.isBefore(to) && !t.isBefore(from)) {
                    out.add(r);
                }
            }
        }
        double days = Duration.between(from, to).toMillis() / 86_400_000.0;
        if (unrelatedPerDay > 0 && !city.roads().isEmpty()) {
            for (double tDays = -Math.log(1 - random.nextDouble()) / unrelatedPerDay;
                    tDays < days;
                    tDays += -Math.log(1 - random.nextDouble()) / unrelatedPerDay) {
                City.RoadSegment road =
                        city.roads().get(random.nextInt(city.roads().size()));
                Place place = new Place(road.start().towards(road.end(), random.nextDouble()), road.district());
                Instant t = from.plusMillis((long) (tDays * 86_400_000));
                String category = UNRELATED[UNRELATED.length - 1];
                double x = random.nextDouble();
                for (int i = 0; i < UNRELATED.length; i++) {
                    if (x < UNRELATED_SHARES[i]) {
                        category = UNRELATED[i];
                        break;
                    }
                    x -= UNRELATED_SHARES[i];
                }
                String key = "UNRELATED_" + category.toUpperCase(Locale.ROOT);
                out.add(report(city, random, null, key, category, place, districtNames, t));
            }
        }
        out.sort(Comparator.comparing(Report::time));
        List<Report> numbered = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            numbered.add(out.get(i).withId("r-" + i));
        }
        return numbered;
    }

    private static Report report(
            City city,
            SplittableRandom random,
            @Nullable String faultId,
            String key,
            String category,
            Place place,
            Map<String, String> districtNames,
            Instant t) {
        double x = random.nextDouble();
        String language = LANGUAGES[LANGUAGES.length - 1];
        for (int i = 0; i < LANGUAGES.length; i++) {
            if (x < LANGUAGE_SHARES[i]) {
                language = LANGUAGES[i];
                break;
            }
            x -= LANGUAGE_SHARES[i];
        }
        List<String> variants = variants(language, key);
        String template = variants.get(random.nextInt(variants.size()));
        double angle = random.nextDouble() * 2 * Math.PI;
        double r = random.nextDouble() * 30;
        Point at = new Point(place.at().x() + r * Math.cos(angle), place.at().y() + r * Math.sin(angle));
        String road = nearestRoad(city, at);
        String district = districtNames.getOrDefault(place.district(), "");
        String kind = random.nextDouble() < 0.6 ? "report" : "post";
        double[] ll = city.spec().lonLat(at);
        String text = template.replace("{road}", road).replace("{district}", district);
        return new Report("", faultId, kind, category, language, text, ll[0], ll[1], road, district, t);
    }

    private static String nearestRoad(City city, Point p) {
        String best = "";
        double bestD = Double.MAX_VALUE;
        for (City.RoadSegment r : city.roads()) {
            double d = distanceToSegment(p, r.start(), r.end());
            if (d < bestD) {
                bestD = d;
                best = r.name();
            }
        }
        return best;
    }

    static double distanceToSegment(Point p, Point a, Point b) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        double len2 = dx * dx + dy * dy;
        double f = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / len2));
        return p.distance(new Point(a.x() + f * dx, a.y() + f * dy));
    }

    private static Map<String, Place> places(City city) {
        Map<String, Place> m = new HashMap<>();
        city.lamps().forEach(l -> m.put(l.id(), new Place(l.at(), l.district())));
        city.cabinets().forEach(c -> m.put(c.id(), new Place(c.at(), c.district())));
        city.detectors().forEach(d -> m.put(d.id(), new Place(d.at(), d.district())));
        city.dmas().forEach(d -> m.put(d.id(), new Place(d.inlet(), d.district())));
        city.waterQualityStations().forEach(q -> m.put(q.id(), new Place(q.at(), q.district())));
        city.airStations().forEach(a -> m.put(a.id(), new Place(a.at(), a.district())));
        return m;
    }

    /**
     * Writes the reports as JSON lines ({@code reports.jsonl}): {@code id, faultId, kind, category, language, text,
     * location (GeoJSON Point), road, district, time}.
     */
    public static void write(List<Report> reports, Path file) {
        StringBuilder sb = new StringBuilder();
        try {
            for (Report r : reports) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("faultId", r.faultId());
                m.put("kind", r.kind());
                m.put("category", r.category());
                m.put("language", r.language());
                m.put("text", r.text());
                m.put("location", Map.of("type", "Point", "coordinates", List.of(r.lon(), r.lat())));
                m.put("road", r.road());
                m.put("district", r.district());
                m.put("time", r.time().toString());
                sb.append(JSON.writeValueAsString(m)).append('\n');
            }
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the citizen reports " + file, e);
        }
    }
}
