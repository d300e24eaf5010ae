package io.citytwin.dashboard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the dashboard (configuration keys {@code dashboard.*}, see docs/configuration.md).
 *
 * @param tiles an online tile layer URL template ({@code https://.../{z}/{x}/{y}.png}), or null for the offline map
 *     drawn from the twin's own geometry only (default)
 * @param tilesAttribution the attribution shown with the tile layer
 * @param pointZoom from this Leaflet zoom on the map receives individual points, below it H3 cells
 * @param maxPoints the most points one answer or one live update carries
 * @param maxCells the most cells one aggregation returns (coarser resolution beyond)
 * @param flush the shortest interval between two live point updates to one client (changes in between coalesce)
 * @param cellFlush the shortest interval between two live cell updates to one client
 * @param queueFrames the most frames queued for one client; a client that falls behind is told to resync
 * @param keepAlive how often an idle stream gets a comment, so proxies and the browser keep it open
 * @param maxEvents the most broadcast events (alarms, incidents) one client gets per {@code flush}, after coalescing
 *     per event name and id; beyond it the client gets one {@code reload} event naming the events to reload instead
 */
public record DashboardOptions(
        @Nullable String tiles,
        String tilesAttribution,
        int pointZoom,
        int maxPoints,
        int maxCells,
        Duration flush,
        Duration cellFlush,
        int queueFrames,
        Duration keepAlive,
        int maxEvents) {

    public DashboardOptions {
        Objects.requireNonNull(tilesAttribution);
        if (pointZoom < 0 || pointZoom > 22) {
            throw new IllegalArgumentException("dashboard.pointZoom must be 0..22, not " + pointZoom);
        }
        if (maxPoints < 1 || maxCells < 1 || queueFrames < 2 || maxEvents < 1) {
            throw new IllegalArgumentException("dashboard.maxPoints, maxCells must be positive, queueFrames >= 2");
        }
        if (flush.isNegative() || cellFlush.isNegative() || keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("dashboard intervals must not be negative; keepAlive positive");
        }
        if (tiles != null && tiles.isBlank()) {
            tiles = null;
        }
    }

    /**
     * The defaults: no tiles, points from zoom 16, 5,000 points, 3,000 cells, 500 ms / 2 s flush, 256 frames, 100
     * broadcast events per flush.
     */
    public static DashboardOptions defaults() {
        return new DashboardOptions(
                null,
                "",
                16,
                5_000,
                3_000,
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                256,
                Duration.ofSeconds(15),
                100);
    }

    public Optional<String> tileUrl() {
        return Optional.ofNullable(tiles);
    }

    public DashboardOptions withTiles(@Nullable String url, String attribution) {
        return new DashboardOptions(
                url, attribution, pointZoom, maxPoints, maxCells, flush, cellFlush, queueFrames, keepAlive, maxEvents);
    }

    public DashboardOptions withLimits(int pointZoom, int maxPoints, int maxCells) {
        return new DashboardOptions(
                tiles,
                tilesAttribution,
                pointZoom,
                maxPoints,
                maxCells,
                flush,
                cellFlush,
                queueFrames,
                keepAlive,
                maxEvents);
    }

    public DashboardOptions withFlush(Duration flush, Duration cellFlush) {
        return new DashboardOptions(
                tiles,
                tilesAttribution,
                pointZoom,
                maxPoints,
                maxCells,
                flush,
                cellFlush,
                queueFrames,
                keepAlive,
                maxEvents);
    }

    public DashboardOptions withQueue(int queueFrames, Duration keepAlive) {
        return new DashboardOptions(
                tiles,
                tilesAttribution,
                pointZoom,
                maxPoints,
                maxCells,
                flush,
                cellFlush,
                queueFrames,
                keepAlive,
                maxEvents);
    }

    public DashboardOptions withMaxEvents(int maxEvents) {
        return new DashboardOptions(
                tiles,
                tilesAttribution,
                pointZoom,
                maxPoints,
                maxCells,
                flush,
                cellFlush,
                queueFrames,
                keepAlive,
                maxEvents);
    }
}
