"""Category commands. Every one bumps the catalogue tree version first, which also
serialises category changes (the tree row is locked), so moves cannot race into a cycle
and path stamps read under it are current (see commands.handlers.paths).
"""

from django.db import connection
from django.utils.text import slugify

from commands import events
from commands.errors import Conflict, ValidationError
from commands.handlers.aggregates import (
    UNSET,
    Unset,
    aggregate_event,
    bump,
    lock_for_change,
)
from commands.handlers.cleaning import clean_text
from commands.handlers.paths import move_increment
from commands.models import CatalogTree, Category
from commands.outbox import outbox_extend
from commands.write_guard import command_handler

LABEL = "category"
NAME_MAX = 200

_BUMP_TREE_SQL = f"""
INSERT INTO {CatalogTree._meta.db_table} (id, version, created_at, updated_at)
VALUES (1, 1, now(), now())
ON CONFLICT (id) DO UPDATE
SET version = {CatalogTree._meta.db_table}.version + 1, updated_at = now()
RETURNING version
"""


def bump_tree_version() -> int:
    """Lock the catalogue tree row and raise its version; returns the new version."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_TREE_SQL)
        return int(cursor.fetchone()[0])


@command_handler
def category_create(
    *, name: str, slug: str | None = None, parent_id: int | None = None
) -> Category:
    tree_version = bump_tree_version()
    name = clean_text(name, field="name", max_length=NAME_MAX)
    slug = _clean_slug(slug if slug else slugify(name))
    _ensure_slug_free(slug)
    category = Category(name=name, slug=slug, parent=_parent(parent_id))
    category.save()
    _append(category, event_type=events.CATEGORY_CREATED, tree_version=tree_version)
    return category


@command_handler
def category_rename(
    *,
    category_id: int,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    expected_version: int | None = None,
) -> Category:
    """Change the name and/or the slug; a change that changes nothing emits nothing."""
    tree_version = bump_tree_version()
    category = _lock(category_id, expected_version=expected_version)
    if name is not UNSET:
        name = clean_text(name, field="name", max_length=NAME_MAX)
    if slug is not UNSET:
        slug = _clean_slug(slug)
    new_name = category.name if name is UNSET else name
    new_slug = category.slug if slug is UNSET else slug
    if (new_name, new_slug) == (category.name, category.slug):
        return category
    if new_slug != category.slug:
        _ensure_slug_free(new_slug)
    category.name, category.slug = new_name, new_slug
    bump(category)
    category.stamp += 1
    category.save()
    _append(category, event_type=events.CATEGORY_RENAMED, tree_version=tree_version)
    return category


@command_handler
def category_move(
    *, category_id: int, parent_id: int | None, expected_version: int | None = None
) -> Category:
    """Put the category under another parent (None: make it a root)."""
    tree_version = bump_tree_version()
    category = _lock(category_id, expected_version=expected_version)
    if category.parent_id == parent_id:
        return category
    parent = _parent(parent_id)
    if parent is not None and category.pk in _ancestor_ids(parent):
        raise ValidationError.on("parent", "a category cannot move under itself")
    category.stamp += move_increment(
        old_category_id=category.parent_id, new_category_id=parent_id
    )
    category.parent = parent
    bump(category)
    category.save()
    _append(category, event_type=events.CATEGORY_MOVED, tree_version=tree_version)
    return category


@command_handler
def category_delete(
    *, category_id: int, expected_version: int | None = None
) -> Category:
    """Delete an empty category; the returned (unsaved) object carries the tombstone."""
    tree_version = bump_tree_version()
    category = _lock(category_id, expected_version=expected_version)
    children = category.children.count()
    products = category.products.count()
    if children or products:
        raise Conflict(
            f"category {category.pk} is not empty: {children} sub-categories and "
            f"{products} products (deleted products included) still point at it"
        )
    bump(category)
    _append(category, event_type=events.CATEGORY_DELETED, tree_version=tree_version)
    pk = category.pk
    category.delete()
    category.pk = pk
    return category


def _lock(category_id: int, *, expected_version: int | None) -> Category:
    return lock_for_change(
        Category.objects.all(),
        pk=category_id,
        label=LABEL,
        expected_version=expected_version,
    )


def _append(category: Category, *, event_type: str, tree_version: int) -> None:
    # tree_version rides along so projections can fence product documents by it.
    extra = {"tree_version": tree_version}
    outbox_extend([aggregate_event(category, event_type=event_type, extra=extra)])


def _clean_slug(slug: object) -> str:
    text = clean_text(slug, field="slug", max_length=NAME_MAX)
    if slugify(text) != text:
        raise ValidationError.on(
            "slug", "may contain only lowercase letters, digits, hyphens, underscores"
        )
    return text


def _ensure_slug_free(slug: str) -> None:
    if Category.objects.filter(slug=slug).exists():
        raise ValidationError.on("slug", f"{slug!r} is already used by a category")


def _parent(parent_id: int | None) -> Category | None:
    if parent_id is None:
        return None
    try:
        return Category.objects.get(pk=parent_id)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise ValidationError.on(
            "parent", f"category {parent_id} does not exist"
        ) from None


def _ancestor_ids(category: Category) -> set[int]:
    """The category and everything above it."""
    seen = {category.pk}
    parent_id = category.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent_id = (
            Category.objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return seen
