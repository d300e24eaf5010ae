/**
 * NGSI-LD JSON-LD handling: the built-in core {@code @context} documents, resolution and caching of user contexts
 * ({@link io.citytwin.ngsild.ContextResolver}), per-context term expansion and compaction ({@link
 * io.citytwin.ngsild.LdContext}) and the entity JSON codec ({@link io.citytwin.ngsild.EntityCodec}) that turns
 * NGSI-LD request bodies into core {@code Entity}/{@code Attribute} values and renders them back in the normalized,
 * concise, keyValues and GeoJSON representations (ETSI GS CIM 009 v1.8, clauses 4.5 and 6.3).
 *
 * <p>No full JSON-LD expansion runs per request: contexts are processed once into term maps and cached.
 */
@NullMarked
package io.citytwin.ngsild;

import org.jspecify.annotations.NullMarked;
