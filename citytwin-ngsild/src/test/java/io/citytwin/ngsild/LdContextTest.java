package io.citytwin.ngsild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LdContextTest {
    private final ContextResolver resolver =
            ContextResolver.builder().allowRemote(false).build();

    @Test
    void coreUrls_resolveOfflineToCore() {
        for (int n = 3; n <= 9; n++) {
            String url = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1." + n + ".jsonld";
            LdContext ctx = resolver.resolve(url);
            assertThat(ctx.expandTerm("location")).isEqualTo(Ngsi.LOCATION);
            assertThat(ctx.linkUrl()).contains(url);
        }
        LdContext unversioned = resolver.resolve("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld");
        assertThat(unversioned.expandTerm("observedAt")).isEqualTo(Ngsi.OBSERVED_AT);
        assertThat(resolver.resolve(null)).isSameAs(resolver.core());
        assertThat(resolver.core().linkUrl()).contains(ContextResolver.CORE_CONTEXT_URL);
        assertThat(resolver.core().contextValue()).isEqualTo(ContextResolver.CORE_CONTEXT_URL);
    }

    @Test
    void fakeCoreUrl_isNotCore_andFailsWhenRemoteDisabled() {
        String fake = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-foo.jsonld";
        assertThat(ContextResolver.isCoreContextUrl(fake)).isFalse();
        assertThatThrownBy(() -> resolver.resolve(fake)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
            assertThat(e.code()).isEqualTo("context.unavailable");
            assertThat(e.detail()).contains(fake);
        });
    }

    @Test
    void expandTerm_unknownTerm_usesDefaultVocab() {
        LdContext core = resolver.core();
        assertThat(core.expandTerm("temperature")).isEqualTo(Ngsi.DEFAULT_VOCAB + "temperature");
        assertThat(core.compactIri(Ngsi.DEFAULT_VOCAB + "temperature")).isEqualTo("temperature");
        assertThat(core.expandTerm("urn:x:y")).isEqualTo("urn:x:y");
        assertThat(core.expandTerm("https://example.org/a")).isEqualTo("https://example.org/a");
        assertThat(core.compactIri("https://example.org/a")).isEqualTo("https://example.org/a");
        assertThat(core.expandTerm("ngsi-ld:foo")).isEqualTo(Ngsi.CORE + "foo");
        assertThat(core.compactIri(Ngsi.CORE + "foo")).isEqualTo("ngsi-ld:foo");
        assertThat(core.compactIri(Ngsi.LOCATION)).isEqualTo("location");
    }

    @Test
    void inlineContext_termsPrefixesAndVocabRoundTrip() {
        Map<String, Object> inline = Map.of(
                "ex", "https://example.org/ns#",
                "temp", "ex:temperature",
                "Room", Map.of("@id", "https://example.org/types/Room"),
                "category", Map.of("@id", "ex:category", "@type", "@vocab"),
                "hot", "ex:Hot");
        LdContext ctx = resolver.resolve(inline);
        assertThat(ctx.expandTerm("temp")).isEqualTo("https://example.org/ns#temperature");
        assertThat(ctx.expandTerm("Room")).isEqualTo("https://example.org/types/Room");
        assertThat(ctx.expandTerm("ex:other")).isEqualTo("https://example.org/ns#other");
        for (String t : List.of("temp", "Room", "ex:other", "unknownThing", "location", "category")) {
            assertThat(ctx.compactIri(ctx.expandTerm(t))).as(t).isEqualTo(t);
        }
        assertThat(ctx.isVocabTerm("https://example.org/ns#category")).isTrue();
        assertThat(ctx.isVocabTerm("https://example.org/ns#temperature")).isFalse();
        assertThat(ctx.expandVocabValue("hot")).isEqualTo("https://example.org/ns#Hot");
        assertThat(ctx.compactVocabValue("https://example.org/ns#Hot")).isEqualTo("hot");
        assertThat(ctx.linkUrl()).isEmpty();
        assertThat(resolver.resolve(Map.copyOf(inline))).isSameAs(ctx);
    }

    @Test
    void userVocab_overridesDefaultVocab_relativeToPrevious() {
        LdContext ctx = resolver.resolve(List.of(Map.of("@vocab", "https://example.org/v/"), Map.of("@vocab", "x/")));
        assertThat(ctx.expandTerm("foo")).isEqualTo("https://example.org/v/x/foo");
        assertThat(ctx.compactIri("https://example.org/v/x/foo")).isEqualTo("foo");
    }

    @Test
    void protectedCoreTerms_winOverUserRedefinition() {
        LdContext ctx =
                resolver.resolve(Map.of("location", "https://example.org/myLocation", "name", "https://ex.org/n"));
        assertThat(ctx.expandTerm("location")).isEqualTo(Ngsi.LOCATION);
        assertThat(ctx.expandTerm("name")).isEqualTo("https://ex.org/n");
    }

    @Test
    void nullTermDefinition_unmapsTerm() {
        LdContext ctx = resolver.resolve(
                List.of(Map.of("foo", "https://ex.org/foo"), java.util.Collections.singletonMap("foo", null)));
        assertThat(ctx.expandTerm("foo")).isEqualTo(Ngsi.DEFAULT_VOCAB + "foo");
    }

    @Test
    void invalidInlineContext_isBadRequestData() {
        assertThatThrownBy(() -> resolver.resolve(Map.of("foo", 42))).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo("context.invalid");
        });
        assertThatThrownBy(() -> resolver.resolve(42L))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("context.invalid"));
    }

    @Test
    void localMapping_isUsedInsteadOfNetwork() throws Exception {
        Path file = Path.of(
                getClass().getResource("/contexts/sdm-Streetlighting.jsonld").toURI());
        String url = "https://example.invalid/streetlighting.jsonld";
        ContextResolver r = ContextResolver.builder()
                .allowRemote(false)
                .localMappings(Map.of(url, file))
                .build();
        LdContext ctx = r.resolve(url);
        assertThat(ctx.expandTerm("Streetlight"))
                .isEqualTo("https://smartdatamodels.org/dataModel.Streetlighting/Streetlight");
        assertThat(r.resolve(url)).isSameAs(ctx);
        assertThat(ctx.linkUrl()).contains(url);
        assertThat(ctx.contextValue()).isEqualTo(url);
    }

    @Test
    void localMapping_notAContext_isLdContextNotAvailable() throws Exception {
        Path file = Path.of(getClass().getResource("/smart-data-models/LICENSE").toURI());
        ContextResolver r = ContextResolver.builder()
                .allowRemote(false)
                .localMappings(Map.of("https://x.invalid/c", file))
                .build();
        assertThatThrownBy(() -> r.resolve("https://x.invalid/c")).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
            assertThat(e.code()).isEqualTo("context.invalid");
        });
    }

    @Test
    void contextValue_withNullTerm_echoesJavaNull() {
        Map<String, Object> inline = new java.util.HashMap<>();
        inline.put("foo", null);
        Object echoed = resolver.resolve(List.of(inline)).contextValue();
        assertThat(echoed).isEqualTo(List.of(inline));
    }
}
