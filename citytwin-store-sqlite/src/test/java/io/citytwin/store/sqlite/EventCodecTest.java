package io.citytwin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    static final Instant AT = Instant.parse("2026-11-21T12:00:00.123456789Z");

    @Test
    void update_roundTrips_withASketchOfThePreviousEntity() {
        Entity v1 = Fixtures.small("urn:ngsi-ld:Device:c", 1).withTimes(AT, AT);
        String n = v1.attributes().keySet().iterator().next();
        Entity v2 = v1.withAttribute("https://example.org/extra", List.of(Attribute.property(5L)))
                .withAttribute(n, List.of(Attribute.property(2L)));
        ChangeEvent e = new ChangeEvent(
                TenantId.DEFAULT, v1.id(), ChangeKind.UPDATED, v1, v2, Set.of(n, "https://example.org/extra"), AT);
        EventCodec codec = new EventCodec();
        ChangeEvent back = codec.decode(e.tenant(), e.entityId(), v2, codec.encode(e), Instant.EPOCH);
        assertThat(back.kind()).isEqualTo(ChangeKind.UPDATED);
        assertThat(back.at()).isEqualTo(AT);
        assertThat(back.changedAttributes()).isEqualTo(e.changedAttributes());
        assertThat(back.current()).isSameAs(v2);
        assertThat(back.previous().types()).isEqualTo(v1.types());
        assertThat(back.previous().createdAt()).isEqualTo(AT);
        assertThat(back.previous().attributes()).containsKey(n).doesNotContainKey("https://example.org/extra");
    }

    @Test
    void deletion_andCreation_roundTrip() {
        Entity v1 = Fixtures.small("urn:ngsi-ld:Device:d", 1);
        EventCodec codec = new EventCodec();
        ChangeEvent del = new ChangeEvent(TenantId.DEFAULT, v1.id(), ChangeKind.DELETED, v1, null, Set.of(), AT);
        ChangeEvent back = codec.decode(del.tenant(), del.entityId(), null, codec.encode(del), Instant.EPOCH);
        assertThat(back.kind()).isEqualTo(ChangeKind.DELETED);
        assertThat(back.previous().types()).isEqualTo(v1.types());
        ChangeEvent created = new ChangeEvent(
                TenantId.DEFAULT,
                v1.id(),
                ChangeKind.CREATED,
                null,
                v1,
                v1.attributes().keySet(),
                AT);
        assertThat(codec.decode(created.tenant(), created.entityId(), v1, codec.encode(created), Instant.EPOCH)
                        .previous())
                .isNull();
    }
}
