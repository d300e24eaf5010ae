package io.citytwin.dashboard;

import io.citytwin.twin.TenantId;
import java.util.Objects;

/**
 * One located entity as the map sees it: where it is, which layer it is on and its state.
 *
 * @param tenant the tenant of the entity
 * @param id the entity id
 * @param type the local name of its first type
 * @param layer the map layer
 * @param lon WGS84 longitude (the centroid for lines and areas)
 * @param lat WGS84 latitude
 * @param state the state shown, e.g. {@code on}, {@code failed}, {@code C}, {@code Moderate}, {@code unknown}
 * @param severity 0 unknown, 1 normal, 2 degraded, 3 bad: the colour scale and the "worst state" of a cell
 * @param cells the H3 cells containing the point at resolutions {@link MapIndex#MIN_RES}..{@link MapIndex#MAX_RES}
 */
public record Marker(
        TenantId tenant,
        String id,
        String type,
        MapLayer layer,
        double lon,
        double lat,
        String state,
        int severity,
        long[] cells) {

    public Marker {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(layer);
        Objects.requireNonNull(state);
        if (severity < 0 || severity > 3) {
            throw new IllegalArgumentException("severity must be 0..3, not " + severity);
        }
        cells = cells.clone();
    }

    /** The H3 cell at {@code res} (between {@link MapIndex#MIN_RES} and {@link MapIndex#MAX_RES}). */
    public long cell(int res) {
        return cells[res - MapIndex.MIN_RES];
    }

    /** Whether the point lies in the box (west, south, east, north), edges included. */
    public boolean within(double west, double south, double east, double north) {
        return lon >= west && lon <= east && lat >= south && lat <= north;
    }

    /** Same place and same state: a change the map need not be told about. */
    public boolean looksLike(Marker o) {
        return lon == o.lon && lat == o.lat && severity == o.severity && state.equals(o.state) && layer == o.layer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Marker m
                && tenant.equals(m.tenant)
                && id.equals(m.id)
                && type.equals(m.type)
                && layer == m.layer
                && lon == m.lon
                && lat == m.lat
                && state.equals(m.state)
                && severity == m.severity
                && java.util.Arrays.equals(cells, m.cells);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, id, state, severity, lon, lat);
    }

    @Override
    public String toString() {
        return "Marker[" + id + " " + layer.id() + " " + state + "/" + severity + " @" + lon + "," + lat + "]";
    }
}
