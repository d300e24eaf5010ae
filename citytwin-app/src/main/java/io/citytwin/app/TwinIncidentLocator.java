package io.citytwin.app;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmQuery;
import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.AlarmState;
import io.citytwin.incident.Category;
import io.citytwin.incident.GeoPoint;
import io.citytwin.incident.TwinLocator;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.EntityQuery;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TypeSelector;
import io.citytwin.twin.geo.GeoJson;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.geo.Georel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident service's view of the twin ({@link TwinLocator}): the district whose polygon contains a point, the
 * entities of a category's types near a point with their open alarms, and where an entity is. Geo-queries on the
 * twin's spatial index (NGSI-LD {@code near;maxDistance} and {@code contains} semantics); types in the default
 * vocabulary, as the simulated city and the Smart Data Models short names use them. Thread-safe (the twin is).
 */
final class TwinIncidentLocator implements TwinLocator {
    private static final Logger LOG = LoggerFactory.getLogger(TwinIncidentLocator.class);

    /** The entity types a category concerns (the simulated city's types; contract A categories). */
    static final Map<Category, List<String>> TYPES = Map.of(
            Category.STREETLIGHT, List.of("Streetlight", "StreetlightGroup", "StreetlightControlCabinet"),
            Category.TRAFFIC, List.of("TrafficFlowObserved", "RoadSegment", "Intersection"),
            Category.WATER, List.of("WaterQualityObserved", "WaterMeter", "DistrictMeteredArea"),
            Category.AIR, List.of("AirQualityObserved"),
            Category.NOISE, List.of("NoiseLevelObserved", "AirQualityObserved"),
            Category.ROAD, List.of("RoadSegment"),
            Category.WASTE, List.of("WasteContainer"));

    private final Twin twin;
    private final @Nullable AlarmService alarms;

    TwinIncidentLocator(Twin twin, @Nullable AlarmService alarms) {
        this.twin = twin;
        this.alarms = alarms;
    }

    private static String expand(String type) {
        return Ngsi.DEFAULT_VOCAB + type;
    }

    private static Point point(GeoPoint p) {
        return GeoJson.FACTORY.createPoint(new Coordinate(p.lon(), p.lat()));
    }

    @Override
    public Optional<String> district(TenantId tenant, GeoPoint at) {
        EntityQuery q = new EntityQuery(
                List.of(),
                null,
                new TypeSelector.Name(expand("District")),
                Set.of(),
                null,
                new GeoQuery(Georel.Relation.CONTAINS, point(at), Ngsi.LOCATION),
                0,
                1,
                false);
        try {
            return twin.query(tenant, q).entities().stream().findFirst().map(e -> e.id().value());
        } catch (TwinException e) {
            LOG.warn("Cannot find the district of {}: {}", at, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public List<NearbyEntity> near(TenantId tenant, Category category, GeoPoint at, double radiusMeters) {
        List<String> types = TYPES.get(category);
        if (types == null) {
            return List.of();
        }
        List<TypeSelector> names = new ArrayList<>();
        types.forEach(t -> names.add(new TypeSelector.Name(expand(t))));
        Point p = point(at);
        EntityQuery q = new EntityQuery(
                List.of(),
                null,
                names.size() == 1 ? names.get(0) : new TypeSelector.AnyOf(names),
                Set.of(),
                null,
                new GeoQuery(Georel.Near.max(radiusMeters), p, Ngsi.LOCATION),
                0,
                50,
                false);
        List<Entity> found;
        try {
            found = twin.query(tenant, q).entities();
        } catch (TwinException e) {
            LOG.warn("Cannot find the entities near {}: {}", at, e.getMessage());
            return List.of();
        }
        List<NearbyEntity> out = new ArrayList<>(found.size());
        for (Entity e : found) {
            Geometry g = location(e);
            double d = g == null ? radiusMeters : io.citytwin.twin.geo.Geodesy.distance(p, g);
            List<String> alarmTypes = new ArrayList<>();
            List<String> alarmIds = new ArrayList<>();
            if (alarms != null) {
                AlarmQuery open = new AlarmQuery(
                        EnumSet.of(AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED),
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        e.id().value(),
                        null,
                        null,
                        20,
                        0);
                for (Alarm a : alarms.query(tenant, open).alarms()) {
                    alarmTypes.add(a.type());
                    alarmIds.add(a.id());
                }
            }
            out.add(new NearbyEntity(e.id().value(), shortType(e), d, alarmTypes, alarmIds));
        }
        out.sort(Comparator.comparingDouble(NearbyEntity::distanceMeters));
        return out;
    }

    @Override
    public Optional<Located> entity(TenantId tenant, String entityId) {
        Optional<Entity> e;
        try {
            e = twin.find(tenant, EntityId.of(entityId));
        } catch (TwinException ex) {
            return Optional.empty();
        }
        return e.map(x -> {
            Geometry g = location(x);
            Optional<GeoPoint> at = g == null
                    ? Optional.empty()
                    : Optional.of(
                            new GeoPoint(g.getCentroid().getX(), g.getCentroid().getY()));
            return new Located(at, district(x));
        });
    }

    private static @Nullable Geometry location(Entity e) {
        List<Attribute> loc = e.attributes().get(Ngsi.LOCATION);
        if (loc == null || loc.isEmpty() || !(loc.get(0).value() instanceof GeoValue gv)) {
            return null;
        }
        return gv.geometry();
    }

    private static Optional<String> district(Entity e) {
        List<Attribute> ref = e.attributes().get(Ngsi.DEFAULT_VOCAB + "refDistrict");
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        return ref.get(0).value() instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static String shortType(Entity e) {
        String t = e.types().isEmpty() ? "" : e.types().get(0);
        return t.startsWith(Ngsi.DEFAULT_VOCAB) ? t.substring(Ngsi.DEFAULT_VOCAB.length()) : t;
    }
}
