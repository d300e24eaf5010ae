package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.TwinException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The view parser: any input is a valid view or a precise BadRequestData problem, never anything else. */
class ViewProperties {
    @Property
    void anyText_isAViewOrAProblem(@ForAll String bbox, @ForAll String zoom, @ForAll String layers) {
        try {
            View v = View.parse(bbox, zoom, layers);
            assertThat(v.zoom()).isBetween(0, 22);
            assertThat(v.box().west()).isLessThanOrEqualTo(v.box().east());
        } catch (TwinException e) {
            assertThat(e.code()).isIn("dashboard.bbox", "dashboard.zoom", "dashboard.layer");
        }
    }

    @Property
    void validBoxes_roundTrip(
            @ForAll @DoubleRange(min = -180, max = 180) double a,
            @ForAll @DoubleRange(min = -180, max = 180) double b,
            @ForAll @DoubleRange(min = -90, max = 90) double c,
            @ForAll @DoubleRange(min = -90, max = 90) double d,
            @ForAll @IntRange(min = 0, max = 22) int z) {
        double w = Math.min(a, b);
        double e = Math.max(a, b);
        double s = Math.min(c, d);
        double n = Math.max(c, d);
        View v = View.parse(w + "," + s + "," + e + "," + n, Integer.toString(z), "lighting,air");
        assertThat(v.box()).isEqualTo(new MapIndex.Box(w, s, e, n));
        assertThat(v.layers()).containsExactlyInAnyOrder(MapLayer.LIGHTING, MapLayer.AIR);
    }
}
