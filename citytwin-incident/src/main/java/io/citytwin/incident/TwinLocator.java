package io.citytwin.incident;

import io.citytwin.twin.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Port: what the twin knows about a place. The lead implements it over the twin (districts' polygons, entities'
 * locations, open alarms); {@link #NONE} knows nothing.
 */
public interface TwinLocator {
    /** Knows nothing: no district, no entities. */
    TwinLocator NONE = new TwinLocator() {
        @Override
        public Optional<String> district(TenantId tenant, GeoPoint point) {
            return Optional.empty();
        }

        @Override
        public List<NearbyEntity> near(TenantId tenant, Category category, GeoPoint point, double radiusMeters) {
            return List.of();
        }

        @Override
        public Optional<Located> entity(TenantId tenant, String entityId) {
            return Optional.empty();
        }
    };

    /** The id of the district that contains {@code point}, if any. */
    Optional<String> district(TenantId tenant, GeoPoint point);

    /**
     * The entities of the types that {@code category} concerns (streetlight: street lights and their cabinets;
     * water: pipes, valves, water-quality sensors; ...) within {@code radiusMeters} of {@code point}, nearest first,
     * each with its open alarms. The service prefers an entity with an open alarm of the category's domain (a report
     * "lamp out near the school" links to the failed lamp), else the nearest.
     */
    List<NearbyEntity> near(TenantId tenant, Category category, GeoPoint point, double radiusMeters);

    /** Where an entity is and its district (an operator created an incident about an entity). */
    Optional<Located> entity(TenantId tenant, String entityId);

    /**
     * An entity near a point.
     *
     * @param id the entity id
     * @param type its type (short name)
     * @param distanceMeters how far from the point
     * @param openAlarmTypes the types of its open alarms ({@code lighting.lamp-failure}), empty when none
     * @param openAlarmIds the ids of its open alarms, in the same order
     */
    record NearbyEntity(
            String id, String type, double distanceMeters, List<String> openAlarmTypes, List<String> openAlarmIds) {
        public NearbyEntity {
            openAlarmTypes = List.copyOf(openAlarmTypes);
            openAlarmIds = List.copyOf(openAlarmIds);
        }
    }

    /**
     * Where an entity is.
     *
     * @param location its location (a point; the centroid for other geometries), if it has one
     * @param district its district id, if known
     */
    record Located(Optional<GeoPoint> location, Optional<String> district) {}
}
