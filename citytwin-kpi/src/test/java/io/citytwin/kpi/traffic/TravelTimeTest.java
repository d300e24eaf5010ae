package io.citytwin.kpi.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class TravelTimeTest {
    @Test
    void speedRatio_andSegmentIndex() {
        assertThat(TravelTime.speedRatio(45, 60).orElseThrow()).isCloseTo(0.75, within(1e-12));
        assertThat(TravelTime.speedRatio(45, 0)).isEmpty();
        assertThat(TravelTime.segmentIndex(30, 60, 10)).isEqualTo(2);
        assertThat(TravelTime.segmentIndex(70, 60, 10)).isEqualTo(1); // faster than free flow is not below 1
        assertThat(TravelTime.segmentIndex(0, 60, 10)).isEqualTo(10);
    }

    @Test
    void aggregate_isLengthWeighted() {
        TravelTime.Aggregate a = new TravelTime.Aggregate();
        a.add(2.0, 900); // a long jammed segment
        a.add(1.0, 100);
        assertThat(a.value().orElseThrow()).isCloseTo((2.0 * 900 + 100) / 1000, within(1e-12));
        TravelTime.Aggregate unknown = new TravelTime.Aggregate();
        unknown.add(2.0, 900);
        unknown.add(1.0, Double.NaN); // one length unknown: all weigh the same
        assertThat(unknown.value().orElseThrow()).isEqualTo(1.5);
        assertThat(new TravelTime.Aggregate().value()).isEmpty();
    }

    @Property
    void tti_isAtLeastOne(
            @ForAll @DoubleRange(min = 0, max = 200) double speed, @ForAll @DoubleRange(min = 1, max = 130) double ff) {
        assertThat(TravelTime.segmentIndex(speed, ff, 10)).isBetween(1.0, 10.0);
    }
}
