package io.citytwin.event;

/** What happened to an entity. */
public enum ChangeKind {
    /** The entity did not exist and now does. */
    CREATED,
    /** Some attributes of an existing entity were appended, updated or deleted, or its types changed. */
    UPDATED,
    /** The entity was replaced as a whole (PUT). */
    REPLACED,
    /** The entity was deleted. */
    DELETED
}
