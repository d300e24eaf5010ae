package io.citytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EntityWithInstancesTest {
    private static final List<String> NAMES = List.of("a", "b", "c", "d");

    /** One bulk copy gives exactly the entity of applying each instance in turn. */
    @Property(tries = 300)
    void withInstances_equalsApplyingEachInstanceInTurn(
            @ForAll("fragments") Map<String, List<Attribute>> start,
            @ForAll("fragments") Map<String, List<Attribute>> fragment) {
        Entity base = new Entity(EntityId.of("urn:ngsi-ld:T:1"), List.of("T"), start, null, null);
        Entity stepByStep = base;
        for (Map.Entry<String, List<Attribute>> f : fragment.entrySet()) {
            for (Attribute inst : f.getValue()) {
                stepByStep = stepByStep.withInstance(f.getKey(), inst);
            }
        }
        Entity bulk = base.withInstances(fragment);
        assertThat(bulk).isEqualTo(stepByStep);
        assertThat(List.copyOf(bulk.attributes().keySet()))
                .containsExactlyElementsOf(stepByStep.attributes().keySet());
    }

    @Provide
    Arbitrary<Map<String, List<Attribute>>> fragments() {
        Arbitrary<Attribute> instance = Combinators.combine(
                        Arbitraries.longs().between(0, 9),
                        Arbitraries.of("x", "y", "z").injectNull(0.4))
                .as((v, ds) -> new Attribute(AttributeKind.PROPERTY, v, ds, null, null, Map.of(), null, null));
        Arbitrary<List<Attribute>> instances = instance.list().ofMaxSize(4);
        return Arbitraries.of(NAMES).list().uniqueElements().ofMaxSize(4).flatMap(names -> instances
                .list()
                .ofSize(names.size())
                .map(lists -> {
                    Map<String, List<Attribute>> m = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        m.put(names.get(i), lists.get(i));
                    }
                    return m;
                }));
    }
}
