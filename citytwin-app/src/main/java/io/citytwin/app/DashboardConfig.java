package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.citytwin.dashboard.DashboardOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code dashboard} section of the configuration (docs/configuration.md, docs/dashboard.md).
 *
 * @param enabled whether the node serves the dashboard at {@code /} (default true)
 * @param tiles an online tile URL template, e.g. {@code https://tile.openstreetmap.org/{z}/{x}/{y}.png}; default none:
 *     the map is drawn from the twin's own geometry and works offline
 * @param tilesAttribution the attribution shown with the tiles
 * @param pointZoom the Leaflet zoom from which the map shows individual entities (default 16)
 * @param maxPoints the most points per answer or live update (default 5,000)
 * @param maxCells the most H3 cells per answer (default 3,000)
 * @param flush the shortest interval between two live point updates to one page (default PT0.5S)
 * @param cellFlush the shortest interval between two live cell updates to one page (default PT2S)
 * @param maxEvents the most alarm and incident events one page gets per flush after merging repeats of one id; beyond
 *     it the page gets one {@code reload} event and re-reads the lists (default 100)
 */
public record DashboardConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("tiles") @Nullable String tiles,
        @JsonProperty("tilesAttribution") @Nullable String tilesAttribution,
        @JsonProperty("pointZoom") Integer pointZoom,
        @JsonProperty("maxPoints") Integer maxPoints,
        @JsonProperty("maxCells") Integer maxCells,
        @JsonProperty("flush") Duration flush,
        @JsonProperty("cellFlush") Duration cellFlush,
        @JsonProperty("maxEvents") Integer maxEvents) {
    static final DashboardConfig DEFAULTS = new DashboardConfig(null, null, null, null, null, null, null, null, null);

    public DashboardConfig {
        DashboardOptions d = DashboardOptions.defaults();
        enabled = enabled == null ? Boolean.TRUE : enabled;
        pointZoom = pointZoom == null ? d.pointZoom() : pointZoom;
        maxPoints = maxPoints == null ? d.maxPoints() : maxPoints;
        maxCells = maxCells == null ? d.maxCells() : maxCells;
        flush = flush == null ? d.flush() : flush;
        cellFlush = cellFlush == null ? d.cellFlush() : cellFlush;
        maxEvents = maxEvents == null ? d.maxEvents() : maxEvents;
        // validates (fields are assigned only after the compact constructor, so from the parameters)
        DashboardOptions.defaults()
                .withTiles(tiles, tilesAttribution == null ? "" : tilesAttribution)
                .withLimits(pointZoom, maxPoints, maxCells)
                .withFlush(flush, cellFlush)
                .withMaxEvents(maxEvents);
    }

    /** The dashboard's options. */
    DashboardOptions options() {
        return DashboardOptions.defaults()
                .withTiles(tiles, tilesAttribution == null ? "" : tilesAttribution)
                .withLimits(pointZoom, maxPoints, maxCells)
                .withFlush(flush, cellFlush)
                .withMaxEvents(maxEvents);
    }

    /** These settings with other throttling intervals (tests). */
    DashboardConfig withFlush(Duration points, Duration cells) {
        return new DashboardConfig(
                enabled, tiles, tilesAttribution, pointZoom, maxPoints, maxCells, points, cells, maxEvents);
    }

    /** These settings with the dashboard on or off. */
    DashboardConfig withEnabled(boolean on) {
        return new DashboardConfig(
                on, tiles, tilesAttribution, pointZoom, maxPoints, maxCells, flush, cellFlush, maxEvents);
    }
}
