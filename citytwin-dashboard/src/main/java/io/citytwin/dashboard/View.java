package io.citytwin.dashboard;

import io.citytwin.twin.TwinException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one map shows: the box, the zoom and the layers. Parsed from the query parameters {@code bbox=west,south,
 * east,north}, {@code zoom=0..22} and {@code layers=lighting,air} (absent: every layer) of the map endpoints and the
 * live feed; bad values are {@code BadRequestData} problems with codes {@code dashboard.bbox}, {@code dashboard.zoom},
 * {@code dashboard.layer}.
 */
public record View(MapIndex.Box box, int zoom, Set<MapLayer> layers) {
    public View {
        Objects.requireNonNull(box);
        layers = layers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(layers));
    }

    /** Whether a marker is shown by this view (its layer selected, inside the box). */
    public boolean shows(@Nullable Marker m) {
        return m != null && layers.contains(m.layer()) && m.within(box.west(), box.south(), box.east(), box.north());
    }

    /** Parses the three parameters (null when absent); see the class comment. */
    public static View parse(@Nullable String bbox, @Nullable String zoom, @Nullable String layers) {
        if (bbox == null || bbox.isBlank()) {
            throw TwinException.badData("dashboard.bbox", "bbox=west,south,east,north is required");
        }
        String[] p = bbox.split(",", -1);
        if (p.length != 4) {
            throw TwinException.badData(
                    "dashboard.bbox", "bbox needs 4 numbers west,south,east,north, not '" + bbox + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(p[i].trim());
            } catch (NumberFormatException e) {
                throw TwinException.badData("dashboard.bbox", "bbox value '" + p[i] + "' is not a number");
            }
            if (!Double.isFinite(v[i])) {
                throw TwinException.badData("dashboard.bbox", "bbox value '" + p[i] + "' is not finite");
            }
        }
        int z;
        if (zoom == null || zoom.isBlank()) {
            throw TwinException.badData("dashboard.zoom", "zoom=0..22 is required");
        }
        try {
            z = Integer.parseInt(zoom.trim());
        } catch (NumberFormatException e) {
            throw TwinException.badData("dashboard.zoom", "zoom must be an integer 0..22, not '" + zoom + "'");
        }
        if (z < 0 || z > 22) {
            throw TwinException.badData("dashboard.zoom", "zoom must be 0..22, not " + z);
        }
        Set<MapLayer> ls = EnumSet.noneOf(MapLayer.class);
        if (layers == null) {
            ls = EnumSet.allOf(MapLayer.class);
        } else if (!layers.isBlank()) {
            for (String s : layers.split(",", -1)) {
                String id = s.trim();
                ls.add(MapLayer.ofId(id)
                        .orElseThrow(() -> TwinException.badData(
                                "dashboard.layer",
                                "Unknown layer '" + id + "'; layers are lighting, traffic, water, air, energy, parking,"
                                        + " vehicles")));
            }
        }
        return new View(new MapIndex.Box(v[0], v[1], v[2], v[3]), z, ls);
    }
}
