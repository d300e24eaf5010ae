/**
 * The NGSI-LD query language {@code q} (ETSI GS CIM 009 v1.8, clause 4.9): an immutable AST ({@link
 * io.citytwin.twin.query.Query}), a parser ({@link io.citytwin.twin.query.QueryParser}), a canonical printer, name
 * expansion and evaluation against {@link io.citytwin.twin.Entity entities}.
 *
 * <p>Typical use by the HTTP layer: {@code QueryParser.parse(raw).mapNames(context::expand)}, then {@code
 * query.test(entity)} per candidate, after narrowing candidates with {@code query.equalityConstraints()}. All types
 * are immutable and thread-safe. Framework-free.
 */
@NullMarked
package io.citytwin.twin.query;

import org.jspecify.annotations.NullMarked;
