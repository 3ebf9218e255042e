from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Q, QuerySet, Window, prefetch_related_objects

PAGE_SIZE = 25


def paginate(request, items, per_page: int = PAGE_SIZE, *, count: int | None = None):
    """The requested page; a page number out of range or not a number gives the nearest page.
    `count`: the number of items when the page already knows it (from a summary it shows),
    which spares counting them again."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: what it would have counted
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def first_counted(rows: QuerySet, shown: int) -> tuple[int, list]:
    """How many rows there are and the first `shown` of them, in one query: each row read
    carries the count of all (a window over the rows before the limit)."""
    first = list(rows.annotate(rows_in_all=Window(Count("pk")))[:shown])
    return (first[0].rows_in_all if first else 0), first


class FirstThenRest:
    """The rows of `queryset` that meet `first`, in `first_order`, then the others in
    `rest_order`, read as one list a page at a time.

    An order that depends on the moment of reading (open challenges first, then the rest)
    cannot be kept in an index; each part's own order can. A page reads only the rows it
    shows, from one part or both, each through its index, instead of sorting every row; both
    parts are counted in one query. A page across the two parts costs one read more than a
    page inside one, whatever the number of rows."""

    def __init__(self, queryset: QuerySet, first: Q, first_order: tuple[str, ...], rest_order: tuple[str, ...]):
        self.first = queryset.filter(first).order_by(*first_order)
        self.rest = queryset.exclude(first).order_by(*rest_order)
        self._queryset, self._condition = queryset, first
        self._counts: tuple[int, int] | None = None

    def _count_parts(self) -> tuple[int, int]:
        if self._counts is None:
            counts = self._queryset.order_by().aggregate(all=Count("pk"), first=Count("pk", filter=self._condition))
            self._counts = (counts["first"], counts["all"])
        return self._counts

    def count(self) -> int:
        return self._count_parts()[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("read a page at a time: items[start:stop]")
        split, total = self._count_parts()
        start, stop = index.start or 0, total if index.stop is None else index.stop
        # A page across both parts reads each, and what they share (prefetched relations) once.
        lookups = self.first._prefetch_related_lookups
        rows = list(self.first.prefetch_related(None)[start : min(stop, split)]) if start < split else []
        if stop > split:
            rows += list(self.rest.prefetch_related(None)[max(start - split, 0) : stop - split])
        prefetch_related_objects(rows, *lookups)
        return rows
