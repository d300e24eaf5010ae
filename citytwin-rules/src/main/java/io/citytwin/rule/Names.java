package io.citytwin.rule;

import io.citytwin.twin.Ngsi;

/** Expansion of the short names used in rule files (default @context) to the twin's expanded IRIs. */
final class Names {
    private Names() {}

    /** An attribute or type name: full IRIs stay, core terms go to the core namespace, others to the default vocab. */
    static String expand(String name) {
        if (name.contains(":")) {
            return name;
        }
        // the terms of the NGSI-LD core @context (v1.9) most likely to be used as attribute names; a node passes the
        // full core context expansion instead (RuleParser.parse with an expander)
        return switch (name) {
            case "location", "observationSpace", "operationSpace", "status", "errors", "error", "data", "scope" ->
                Ngsi.CORE + name;
            case "description" -> "http://purl.org/dc/terms/description";
            default -> Ngsi.DEFAULT_VOCAB + name;
        };
    }

    /** The short form of an expanded name (inverse of {@link #expand} for the default vocabulary and core terms). */
    static String compact(String name) {
        if (name.startsWith(Ngsi.DEFAULT_VOCAB)) {
            return name.substring(Ngsi.DEFAULT_VOCAB.length());
        }
        if (name.startsWith(Ngsi.CORE) && name.indexOf('/', Ngsi.CORE.length()) < 0) {
            return name.substring(Ngsi.CORE.length());
        }
        return name;
    }
}
