package io.citytwin.kpi;

import io.citytwin.kpi.air.EuropeanAqi;
import io.citytwin.kpi.air.HourlySeries;
import io.citytwin.kpi.air.Pollutant;
import io.citytwin.kpi.air.StationAqi;
import io.citytwin.kpi.energy.EnergyToday;
import io.citytwin.kpi.energy.LampHealth;
import io.citytwin.kpi.traffic.IncidentDetector;
import io.citytwin.kpi.traffic.LevelOfService;
import io.citytwin.kpi.traffic.TravelTime;
import io.citytwin.kpi.water.CcmeWqi;
import io.citytwin.kpi.water.NightFlow;
import io.citytwin.kpi.water.Objective;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/*
 * THE KPI STATE OF ONE TENANT. One object per kind of thing, keyed by entity id, holding what the calculators need
 * beyond the entity's current attributes:
 *
 *   AirQualityObserved      24 hourly means per pollutant (NowCast, 8- and 24-hour means)
 *   WaterQualityObserved    the tests of the last 24 h (CCME WQI) and the latest value per parameter (limits)
 *   TrafficFlowObserved     the last 16 occupancy samples (California #8 reads t and t-2 downstream), the TTI and the
 *                           incident state machine of the pair (this detector, its refDownstream)
 *   WaterMeter (flow)       the open night window; DistrictMeteredArea: the last 8 nights' MNF
 *   Streetlight             on / failed (sticky power verdict)
 *   EnergyMeter, cabinet    the running integral of today
 *
 * update() folds one entity version into the state and returns the derived attributes to write on it; only values
 * that differ from what the entity holds are returned, so a steady KPI costs no write. Readings not newer than the
 * last one of the same attribute are ignored (duplicates after a restart replays the log, and late data).
 * districts() rolls the state up per District (via refDistrict, or the DMA's or the cabinet's/group's refDistrict).
 * Not thread-safe: KpiService serialises access.
 */
final class TenantKpis {
    private final TenantId tenant;
    private final KpiOptions options;
    private final Map<String, Air> air = new HashMap<>();
    private final Map<String, Water> water = new HashMap<>();
    private final Map<String, Detector> detectors = new HashMap<>();
    private final Map<String, Set<String>> upstreamOf = new HashMap<>();
    private final Map<String, FlowMeter> flowMeters = new HashMap<>();
    private final Map<String, NightFlow.Baseline> dmas = new HashMap<>();
    private final Map<String, Lamp> lamps = new HashMap<>();
    private final Map<String, Meter> meters = new HashMap<>();

    TenantKpis(TenantId tenant, KpiOptions options) {
        this.tenant = tenant;
        this.options = options;
    }

    /** The kinds of entity this service reads, by the local name of their type. */
    enum Kind {
        AIR,
        WATER,
        DETECTOR,
        WATER_METER,
        LAMP,
        METER,
        CABINET,
        OTHER;

        static Kind of(Entity e) {
            for (String t : e.types()) {
                Kind k =
                        switch (Terms.local(t)) {
                            case "AirQualityObserved" -> AIR;
                            case "WaterQualityObserved" -> WATER;
                            case "TrafficFlowObserved" -> DETECTOR;
                            case "WaterMeter" -> WATER_METER;
                            case "Streetlight" -> LAMP;
                            case "EnergyMeter" -> METER;
                            case "StreetlightControlCabinet" -> CABINET;
                            default -> OTHER;
                        };
                if (k != OTHER) {
                    return k;
                }
            }
            return OTHER;
        }
    }

    /** The relationships that place a thing in a district. */
    static final class Refs {
        @Nullable
        String district;

        @Nullable
        String dma;

        @Nullable
        String cabinet;

        @Nullable
        String group;

        void read(String local, Attribute a) {
            String o = Terms.object(a);
            if (o == null) {
                return;
            }
            switch (local) {
                case "refDistrict" -> district = o;
                case "refDistrictMeteredArea" -> dma = o;
                case "refStreetlightControlCabinet" -> cabinet = o;
                case "refStreetlightGroup" -> group = o;
                default -> {}
            }
        }
    }

