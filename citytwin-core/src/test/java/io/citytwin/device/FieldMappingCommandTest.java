package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/** The command flag and the inverse transform that turns a twin value back into the device's units. */
class FieldMappingCommandTest {

    @Test
    void command_isFalseByDefault_andKeptByTheWithers() {
        FieldMapping m = new FieldMapping("dim", "dimmingLevel");
        assertThat(m.command()).isFalse();
        FieldMapping c = m.withCommand(true)
                .withScale(0.01, 0)
                .withType(ValueType.NUMBER)
                .withUnitCode("P1");
        assertThat(c.command()).isTrue();
        assertThat(c.withCommand(false).command()).isFalse();
    }

    @Test
    void toDevice_undoesScaleAndOffset_wholeNumbersAsLong_otherValuesUnchanged() {
        FieldMapping percent = new FieldMapping("dim", "dimmingLevel").withScale(0.01, 0);
        assertThat(percent.toDevice(0.3)).isEqualTo(30L);
        assertThat(percent.toDevice(0.305)).isEqualTo(30.5);
        FieldMapping kelvin = new FieldMapping("t", "temperature").withScale(1, -273.15);
        assertThat((Double) kelvin.toDevice(20.0)).isCloseTo(293.15, within(1e-9));
        assertThat(percent.toDevice("on")).isEqualTo("on");
        assertThat(new FieldMapping("p", "power").toDevice(0.3)).isEqualTo(0.3);
    }

    @Property(tries = 500)
    void toDevice_ofTheForwardTransform_givesTheDeviceIntegerBack(
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long device,
            @ForAll @DoubleRange(min = 0.001, max = 1000) @Scale(4) double scale,
            @ForAll @DoubleRange(min = -1000, max = 1000) double offset) {
        FieldMapping m = new FieldMapping("f", "a").withScale(scale, offset);
        double twin = device * scale + offset;
        // an identity mapping passes the twin value through unchanged; a real transform is undone to the integer
        assertThat(m.toDevice(twin)).isEqualTo(m.transforms() ? (Object) device : (Object) twin);
    }
}
