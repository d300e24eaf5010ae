package io.citytwin.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/*
 * FAULT INJECTION
 *
 * For each fault type, faults arrive as a Poisson process over the simulated window at the configured rate per
 * simulated day (exponential gaps from the plan's seed), each on a thing drawn uniformly from the things the type
 * applies to, lasting a duration drawn uniformly from the type's range. A thing never carries two faults of the
 * same type at once (a draw that would overlap is dropped), so the ground truth is unambiguous: every fault is one
 * (type, entity, start, end) line that detection can be matched against for precision, recall and time to detect.
 */
/** The faults of a simulation run (the ground truth), indexed for the behaviour's per-reading checks. */
public final class FaultPlan {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final List<Fault> faults;
    private final Map<String, List<Fault>> byEntity = new HashMap<>();
    private final Map<String, List<String>> related;

    public FaultPlan(List<Fault> faults) {
        this(faults, Map.of());
    }

    /**
     * @param faults the faults
     * @param related for a faulty entity, the entities next to it in the city's hierarchy ({@link City#related}),
     *     written to the ground truth so that an alarm on a neighbour can be matched
     */
    public FaultPlan(List<Fault> faults, Map<String, List<String>> related) {
        this.related = Map.copyOf(related);
        List<Fault> sorted = new ArrayList<>(faults);
        sorted.sort(Comparator.comparing(Fault::start).thenComparing(Fault::id));
        this.faults = List.copyOf(sorted);
        for (Fault f : this.faults) {
            byEntity.computeIfAbsent(f.entity(), k -> new ArrayList<>()).add(f);
        }
    }

    /** No faults. */
    public static FaultPlan none() {
        return new FaultPlan(List.of());
    }

    /** The entities next to {@code entity} in the city's hierarchy (empty when the plan does not know). */
    public List<String> related(String entity) {
        return related.getOrDefault(entity, List.of());
    }

    /** Every fault, by start time. */
    public List<Fault> faults() {
        return faults;
    }

    /** Whether a fault of {@code type} is active on {@code entity} at {@code t}. */
    public boolean active(String entity, Fault.Type type, Instant t) {
        for (Fault f : byEntity.getOrDefault(entity, List.of())) {
            if (f.type() == type && f.activeAt(t)) {
                return true;
            }
        }
        return false;
    }

    /** The start (epoch second) of the fault active on {@code entity} at {@code t}, 0 when none: keys its size. */
    long startOf(String entity, Instant t) {
        for (Fault f : byEntity.getOrDefault(entity, List.of())) {
            if (f.activeAt(t)) {
                return f.start().getEpochSecond();
            }
        }
        return 0;
    }

    /**
     * Expected faults per simulated day, by type, and how long each lasts. {@link #defaults()} suits a medium city:
     * a few visible problems per hour at {@code --speed 60}.
     */
    public record Rates(Map<Fault.Type, Double> perDay, Map<Fault.Type, Duration[]> durations) {
        public Rates {
            perDay = Collections.unmodifiableMap(new EnumMap<>(perDay));
            durations = Collections.unmodifiableMap(new EnumMap<>(durations));
        }

        public static Rates defaults() {
            EnumMap<Fault.Type, Double> r = new EnumMap<>(Fault.Type.class);
            EnumMap<Fault.Type, Duration[]> d = new EnumMap<>(Fault.Type.class);
            put(r, d, Fault.Type.LAMP_FAILURE, 6, Duration.ofHours(6), Duration.ofHours(48));
            put(r, d, Fault.Type.DAY_BURNER, 2, Duration.ofHours(12), Duration.ofHours(72));
            put(r, d, Fault.Type.CABINET_OUTAGE, 1, Duration.ofHours(1), Duration.ofHours(6));
            put(r, d, Fault.Type.TRAFFIC_INCIDENT, 4, Duration.ofMinutes(20), Duration.ofMinutes(90));
            put(r, d, Fault.Type.WATER_LEAK, 1, Duration.ofHours(12), Duration.ofHours(72));
            put(r, d, Fault.Type.CONTAMINATION, 0.5, Duration.ofHours(2), Duration.ofHours(12));
            put(r, d, Fault.Type.POLLUTION_EPISODE, 0.5, Duration.ofHours(6), Duration.ofHours(36));
            put(r, d, Fault.Type.METER_TAMPERING, 1, Duration.ofDays(1), Duration.ofDays(5));
            put(r, d, Fault.Type.DEVICE_SILENT, 4, Duration.ofHours(1), Duration.ofHours(12));
            put(r, d, Fault.Type.MALFORMED_PAYLOAD, 3, Duration.ofMinutes(10), Duration.ofMinutes(60));
            return new Rates(r, d);
        }

        /** These rates multiplied by {@code factor} (0 turns faults off). */
        public Rates scaled(double factor) {
            EnumMap<Fault.Type, Double> r = new EnumMap<>(Fault.Type.class);
            perDay.forEach((k, v) -> r.put(k, v * factor));
            return new Rates(r, durations);
        }

        private static void put(
                EnumMap<Fault.Type, Double> r,
                EnumMap<Fault.Type, Duration[]> d,
                Fault.Type t,
                double perDay,
                Duration min,
                Duration max) {
            r.put(t, perDay);
            d.put(t, new Duration[] {min, max});
        }
    }