    static final class Air {
        final Refs refs = new Refs();
        final Map<Pollutant, HourlySeries> series = new EnumMap<>(Pollutant.class);
        final Map<Pollutant, Instant> lastAt = new EnumMap<>(Pollutant.class);
        Instant newest = Instant.MIN;
        int aqi = -1;
        String category = "";
    }

    record WaterTest(Instant at, String variable, double value) {}

    static final class Water {
        final Refs refs = new Refs();
        final ArrayDeque<WaterTest> tests = new ArrayDeque<>();
        final Map<String, Double> latest = new TreeMap<>();
        final Map<String, Instant> lastAt = new HashMap<>();
        Instant newest = Instant.MIN;
        double wqi = Double.NaN;
    }

    record Sample(Instant at, double occupancyPct) {}

    /** Occupancy samples kept per detector: the pairing needs t and t-2, plus readings waiting for the other one. */
    static final int SAMPLES = 16;

    static final class Detector {
        final Refs refs = new Refs();

        @Nullable
        String road;

        @Nullable
        String downstream;

        final ArrayDeque<Sample> samples = new ArrayDeque<>(SAMPLES);
        Instant evaluatedUpTo = Instant.MIN;

        @Nullable
        IncidentDetector incident;

        Instant lastAt = Instant.MIN;
        double tti = Double.NaN;
        double lengthM = Double.NaN;
    }

    static final class FlowMeter {
        final NightFlow.Meter night;

        @Nullable
        String dma;

        Instant lastAt = Instant.MIN;

        FlowMeter(NightFlow.Meter night) {
            this.night = night;
        }
    }

    static final class Lamp {
        final Refs refs = new Refs();
        boolean on;
        boolean statusFailed;
        boolean powerFailed;
        double powerW = Double.NaN;
        double ratedW = Double.NaN;
        double dimming = Double.NaN;

        boolean failed() {
            return statusFailed || powerFailed;
        }
    }

    static final class Meter {
        final Refs refs = new Refs();
        final EnergyToday energy;

        Meter(EnergyToday energy) {
            this.energy = energy;
        }
    }

    /** Derived attributes to write, by entity. */
    static final class Writes {
        final Map<TenantId, Map<EntityId, Entity>> byTenant = new LinkedHashMap<>();

        void put(TenantId tenant, Entity target, String name, Attribute a) {
            if (Terms.same(target.attribute(name).orElse(null), a)) {
                return;
            }
            add(tenant, target, name, a);
        }

        /** Like {@link #put}, but a new observation (another observedAt) is written even with the same value. */
        void putObservation(TenantId tenant, Entity target, String name, Attribute a) {
            Attribute current = target.attribute(name).orElse(null);
            if (current != null && current.sameContentAs(a)) {
                return;
            }
            add(tenant, target, name, a);
        }

        private void add(TenantId tenant, Entity target, String name, Attribute a) {
            byTenant.computeIfAbsent(tenant, t -> new LinkedHashMap<>())
                    .merge(
                            target.id(),
                            new Entity(target.id(), target.types(), Map.of(name, List.of(a)), null, null),
                            (old, add) -> old.withAttribute(name, List.of(a)));
        }

        boolean isEmpty() {
            return byTenant.isEmpty();
        }

        int size() {
            int n = 0;
            for (Map<EntityId, Entity> m : byTenant.values()) {
                n += m.size();
            }
            return n;
        }
    }

    // ------------------------------------------------------------------------------------------------ updates

    /** Forgets a deleted entity. */
    void remove(String id) {
        Detector gone = detectors.get(id);
        if (gone != null && gone.downstream != null) {
            upstreamOf.getOrDefault(gone.downstream, new java.util.HashSet<>()).remove(id);
        }
        air.remove(id);
        water.remove(id);
        detectors.remove(id);
        flowMeters.remove(id);
        dmas.remove(id);
        lamps.remove(id);
        meters.remove(id);
    }

