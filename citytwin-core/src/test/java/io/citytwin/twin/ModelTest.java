package io.citytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The core model: ids, the JSON value shape, attribute kinds, multi-instance attributes, type selections. */
class ModelTest {

    @Test
    void entityId_acceptsUris_andRejectsEverythingElse() {
        assertThat(EntityId.isValid("urn:ngsi-ld:Streetlight:1")).isTrue();
        assertThat(EntityId.isValid("https://example.org/things/1?x=1#y")).isTrue();
        assertThat(EntityId.isValid("Streetlight1")).isFalse();
        assertThat(EntityId.isValid("urn:")).isFalse();
        assertThat(EntityId.isValid(":x")).isFalse();
        assertThat(EntityId.isValid("1urn:x")).isFalse();
        assertThat(EntityId.isValid("urn:a b")).isFalse();
        assertThat(EntityId.isValid("urn:a<b>")).isFalse();
        assertThat(EntityId.isValid("urn:" + "x".repeat(EntityId.MAX_LENGTH))).isFalse();
        assertThatThrownBy(() -> EntityId.of("nope"))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA));
    }

    @Property(tries = 1000)
    void entityId_isValid_neverThrows_andAgreesWithTheConstructor(@ForAll String s) {
        boolean valid = EntityId.isValid(s);
        if (valid) {
            assertThat(EntityId.of(s).value()).isEqualTo(s);
        } else {
            assertThatThrownBy(() -> EntityId.of(s)).isInstanceOf(TwinException.class);
        }
    }

    @Test
    void tenant_defaultsAndValidation() {
        assertThat(TenantId.of(null)).isEqualTo(TenantId.DEFAULT);
        assertThat(TenantId.of("  ")).isEqualTo(TenantId.DEFAULT);
        assertThat(TenantId.of("default").isDefault()).isTrue();
        assertThat(TenantId.of("city-b").value()).isEqualTo("city-b");
        assertThatThrownBy(() -> TenantId.of("a/b")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> TenantId.of("x".repeat(65))).isInstanceOf(TwinException.class);
    }

    @Test
    void jsonFreeze_normalisesNumbers_copiesDeeply_andKeepsOrder() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("b", 1);
        in.put("a", List.of(2.5f, new BigDecimal("3"), new BigDecimal("0.5"), BigInteger.TEN));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        in.put("n", withNull);
        Object out = Json.freeze(in);
        assertThat(out).isEqualTo(Map.of("b", 1L, "a", List.of(2.5d, 3L, 0.5d, 10L), "n", List.of(Json.NULL)));
        assertThat(new ArrayList<Object>(((Map<?, ?>) out).keySet())).containsExactly("b", "a", "n");
        in.put("b", 2);
        assertThat(((Map<?, ?>) out).get("b")).as("a copy").isEqualTo(1L);
        assertThatThrownBy(() -> ((Map<String, Object>) out).put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Json.freeze(new Object())).isInstanceOf(TwinException.class);
    }

    @Test
    void attribute_valueShapeIsCheckedPerKind() {
        assertThatThrownBy(
                        () -> new Attribute(AttributeKind.PROPERTY, Json.NULL, null, null, null, Map.of(), null, null))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Attribute(AttributeKind.RELATIONSHIP, 5L, null, null, null, Map.of(), null, null))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Attribute(
                        AttributeKind.LIST_RELATIONSHIP, List.of(1L), null, null, null, Map.of(), null, null))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() ->
                        new Attribute(AttributeKind.GEO_PROPERTY, "POINT(1 1)", null, null, null, Map.of(), null, null))
                .isInstanceOf(TwinException.class);
        assertThat(new Attribute(AttributeKind.JSON_PROPERTY, Json.NULL, null, null, null, Map.of(), null, null)
                        .value())
                .isEqualTo(Json.NULL);
        assertThat(AttributeKind.ofTypeName("https://uri.etsi.org/ngsi-ld/GeoProperty"))
                .contains(AttributeKind.GEO_PROPERTY);
        assertThat(AttributeKind.ofValueMember("languageMap")).contains(AttributeKind.LANGUAGE_PROPERTY);
        assertThat(AttributeKind.ofTypeName("Nope")).isEmpty();
    }

    @Test
    void multiAttributes_keepTheDefaultInstanceFirst_andReplaceByDatasetId() {
        Attribute a = Attribute.property(1L).withValue(1L);
        Attribute s1 = new Attribute(AttributeKind.PROPERTY, 2L, "urn:ds:1", null, null, Map.of(), null, null);
        Attribute s1b = new Attribute(AttributeKind.PROPERTY, 3L, "urn:ds:1", null, null, Map.of(), null, null);
        Entity e = Entity.of(EntityId.of("urn:x:1"), "T").withInstance("p", s1).withInstance("p", a);
        assertThat(e.instances("p")).extracting(Attribute::datasetId).containsExactly(null, "urn:ds:1");
        assertThat(e.attribute("p")).contains(a);
        e = e.withInstance("p", s1b);
        assertThat(e.instances("p")).hasSize(2);
        assertThat(e.instance("p", "urn:ds:1").orElseThrow().value()).isEqualTo(3L);
        assertThat(e.withAttribute("p", List.of()).attributes()).isEmpty();
        assertThatThrownBy(() -> new Entity(EntityId.of("urn:x:2"), List.of(), Map.of(), null, null))
                .isInstanceOf(TwinException.class);
    }

    @Test
    void stamped_keepsCreatedAt_ofThePreviousInstance_andStampsSubAttributes() {
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.time.Instant t1 = t0.plusSeconds(60);
        Attribute old = Attribute.property(1L)
                .withSubAttributes(Map.of("q", Attribute.property(0.5)))
                .stamped(null, t0);
        Attribute next = Attribute.property(2L)
                .withSubAttributes(Map.of("q", Attribute.property(0.7)))
                .stamped(old, t1);
        assertThat(next.createdAt()).isEqualTo(t0);
        assertThat(next.modifiedAt()).isEqualTo(t1);
        assertThat(next.subAttributes().get("q").createdAt()).isEqualTo(t0);
        assertThat(next.sameContentAs(Attribute.property(2L).withSubAttributes(Map.of("q", Attribute.property(0.7)))))
                .isTrue();
        assertThat(next.sameContentAs(old)).isFalse();
    }

    @Test
    void typeSelector_supportsOrAndParentheses() {
        TypeSelector s = TypeSelector.parse("(A|B);C,D", t -> "x:" + t);
        assertThat(s.test(List.of("x:A", "x:C"))).isTrue();
        assertThat(s.test(List.of("x:A"))).isFalse();
        assertThat(s.test(List.of("x:D"))).isTrue();
        assertThat(s.names()).containsExactlyInAnyOrder("x:A", "x:B", "x:C", "x:D");
        assertThat(TypeSelector.parse("A", t -> t).requiredType()).contains("A");
        assertThat(TypeSelector.parse("A;B", t -> t).requiredType()).contains("A");
        assertThat(TypeSelector.parse("A|B", t -> t).requiredType()).isEmpty();
        for (String bad : new String[] {"", "(A", "A)", "A;;B", "A|", "A B", "((((((((((((((((((A))))))))))))))))))"}) {
            assertThatThrownBy(() -> TypeSelector.parse(bad, t -> t)).as(bad).isInstanceOf(TwinException.class);
        }
    }

    @Property(tries = 1000)
    void typeSelector_neverThrowsAnythingButTwinException(@ForAll("typeText") String s) {
        try {
            TypeSelector.parse(s, t -> t);
        } catch (TwinException e) {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
        }
    }

    @Provide
    Arbitrary<String> typeText() {
        return Arbitraries.strings().withChars("AB();|, \"=").ofMaxLength(30);
    }
}