    /** Draws the faults of {@code [from, to)} for {@code city} (see FAULT INJECTION). */
    public static FaultPlan generate(City city, Instant from, Instant to, Rates rates, long seed) {
        Objects.requireNonNull(city);
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> out = new ArrayList<>();
        double days = Duration.between(from, to).toMillis() / 86_400_000.0;
        int n = 0;
        for (Fault.Type type : Fault.Type.values()) {
            double rate = rates.perDay().getOrDefault(type, 0.0);
            List<String> targets = targets(city, type);
            if (rate <= 0 || targets.isEmpty() || days <= 0) {
                continue;
            }
            Duration[] range = rates.durations().get(type);
            Map<String, Instant> busyUntil = new HashMap<>();
            double tDays = 0;
            while (true) {
                tDays += -Math.log(1 - random.nextDouble()) / rate;
                if (tDays >= days) {
                    break;
                }
                Instant start = from.plusMillis((long) (tDays * 86_400_000));
                long span = range[1].toMillis() - range[0].toMillis();
                Instant end = start.plusMillis(range[0].toMillis() + (long) (random.nextDouble() * span));
                String entity = targets.get(random.nextInt(targets.size()));
                Instant free = busyUntil.get(entity);
                if (free != null && start.isBefore(free)) {
                    continue;
                }
                busyUntil.put(entity, end);
                out.add(new Fault("f-" + n++, type, entity, start, end));
            }
        }
        return withRelations(city, out);
    }

    /** {@code faults} with the relations of their entities in {@code city}. */
    public static FaultPlan withRelations(City city, List<Fault> faults) {
        Map<String, List<String>> related = new HashMap<>();
        for (Fault f : faults) {
            related.computeIfAbsent(f.entity(), e -> List.copyOf(city.related(e)));
        }
        return new FaultPlan(faults, related);
    }

    private static List<String> targets(City city, Fault.Type type) {
        List<String> ids = new ArrayList<>();
        switch (type.target()) {
            case "lamp" -> city.lamps().forEach(l -> ids.add(l.id()));
            case "cabinet" -> city.cabinets().forEach(c -> ids.add(c.id()));
            case "detector" -> city.detectors().forEach(d -> ids.add(d.id()));
            case "dma" -> city.dmas().forEach(d -> ids.add(d.id()));
            case "waterQuality" -> city.waterQualityStations().forEach(q -> ids.add(q.id()));
            case "air" -> city.airStations().forEach(a -> ids.add(a.id()));
            case "energyMeter" -> city.energyMeters().forEach(e -> ids.add(e.id()));
            default -> {
                // device faults: any reporting thing except lamps (their failures have types of their own)
                city.detectors().forEach(d -> ids.add(d.id()));
                city.airStations().forEach(a -> ids.add(a.id()));
                city.waterQualityStations().forEach(q -> ids.add(q.id()));
                city.energyMeters().forEach(e -> ids.add(e.id()));
                city.parkingSpots().forEach(p -> ids.add(p.id()));
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------- the ground-truth log

    /**
     * Writes the faults as JSON lines ({@code {"id","type","entity","start","end"}}), the ground-truth log that
     * tests and the evaluation command read.
     */
    public void write(Path file) {
        StringBuilder sb = new StringBuilder();
        for (Fault f : faults) {
            sb.append("{\"id\":\"")
                    .append(f.id())
                    .append("\",\"type\":\"")
                    .append(f.type())
                    .append("\",\"entity\":\"")
                    .append(f.entity())
                    .append("\",\"start\":\"")
                    .append(f.start())
                    .append("\",\"end\":\"")
                    .append(f.end())
                    .append('"');
            List<String> rel = related(f.entity());
            if (!rel.isEmpty()) {
                sb.append(",\"related\":[");
                for (int i = 0; i < rel.size(); i++) {
                    sb.append(i == 0 ? "\"" : ",\"").append(rel.get(i)).append('"');
                }
                sb.append(']');
            }
            sb.append("}\n");
        }
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the ground-truth log " + file, e);
        }
    }

    /**
     * Reads a ground-truth log written by {@link #write}: one JSON object per line with {@code id}, {@code type} (a
     * {@link Fault.Type} name), {@code entity}, {@code start}, {@code end} (ISO 8601) and optionally {@code related}
     * (an array of entity ids); blank lines are skipped, unknown members ignored.
     *
     * @throws IllegalArgumentException naming the line that is not a fault
     */
    public static FaultPlan read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the ground-truth log " + file, e);
        }
        List<Fault> out = new ArrayList<>();
        Map<String, List<String>> related = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
                Fault f = new Fault(
                        text(n, "id"),
                        Fault.Type.valueOf(text(n, "type")),
                        text(n, "entity"),
                        Instant.parse(text(n, "start")),
                        Instant.parse(text(n, "end")));
                out.add(f);
                if (n.get("related") instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
                    List<String> ids = new ArrayList<>(a.size());
                    a.forEach(x -> ids.add(x.asText()));
                    related.put(f.entity(), List.copyOf(ids));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + " is not a fault (" + e.getMessage() + "): " + abbreviate(line), e);
            }
        }
        return new FaultPlan(out, related);
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String member) {
        com.fasterxml.jackson.databind.JsonNode v = n.get(member);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + member + "' is missing or not a string");
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