    /**
     * Folds one version of an entity into the state.
     *
     * @param changed the expanded names of the attributes that changed (null: all of them, a rebuild)
     * @param at the event's time (observedAt fallback)
     */
    void update(Entity e, @Nullable Set<String> changed, Instant at, Twin twin, Writes out) {
        switch (Kind.of(e)) {
            case AIR -> air(e, changed, at, out);
            case WATER -> water(e, changed, at, out);
            case DETECTOR -> detector(e, changed, at, twin, out);
            case WATER_METER -> waterMeter(e, changed, at, twin, out);
            case LAMP -> lamp(e, changed);
            case METER, CABINET -> meter(e, changed, at, out);
            case OTHER -> {}
        }
    }

    private static boolean touched(@Nullable Set<String> changed, String name) {
        return changed == null || changed.contains(name);
    }

    private void air(Entity e, @Nullable Set<String> changed, Instant at, Writes out) {
        Air s = air.computeIfAbsent(e.id().value(), k -> new Air());
        boolean added = false;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            Attribute inst = a.getValue().get(0);
            s.refs.read(local, inst);
            if (!touched(changed, a.getKey())) {
                continue;
            }
            Optional<Pollutant> p = Pollutant.ofTerm(local);
            if (p.isEmpty()) {
                continue;
            }
            double v = Terms.number(inst);
            Instant t = Terms.observed(inst, at);
            Instant last = s.lastAt.get(p.get());
            if (Double.isNaN(v) || (last != null && !t.isAfter(last))) {
                continue;
            }
            Optional<Double> c = p.get().canonical(v, Terms.unit(inst));
            if (c.isEmpty()) {
                continue;
            }
            s.series.computeIfAbsent(p.get(), k -> new HourlySeries()).add(t, c.get());
            s.lastAt.put(p.get(), t);
            if (t.isAfter(s.newest)) {
                s.newest = t;
            }
            added = true;
        }
        if (!added) {
            return;
        }
        Optional<StationAqi.Result> r = StationAqi.compute(s.series, options.hazardous());
        if (r.isPresent()) {
            StationAqi.Result res = r.get();
            s.aqi = res.aqi();
            s.category = res.category().label();
            Map<String, Object> subs = new LinkedHashMap<>();
            subs.put(Terms.CATEGORY, res.category().label());
            subs.put(Terms.DOMINANT_POLLUTANT, res.dominant().term());
            if (res.provisional()) {
                subs.put(Terms.PROVISIONAL, true);
            }
            out.put(tenant, e, Terms.AIR_QUALITY_INDEX, Terms.property((long) res.aqi(), s.newest, null, subs));
        }
        EuropeanAqi.compute(s.series)
                .ifPresent(level -> out.put(
                        tenant,
                        e,
                        Terms.EUROPEAN_AQI,
                        Terms.property((long) level, s.newest, null, Map.of(Terms.CATEGORY, EuropeanAqi.name(level)))));
    }

    private void water(Entity e, @Nullable Set<String> changed, Instant at, Writes out) {
        Water s = water.computeIfAbsent(e.id().value(), k -> new Water());
        boolean added = false;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            Attribute inst = a.getValue().get(0);
            s.refs.read(local, inst);
            if (!touched(changed, a.getKey())) {
                continue;
            }
            Optional<Objective> o = options.limits().objective(local);
            double v = Terms.number(inst);
            if (o.isEmpty() || Double.isNaN(v)) {
                continue;
            }
            String variable = o.get().variable();
            Instant t = Terms.observed(inst, at);
            Instant last = s.lastAt.get(variable);
            if (last != null && !t.isAfter(last)) {
                continue;
            }
            s.lastAt.put(variable, t);
            s.latest.put(variable, v);
            s.tests.addLast(new WaterTest(t, variable, v));
            if (t.isAfter(s.newest)) {
                s.newest = t;
            }
            added = true;
        }
        if (!added) {
            return;
        }
        Instant from = s.newest.minus(options.waterWindow());
        s.tests.removeIf(x -> x.at().isBefore(from));
        while (s.tests.size() > 5_000) {
            s.tests.pollFirst();
        }
        List<CcmeWqi.Test> tests = new ArrayList<>(s.tests.size());
        for (WaterTest x : s.tests) {
            tests.add(new CcmeWqi.Test(x.variable(), x.value()));
        }
        Optional<CcmeWqi.Result> r = CcmeWqi.compute(options.limits().objectives(), tests);
        if (r.isPresent()) {
            double wqi = Terms.round(r.get().wqi(), 1);
            s.wqi = wqi;
            out.put(
                    tenant,
                    e,
                    Terms.WATER_QUALITY_INDEX,
                    Terms.property(
                            wqi, s.newest, null, Map.of(Terms.CATEGORY, r.get().category(), Terms.TESTS, (long)
                                    r.get().tests())));
        }
        out.put(
                tenant,
                e,
                Terms.LIMIT_EXCEEDANCES,
                Terms.property(options.limits().exceeded(s.latest), s.newest, null, Map.of()));
    }

    private void detector(Entity e, @Nullable Set<String> changed, Instant at, Twin twin, Writes out) {
        Detector s = detectors.computeIfAbsent(e.id().value(), k -> new Detector());
        double occupancy = Double.NaN;
        double speed = Double.NaN;
        double flow = Double.NaN;
        double ownFreeFlow = Double.NaN;
        Instant observed = null;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            Attribute inst = a.getValue().get(0);
            s.refs.read(local, inst);
            switch (local) {
                case "refRoadSegment" -> s.road = Terms.object(inst);
                case "refDownstream" -> {
                    String down = Terms.object(inst);
                    if (down != null && !down.equals(s.downstream)) {
                        if (s.downstream != null) {
                            upstreamOf
                                    .getOrDefault(s.downstream, new java.util.HashSet<>())
                                    .remove(e.id().value());
                        }
                        upstreamOf
                                .computeIfAbsent(down, k -> new java.util.HashSet<>())
                                .add(e.id().value());
                    }
                    s.downstream = down;
                }
                case "freeFlowSpeed" -> ownFreeFlow = Terms.number(inst);
                default -> {}
            }
            if (!touched(changed, a.getKey())) {
                continue;
            }
            switch (local) {
                case "occupancy" -> {
                    occupancy = Terms.number(inst);
                    if (Terms.unit(inst).equals("P1")) {
                        occupancy /= 100; // percent
                    }
                    observed = Terms.observed(inst, at);
                }
                case "averageVehicleSpeed" -> {
                    speed = Terms.number(inst);
                    if (Terms.unit(inst).equals("MTS")) {
                        speed *= 3.6; // m/s
                    }
                    observed = observed == null ? Terms.observed(inst, at) : observed;
                }
                case "intensity" -> flow = Terms.number(inst);
                default -> {}
            }
        }
        if (observed == null || !observed.isAfter(s.lastAt)) {
            return;
        }
        Instant t = observed;
        s.lastAt = t;
        Road road = road(twin, s.road);
        s.lengthM = road.lengthM;
        double freeFlow = ownFreeFlow > 0 ? ownFreeFlow : road.freeFlowKmh;
        if (!Double.isNaN(speed)) {
            Optional<Double> ratio = TravelTime.speedRatio(speed, freeFlow);
            if (ratio.isPresent()) {
                s.tti = TravelTime.segmentIndex(speed, freeFlow, 10);
                out.put(tenant, e, Terms.SPEED_RATIO, Terms.property(Terms.round(ratio.get(), 2), t, null, Map.of()));
            }
        }
        Optional<Double> density = !Double.isNaN(occupancy)
                ? Optional.of(LevelOfService.densityFromOccupancy(occupancy, options.vehicleLengthM()))
                : LevelOfService.densityFromFlow(flow, speed, road.lanes);
        density.ifPresent(k -> out.put(
                tenant, e, Terms.LEVEL_OF_SERVICE, Terms.property(LevelOfService.ofDensity(k), t, null, Map.of())));
        if (!Double.isNaN(occupancy)) {
            if (s.samples.size() == SAMPLES) {
                s.samples.pollFirst();
            }
            s.samples.addLast(new Sample(t, occupancy * 100));
            String id = e.id().value();
            incident(id, s, e, twin, out); // this detector as the upstream one of its pair
            for (String up : upstreamOf.getOrDefault(id, Set.of())) {
                incident(up, detectors.get(up), null, twin, out); // and as the downstream one of others
            }
        }
    }

    /*
     * Pairing the readings of a detector i and its downstream detector i+1 (California #8 steps once per interval):
     * each reading of i at time t is evaluated once, with OCC(i+1, t) = the newest reading of i+1 at or before
     * t + 30 s (with one-minute detectors exactly one reading of i+1 lies within 30 s of t) and OCC(i+1, t-2) = the
     * reading of i+1 two before that one (at most 5 minutes earlier). A reading of i waits until i+1 has reported at
     * or after t - 30 s, so the pairing does not depend on the order in which the two detectors' messages arrive
     * (real time, or a backfill that sends each device's readings of a span together).
     */
    /** Steps the California #8 machine of (upstream, its downstream) over the upstream's unevaluated readings. */
    private void incident(String upId, @Nullable Detector u, @Nullable Entity upEntity, Twin twin, Writes out) {
        if (u == null || u.downstream == null) {
            return;
        }
        Detector d = detectors.get(u.downstream);
        if (d == null || d.samples.isEmpty()) {
            return;
        }
        Sample[] ds = d.samples.toArray(new Sample[0]);
        Instant downNewest = ds[ds.length - 1].at();
        Boolean result = null;
        Instant at = null;
        for (Sample s : u.samples) {
            if (!s.at().isAfter(u.evaluatedUpTo)) {
                continue;
            }
            if (downNewest.isBefore(s.at().minusSeconds(30))) {
                break; // wait for the downstream detector's reading of this interval
            }
            u.evaluatedUpTo = s.at();
            int k = ds.length - 1;
            while (k >= 0 && ds[k].at().isAfter(s.at().plusSeconds(30))) {
                k--;
            }
            if (k < 2
                    || ds[k].at().isBefore(s.at().minusSeconds(90))
                    || java.time.Duration.between(ds[k - 2].at(), ds[k].at()).toSeconds() > 300) {
                continue;
            }
            if (u.incident == null) {
                u.incident = new IncidentDetector(options.incidents());
            }
            result = u.incident.step(s.occupancyPct(), ds[k].occupancyPct(), ds[k - 2].occupancyPct());
            at = s.at();
        }
        if (result == null) {
            return;
        }
        Entity target = upEntity != null ? upEntity : find(twin, upId).orElse(null);
        if (target != null) {
            out.put(tenant, target, Terms.INCIDENT_DETECTED, Terms.property(result, at, null, Map.of()));
        }
    }

    record Road(double lengthM, double freeFlowKmh, int lanes) {}

    private Road road(Twin twin, @Nullable String id) {
        if (id == null || !EntityId.isValid(id)) {
            return new Road(Double.NaN, Double.NaN, 1);
        }
        return find(twin, id).map(TenantKpis::road).orElse(new Road(Double.NaN, Double.NaN, 1));
    }

    private Optional<Entity> find(Twin twin, String id) {
        return twin.find(tenant, EntityId.of(id));
    }

    private static Road road(Entity r) {
        double length = Double.NaN;
        double limit = Double.NaN;
        double freeFlow = Double.NaN;
        int lanes = 1;
        for (Map.Entry<String, List<Attribute>> a : r.attributes().entrySet()) {
            Attribute inst = a.getValue().get(0);
            switch (Terms.local(a.getKey())) {
                case "length" -> {
                    length = Terms.number(inst);
                    if (Terms.unit(inst).equals("KMT")) {
                        length *= 1000;
                    }
                }
                case "maximumAllowedSpeed" -> limit = Terms.number(inst);
                case "freeFlowSpeed" -> freeFlow = Terms.number(inst);
                case "totalLaneNumber" -> lanes = Math.max(1, (int) Terms.number(inst));
                default -> {}
            }
        }
        return new Road(length, freeFlow > 0 ? freeFlow : limit, lanes);
    }

    private void waterMeter(Entity e, @Nullable Set<String> changed, Instant at, Twin twin, Writes out) {
        Attribute flowAttr = null;
        String dma = null;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            if (local.equals("refDistrictMeteredArea")) {
                dma = Terms.object(a.getValue().get(0));
            } else if (local.equals("flow") && touched(changed, a.getKey())) {
                flowAttr = a.getValue().get(0);
            }
        }
        if (flowAttr == null) {
            FlowMeter m = flowMeters.get(e.id().value());
            if (m != null) {
                m.dma = dma;
            }
            return;
        }
        FlowMeter m =
                flowMeters.computeIfAbsent(e.id().value(), k -> new FlowMeter(new NightFlow.Meter(options.zone())));
        m.dma = dma;
        double v = Terms.number(flowAttr);
        if (Terms.unit(flowAttr).equals("MQS")) {
            v *= 3600;
        }
        Instant t = Terms.observed(flowAttr, at);
        if (Double.isNaN(v) || !t.isAfter(m.lastAt)) {
            return;
        }
        m.lastAt = t;
        m.night.add(t, v).ifPresent(n -> night(e.id().value(), m, n, twin, out));
    }

    private void night(String meterId, FlowMeter m, NightFlow.Night n, Twin twin, Writes out) {
        if (m.dma == null) {
            return;
        }
        NightFlow.Baseline b = dmas.computeIfAbsent(m.dma, k -> new NightFlow.Baseline());
        b.put(n.date(), meterId, n.mnf());
        writeDma(m.dma, b, n.end(), twin, out);
    }

    /** Writes a DMA's newest night and ratio. */
    private void writeDma(String dmaId, NightFlow.Baseline b, Instant end, Twin twin, Writes out) {
        Optional<Entity> dma = EntityId.isValid(dmaId) ? find(twin, dmaId) : Optional.empty();
        Optional<Map.Entry<LocalDate, Double>> last = b.last();
        if (dma.isEmpty() || last.isEmpty()) {
            return;
        }
        out.putObservation(
                tenant,
                dma.get(),
                Terms.MINIMUM_NIGHT_FLOW,
                Terms.property(Terms.round(last.get().getValue(), 3), end, "MQH", Map.of()));
        b.ratio()
                .ifPresent(r -> out.putObservation(
                        tenant,
                        dma.get(),
                        Terms.NIGHT_FLOW_RATIO,
                        Terms.property(Terms.round(r, 2), end, null, Map.of(Terms.BASELINE_NIGHTS, (long)
                                b.baselineNights(last.get().getKey())))));
    }

    /** Closes the nights of silent flow meters (the clock passed 04:00). */
    void closeNights(Instant now, Twin twin, Writes out) {
        for (Map.Entry<String, FlowMeter> m : flowMeters.entrySet()) {
            m.getValue().night.closeIfDue(now).ifPresent(n -> night(m.getKey(), m.getValue(), n, twin, out));
        }
    }

    /** Restores a DMA's past night (from its minimumNightFlow history). */
    void restoreNight(String dmaId, LocalDate date, double mnf) {
        dmas.computeIfAbsent(dmaId, k -> new NightFlow.Baseline()).restore(date, mnf);
    }

    private void lamp(Entity e, @Nullable Set<String> changed) {
        Lamp s = lamps.computeIfAbsent(e.id().value(), k -> new Lamp());
        boolean reading = false;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            Attribute inst = a.getValue().get(0);
            s.refs.read(local, inst);
            switch (local) {
                case "powerState" -> {
                    s.on = LampHealth.isOn(inst.value());
                    reading |= touched(changed, a.getKey());
                }
                case "powerConsumption" -> {
                    s.powerW = Terms.number(inst) * (Terms.unit(inst).equals("KWT") ? 1000 : 1);
                    reading |= touched(changed, a.getKey());
                }
                case "illuminanceLevel" -> {
                    double d = Terms.number(inst);
                    s.dimming = d > 1 ? d / 100 : d; // a percentage
                }
                case "ratedPower" ->
                    s.ratedW = Terms.number(inst) * (Terms.unit(inst).equals("KWT") ? 1000 : 1);
                case "status" -> s.statusFailed = inst.value() instanceof String st && LampHealth.failedStatus(st);
                default -> {}
            }
        }
        if (reading && s.on) {
            LampHealth.powerFailed(s.powerW, s.ratedW, s.dimming).ifPresent(f -> s.powerFailed = f);
        }
    }

    private void meter(Entity e, @Nullable Set<String> changed, Instant at, Writes out) {
        Meter s = meters.computeIfAbsent(
                e.id().value(), k -> new Meter(new EnergyToday(options.zone(), options.maxEnergyGap())));
        Attribute power = null;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            String local = Terms.local(a.getKey());
            Attribute inst = a.getValue().get(0);
            s.refs.read(local, inst);
            if (local.equals("activePower") && touched(changed, a.getKey())) {
                power = inst;
            }
        }
        if (power == null) {
            return;
        }
        double kw = Terms.number(power) / (Terms.unit(power).equals("WTT") ? 1000 : 1);
        Instant t = Terms.observed(power, at);
        if (Double.isNaN(kw) || !s.energy.add(t, kw)) {
            return;
        }
        out.put(tenant, e, Terms.ENERGY_TODAY, Terms.property(Terms.round(s.energy.kwh(), 3), t, "KWH", Map.of()));
    }

    /** Restores a meter's integral of {@code day} up to its last reading (from its energyToday and activePower). */
    void restoreEnergy(Entity e, LocalDate day, double kwh, Instant at, double kw) {
        Meter s = meters.computeIfAbsent(
                e.id().value(), k -> new Meter(new EnergyToday(options.zone(), options.maxEnergyGap())));
        s.energy.restore(day, kwh, at, kw);
    }

    // ------------------------------------------------------------------------------------------------ roll-up

    /** Sums of one area (a district or the city). */
    static final class Agg {
        int aqi = -1;
        String category = "";
        double wqi = Double.NaN;
        final TravelTime.Aggregate tti = new TravelTime.Aggregate();
        boolean lampsKnown;
        long lampsOn;
        long lampsFailed;
        boolean energyKnown;
        double energy;

        void air(Air a) {
            if (a.aqi > aqi) {
                aqi = a.aqi;
                category = a.category;
            }
        }

        Map<String, Object> values() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (aqi >= 0) {
                m.put("airQualityIndex", (long) aqi);
                m.put("airQualityCategory", category);
            }
            if (!Double.isNaN(wqi)) {
                m.put("waterQualityIndex", wqi);
            }
            tti.value().ifPresent(v -> m.put("trafficIndex", Terms.round(v, 2)));
            if (lampsKnown) {
                m.put("lampsFailed", lampsFailed);
                m.put("lampsOn", lampsOn);
            }
            if (energyKnown) {
                m.put("energyToday", Terms.round(energy, 3));
            }
            return m;
        }
    }

    /**
     * The KPIs of every District of the tenant and of the whole city at {@code now}.
     *
     * @param districtIds the District entities (id to name)
     */
    KpiSnapshot rollUp(Instant now, Twin twin, Map<String, String> districtIds) {
        Map<String, Agg> by = new TreeMap<>();
        for (String d : districtIds.keySet()) {
            by.put(d, new Agg());
        }
        Agg city = new Agg();
        Map<String, Optional<String>> parents = new HashMap<>();
        Instant fresh = now.minus(options.staleAfter());
        LocalDate today = now.atZone(options.zone()).toLocalDate();
        for (Air a : air.values()) {
            if (a.aqi >= 0 && !a.newest.isBefore(fresh)) {
                city.air(a);
                agg(by, district(a.refs, twin, parents)).ifPresent(g -> g.air(a));
            }
        }
        for (Water w : water.values()) {
            if (!Double.isNaN(w.wqi) && !w.newest.isBefore(fresh)) {
                city.wqi = Double.isNaN(city.wqi) ? w.wqi : Math.min(city.wqi, w.wqi);
                agg(by, district(w.refs, twin, parents))
                        .ifPresent(g -> g.wqi = Double.isNaN(g.wqi) ? w.wqi : Math.min(g.wqi, w.wqi));
            }
        }
        for (Detector d : detectors.values()) {
            if (!Double.isNaN(d.tti) && !d.lastAt.isBefore(fresh)) {
                city.tti.add(d.tti, d.lengthM);
                agg(by, district(d.refs, twin, parents)).ifPresent(g -> g.tti.add(d.tti, d.lengthM));
            }
        }
        for (Lamp l : lamps.values()) {
            long on = l.on && !l.failed() ? 1 : 0;
            long failed = l.failed() ? 1 : 0;
            city.lampsKnown = true;
            city.lampsOn += on;
            city.lampsFailed += failed;
            agg(by, district(l.refs, twin, parents)).ifPresent(g -> {
                g.lampsKnown = true;
                g.lampsOn += on;
                g.lampsFailed += failed;
            });
        }
        for (Meter m : meters.values()) {
            if (m.energy.day().isEmpty()) {
                continue;
            }
            double kwh = m.energy.kwhOn(today);
            city.energyKnown = true;
            city.energy += kwh;
            agg(by, district(m.refs, twin, parents)).ifPresent(g -> {
                g.energyKnown = true;
                g.energy += kwh;
            });
        }
        List<KpiSnapshot.District> out = new ArrayList<>();
        for (Map.Entry<String, Agg> e : by.entrySet()) {
            out.add(new KpiSnapshot.District(
                    e.getKey(), districtIds.get(e.getKey()), e.getValue().values()));
        }
        return new KpiSnapshot(now, city.values(), out);
    }

    private static Optional<Agg> agg(Map<String, Agg> by, Optional<String> district) {
        return district.map(by::get);
    }

    /** The district of a thing: its refDistrict, else its DMA's, cabinet's or lamp group's (via its cabinet). */
    private Optional<String> district(Refs r, Twin twin, Map<String, Optional<String>> parents) {
        if (r.district != null) {
            return Optional.of(r.district);
        }
        for (String parent : new String[] {r.dma, r.cabinet, r.group}) {
            if (parent != null) {
                Optional<String> d = parents.computeIfAbsent(parent, p -> parentDistrict(p, twin, 3));
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> parentDistrict(String id, Twin twin, int depth) {
        if (depth == 0 || !EntityId.isValid(id)) {
            return Optional.empty();
        }
        Optional<Entity> e = twin.find(tenant, EntityId.of(id));
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Refs r = new Refs();
        for (Map.Entry<String, List<Attribute>> a : e.get().attributes().entrySet()) {
            r.read(Terms.local(a.getKey()), a.getValue().get(0));
        }
        if (r.district != null) {
            return Optional.of(r.district);
        }
        return r.cabinet != null ? parentDistrict(r.cabinet, twin, depth - 1) : Optional.empty();
    }

    /** Rough counts for logs: things tracked. */
    int tracked() {
        return air.size() + water.size() + detectors.size() + flowMeters.size() + lamps.size() + meters.size();
    }
}
