package io.citytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * An entity's attribute map (the array-backed {@code Entity.Owned}) behaves as the insertion-ordered map it was built
 * from, on both sides of the size where lookups switch from scanning to the index; names include ones with equal
 * hashes ("Aa" and "BB").
 */
class EntityAttributeMapPropertiesTest {

    @Provide
    Arbitrary<List<String>> names() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6),
                Arbitraries.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"));
        return name.list().ofMaxSize(40).uniqueElements();
    }

    @Property(tries = 300)
    void behavesAsTheMapItWasBuiltFrom(@ForAll("names") List<String> names, @ForAll("names") List<String> probes) {
        LinkedHashMap<String, List<Attribute>> expected = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            expected.put(names.get(i), List.of(Attribute.property(i)));
        }
        Map<String, List<Attribute>> owned = Entity.Owned.of(new LinkedHashMap<>(expected));

        assertThat(owned).isEqualTo(expected);
        assertThat(expected).isEqualTo(owned);
        assertThat(owned.hashCode()).isEqualTo(expected.hashCode());
        assertThat(owned.size()).isEqualTo(expected.size());
        assertThat(new ArrayList<>(owned.keySet())).containsExactlyElementsOf(expected.keySet());
        assertThat(new ArrayList<>(owned.values())).containsExactlyElementsOf(expected.values());
        assertThat(new ArrayList<>(owned.entrySet())).containsExactlyElementsOf(expected.entrySet());
        List<String> visited = new ArrayList<>();
        owned.forEach((k, v) -> {
            assertThat(v).isSameAs(expected.get(k));
            visited.add(k);
        });
        assertThat(visited).containsExactlyElementsOf(expected.keySet());
        for (String p : probes) {
            assertThat(owned.get(p)).as(p).isEqualTo(expected.get(p));
            assertThat(owned.containsKey(p)).as(p).isEqualTo(expected.containsKey(p));
            assertThat(owned.keySet().contains(p)).as(p).isEqualTo(expected.containsKey(p));
        }
        for (String n : names) {
            assertThat(owned.get(n)).as(n).isSameAs(expected.get(n));
        }
        assertThat(owned.get(42)).isNull();
        if (!names.isEmpty()) {
            assertThat(owned.get(null)).isNull();
        }
    }

    @Property(tries = 50)
    void cannotBeChanged(@ForAll("names") List<String> names) {
        LinkedHashMap<String, List<Attribute>> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, List.of(Attribute.property(n)));
        }
        Map<String, List<Attribute>> owned = Entity.Owned.of(m);
        assertThatThrownBy(() -> owned.put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        if (!names.isEmpty()) {
            assertThatThrownBy(() -> owned.remove(names.get(0))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> owned.keySet().iterator().remove())
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> owned.entrySet().iterator().next().setValue(List.of()))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
